// State ComputeMetrics — cost, refusal, error and latency per model, and paired comparisons with the baseline.
import { RunRefSchema } from '../../shared/schemas/messages.js';
import { computeMetrics } from '../../shared/use-cases/aggregate.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export const makeComputeMetrics = (getDeps: () => Promise<Deps>) => async (input: unknown) => computeMetrics(await getDeps(), RunRefSchema.parse(input));
export const handler = makeComputeMetrics(lazyDeps);
