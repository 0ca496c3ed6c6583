// Composition roots of the aggregate state machine's functions, one per state's use case.
import type { CheckProgressDeps } from '../../use-cases/aggregate/check-progress.js';
import type { ComputeMetricsDeps } from '../../use-cases/aggregate/compute-metrics.js';
import type { MarkFailedDeps } from '../../use-cases/aggregate/mark-failed.js';
import type { RecommendDeps } from '../../use-cases/aggregate/recommend.js';
import { resultStore, runStore } from '../build/dynamo.js';
import { clock, log, settings, type Wiring } from '../wiring.js';

export const checkProgressWiring: Wiring<CheckProgressDeps> = { runs: runStore, results: resultStore, clock };
export const computeMetricsWiring: Wiring<ComputeMetricsDeps> = { runs: runStore, results: resultStore, settings };
export const recommendWiring: Wiring<RecommendDeps> = { runs: runStore, clock, log, settings };
export const markFailedWiring: Wiring<MarkFailedDeps> = { runs: runStore, clock };
