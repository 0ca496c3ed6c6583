// The stored result of one (run, capture, model), and the results written without calling a provider.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { REFUSAL_CLASSES } from './refusal-classes.js';
import { TokenUsageSchema } from './usage.js';

export const RESULT_STATUSES = ['ok', 'refused', 'guardrail_blocked', 'error', 'skipped'] as const;
export type ResultStatus = (typeof RESULT_STATUSES)[number];

export const JudgeScoresSchema = onFirstUse(() =>
  z.object({
    accuracy: z.number(),
    relevance: z.number(),
    clarity: z.number(),
    rationale: z.optional(z.string()),
    /** the judge model that gave these scores (with a judge cascade: the cheap or the strong judge) */
    judged_by: z.optional(z.string()),
  }),
);
export const PAIRWISE_OUTCOMES = ['win', 'tie', 'loss'] as const;
export type PairwiseOutcome = (typeof PAIRWISE_OUTCOMES)[number];

/** The one result of a (run, capture, model): what the model answered, how it was classified, what it cost. */
export const ReplayResultSchema = onFirstUse(() =>
  z.object({
    run_id: z.string(),
    capture_id: z.string(),
    model: z.string(),
    status: z.enum(RESULT_STATUSES),
    answer: z.string(),
    finish_reason: z.nullable(z.string()),
    refusal: z.enum(REFUSAL_CLASSES),
    refusal_signals: z.array(z.string()),
    /** the detector's confidence in `refusal` (0–1); absent on results stored before it existed */
    refusal_confidence: z.optional(z.nullable(z.number())),
    usage: z.nullable(TokenUsageSchema),
    cost_usd: z.nullable(z.number()),
    latency_ms: z.nullable(z.number()),
    gateway_latency_ms: z.nullable(z.number()),
    error_kind: z.nullable(z.string()),
    error_status: z.nullable(z.number()),
    guardrail_checks: z.array(z.string()),
    attempts: z.number(),
    stored_at: z.string(),
    /** the capture's segment (its tag named by settings.segmentTag) and conversation, for segments and clustering */
    segment: z.optional(z.nullable(z.string())),
    conversation_id: z.optional(z.nullable(z.string())),
    quality: z.optional(z.nullable(z.number())),
    judge: z.optional(z.nullable(JudgeScoresSchema)),
    judge_status: z.optional(z.enum(['scored', 'unscored'])),
    /** pairwise verdict against the baseline's answer, both orders combined */
    pairwise: z.optional(z.nullable(z.enum(PAIRWISE_OUTCOMES))),
  }),
);
export type ReplayResult = z.infer<typeof ReplayResultSchema>;

/** What ScoreQuality writes onto a result. */
export type QualityScore = { quality: number | null; judge: ReplayResult['judge']; judge_status: 'scored' | 'unscored' };

/** Answers that reached the model and came back: the ones judged, priced and timed. */
export const isAnswered = (r: Pick<ReplayResult, 'status'>): boolean => r.status === 'ok' || r.status === 'refused';

/** A result written without calling a provider (capture gone, budget reached, dead-lettered). */
export function resultWithoutCall(input: {
  runId: string;
  captureId: string;
  model: string;
  status: 'error' | 'skipped';
  kind: string;
  attempts: number;
  now: Date;
}): ReplayResult {
  return {
    run_id: input.runId,
    capture_id: input.captureId,
    model: input.model,
    status: input.status,
    answer: '',
    finish_reason: null,
    refusal: 'none',
    refusal_signals: [],
    usage: null,
    cost_usd: 0,
    latency_ms: null,
    gateway_latency_ms: null,
    error_kind: input.kind,
    error_status: null,
    guardrail_checks: [],
    attempts: input.attempts,
    stored_at: input.now.toISOString(),
  };
}

/** What a stored result cost the run's providers: nothing for the captured answer (no call, `attempts` 0). */
export const billedUsd = (r: Pick<ReplayResult, 'attempts' | 'cost_usd'>): number => (r.attempts > 0 ? (r.cost_usd ?? 0) : 0);

/**
 * What one stored result adds to the run's counters. `calls` is the slot's call-started marks: two or more means a
 * provider call was made before this one and may have been billed (a crashed or timed-out attempt).
 */
export const countsOf = (r: Pick<ReplayResult, 'attempts' | 'cost_usd' | 'status' | 'error_kind'>, calls: number) => ({
  stored: 1,
  cost_usd: billedUsd(r),
  double_calls: calls >= 2 ? 1 : 0,
  skipped: r.status === 'skipped' ? 1 : 0,
  dead_lettered: r.error_kind === 'dead_lettered' ? 1 : 0,
});
