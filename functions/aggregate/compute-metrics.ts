// State ComputeMetrics — cost, refusal, error and latency per model, and paired comparisons with the baseline.
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { computeMetricsWiring } from '../../shared/runtime/wiring/aggregate.js';
import { RunRefSchema } from '../../shared/schemas/messages.js';
import { type ComputeMetricsDeps, computeMetrics } from '../../shared/use-cases/aggregate/compute-metrics.js';

export const makeComputeMetrics = (getDeps: () => Promise<ComputeMetricsDeps>) => async (input: unknown) =>
  computeMetrics(await getDeps(), RunRefSchema.parse(input));
export const handler = makeComputeMetrics(fromEnvironment(computeMetricsWiring));
