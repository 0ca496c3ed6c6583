// State MarkFailed — the catch-all: the run ends `failed` with the cause, so no run hangs.

import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { markFailedWiring } from '../../shared/runtime/wiring/aggregate.js';
import { RunRefSchema } from '../../shared/schemas/messages.js';
import { onFirstUse } from '../../shared/schemas/on-first-use.js';
import * as z from '../../shared/schemas/zod.js';
import { type MarkFailedDeps, markFailed } from '../../shared/use-cases/aggregate/mark-failed.js';

const Input = onFirstUse(() => z.extend(RunRefSchema, { error: z.optional(z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) })) }));

export const makeMarkFailed = (getDeps: () => Promise<MarkFailedDeps>) => async (input: unknown) => {
  const parsed = Input.parse(input);
  return markFailed(await getDeps(), parsed, parsed.error?.Error ?? 'unknown error');
};
export const handler = makeMarkFailed(fromEnvironment(markFailedWiring));
