// State MarkFailed — the catch-all: the run ends `failed` with the cause, so no run hangs.
import { z } from 'zod';
import { RunRefSchema } from '../../shared/schemas/messages.js';
import { markFailed } from '../../shared/use-cases/aggregate.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

const Input = RunRefSchema.extend({ error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }).optional() });

export const makeMarkFailed = (getDeps: () => Promise<Deps>) => async (input: unknown) => {
  const parsed = Input.parse(input);
  return markFailed(await getDeps(), parsed, parsed.error?.Error ?? 'unknown error');
};
export const handler = makeMarkFailed(lazyDeps);
