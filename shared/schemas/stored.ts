// Stored items written by our own steps and read back: the run's metrics (ComputeMetrics → Recommend, GET).
import { z } from 'zod';

/** JSON turns NaN (an undefined interval) into null; reading back restores NaN so `Number.isFinite` checks hold. */
const num = z.number().nullable().transform((v) => v ?? Number.NaN);
const interval = z.tuple([num, num]);
const estimate = z.object({ estimate: num, ci95: interval, n: z.number(), clusters: z.number().optional() });
const proportionChange = z.object({ estimate: num, ci95: interval });

export const ComparisonSchema = z.object({
  model: z.string(),
  quality: estimate.nullable(),
  cost: estimate.nullable(),
  refusal: proportionChange.nullable(),
  error: proportionChange.nullable().optional(),
});

export const ModelMetricsSchema = z.object({
  model: z.string(),
  is_baseline: z.boolean(),
  results: z.number(),
  ok: z.number(),
  refused: z.number(),
  partial_refusals: z.number(),
  guardrail_blocked: z.number(),
  errors: z.number(),
  error_kinds: z.record(z.string(), z.number()),
  skipped: z.number(),
  scored: z.number(),
  unscored: z.number(),
  not_judged: z.number(),
  pairwise: z.object({ win: z.number(), tie: z.number(), loss: z.number() }),
  quality_mean: z.number().nullable(),
  cost_known: z.boolean(),
  cost_usd_total: z.number().nullable(),
  cost_per_1k_requests_usd: z.number().nullable(),
  input_tokens: z.number(),
  output_tokens: z.number(),
  latency_ms_p50: z.number().nullable(),
  latency_ms_p95: z.number().nullable(),
  latency_ms_p99: z.number().nullable(),
  gateway_latency_ms_p50: z.number().nullable(),
  gateway_latency_ms_p95: z.number().nullable(),
  refusal_rate: z.number(),
  error_rate: z.number(),
  guardrail_block_rate: z.number(),
});

export const RunMetricsSchema = z.object({
  models: z.array(ModelMetricsSchema),
  comparisons: z.record(z.string(), ComparisonSchema),
  segments: z.record(z.string(), z.record(z.string(), ComparisonSchema)),
  judging: z.object({ answers: z.number(), judged: z.number(), saved_fraction: z.number() }),
});
