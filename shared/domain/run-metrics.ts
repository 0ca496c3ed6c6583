// What ComputeMetrics stores for Recommend: per-model metrics and paired comparisons, overall and per segment.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { ComparisonSchema } from './criteria/index.js';
import { ModelMetricsSchema } from './metrics.js';

export const JudgingSchema = onFirstUse(() => z.object({ answers: z.number(), judged: z.number(), saved_fraction: z.number() }));

export const RunMetricsSchema = onFirstUse(() =>
  z.object({
    models: z.array(ModelMetricsSchema),
    comparisons: z.record(z.string(), ComparisonSchema),
    segments: z.record(z.string(), z.record(z.string(), ComparisonSchema)),
    judging: JudgingSchema,
  }),
);
export type RunMetrics = z.infer<typeof RunMetricsSchema>;
