// The deployed entry points' side of the wiring: the platform from the environment, dependencies built once per
// cold start and shared by every invocation of the container.
import { platformFromEnv } from './platform.js';
import { type Wiring, wire } from './wiring.js';

export function fromEnvironment<D extends object>(wiring: Wiring<D>): () => Promise<D> {
  let built: Promise<D> | undefined;
  return () => {
    // A failed build (a secret not readable yet) is not kept: the next invocation tries again.
    built ??= wire(platformFromEnv(), wiring).catch((error: unknown) => {
      built = undefined;
      throw error;
    });
    return built;
  };
}
