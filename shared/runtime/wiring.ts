// Declarative wiring: a function's composition root is an object naming, for each dependency of its use case, the
// builder that makes it from the platform. Builders live in ./build (one module per kind of infrastructure), so a
// function's bundle carries only the SDK clients its wiring names. One instance per platform and port is shared.
import type { Ports } from '../use-cases/deps.js';
import type { Platform } from './platform.js';

export type Builder<T> = (platform: Platform) => T | Promise<T>;
export type Wiring<D> = { [K in keyof D]: Builder<D[K]> };

const instances = new WeakMap<Platform, Map<string, unknown>>();

/** The instance `name` of this platform, built once. */
export function once<T>(platform: Platform, name: string, build: () => T): T {
  let byName = instances.get(platform);
  if (!byName) {
    byName = new Map();
    instances.set(platform, byName);
  }
  if (!byName.has(name)) byName.set(name, build());
  return byName.get(name) as T;
}

/** Builds the dependencies a wiring names; a port the platform overrides is taken from it instead. */
export async function wire<D extends object>(platform: Platform, wiring: Wiring<D>): Promise<D> {
  const overrides = (platform.overrides ?? {}) as Record<string, unknown>;
  const entries = await Promise.all(
    Object.entries(wiring as Record<string, Builder<unknown>>).map(
      async ([name, build]) => [name, name in overrides ? overrides[name] : await build(platform)] as const,
    ),
  );
  return Object.fromEntries(entries) as D;
}

// Builders every function may use: they come with the platform and load nothing.
export const clock: Builder<Ports['clock']> = (p) => p.clock;
export const log: Builder<Ports['log']> = (p) => p.log;
export const settings: Builder<Platform['settings']> = (p) => p.settings;
