// A new run record: what was asked, how much work it expects, when it must end, every counter at zero.

import { ReplayRequestSchema } from '../schemas/api.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';

export const RUN_STATUSES = ['running', 'aggregating', 'completed', 'partial', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** A replay run: what was asked, the work it expects, its counters and how it ended. Defaults read older items. */
export const RunRecordSchema = onFirstUse(() =>
  z.object({
    tenant_id: z.string(),
    run_id: z.string(),
    status: z.enum(RUN_STATUSES),
    reasons: z.array(z.string()),
    request: z.extend(ReplayRequestSchema, { baseline_model: z.string() }),
    models: z.array(z.string()),
    expected: z.number(),
    captures: z.number(),
    stored: z.number(),
    cost_usd: z.number(),
    double_calls: z.number(),
    /** USD reserved against the budget (estimates of calls in flight + actual cost of finished ones) */
    reserved_usd: z._default(z.number(), 0),
    judge_cost_usd: z._default(z.number(), 0),
    /** a judge call was not made because its reservation would have passed the budget */
    budget_reached: z._default(z.boolean(), false),
    /** judge verdicts asked so far (rubric and pairwise), for progress */
    judge_verdicts: z._default(z.number(), 0),
    /** judge cascade counts: answers scored by the cheap judge alone / escalated; pairs likewise */
    judge_rubric_cheap: z._default(z.number(), 0),
    judge_rubric_escalated: z._default(z.number(), 0),
    judge_pairwise_cheap: z._default(z.number(), 0),
    judge_pairwise_escalated: z._default(z.number(), 0),
    skipped: z._default(z.number(), 0),
    dead_lettered: z._default(z.number(), 0),
    created_at: z.string(),
    deadline: z.string(),
    finished_at: z.nullable(z.string()),
    simulated: z.boolean(),
    /** the captured traffic the run was drawn from, for monthly projections */
    traffic: z._default(z.nullable(z.object({ matched: z.number(), first_at: z.string(), last_at: z.string(), capped: z.boolean() })), null),
    /** the recommendation's sentence, once there is one (for run lists) */
    headline: z._default(z.nullable(z.string()), null),
  }),
);

/**
 * How long the state machine waits between progress checks: a few seconds for a small run (POST /v1/analyze answers
 * within API Gateway's 29 s only if its run is noticed as done quickly), half a minute for anything larger.
 */
export const pollSecondsFor = (expected: number): number => (expected <= 50 ? 2 : 30);

/** What a list of runs shows of each. */
export type RunSummary = Pick<RunRecord, 'run_id' | 'status' | 'created_at' | 'finished_at' | 'models' | 'headline' | 'cost_usd' | 'judge_cost_usd'>;
export type RunRecord = z.infer<typeof RunRecordSchema>;

export function newRunRecord(input: {
  tenantId: string;
  runId: string;
  request: RunRecord['request'];
  models: string[];
  captures: number;
  now: number;
  simulated: boolean;
  traffic: RunRecord['traffic'];
}): RunRecord {
  return {
    tenant_id: input.tenantId,
    run_id: input.runId,
    status: 'running',
    reasons: [],
    request: input.request,
    models: input.models,
    expected: input.captures * input.models.length,
    captures: input.captures,
    stored: 0,
    cost_usd: 0,
    double_calls: 0,
    reserved_usd: 0,
    judge_cost_usd: 0,
    budget_reached: false,
    judge_verdicts: 0,
    judge_rubric_cheap: 0,
    judge_rubric_escalated: 0,
    judge_pairwise_cheap: 0,
    judge_pairwise_escalated: 0,
    skipped: 0,
    dead_lettered: 0,
    created_at: new Date(input.now).toISOString(),
    deadline: new Date(input.now + input.request.deadline_minutes * 60_000).toISOString(),
    finished_at: null,
    simulated: input.simulated,
    traffic: input.traffic,
    headline: null,
  };
}

/** The run's result counters: what its stored results add up to (the run item keeps them, the results are the truth). */
export type RunCounts = { stored: number; cost_usd: number; double_calls: number; skipped: number; dead_lettered: number };

export const noCounts = (): RunCounts => ({ stored: 0, cost_usd: 0, double_calls: 0, skipped: 0, dead_lettered: 0 });

export const addCounts = (a: RunCounts, b: Partial<RunCounts>): RunCounts => ({
  stored: a.stored + (b.stored ?? 0),
  cost_usd: a.cost_usd + (b.cost_usd ?? 0),
  double_calls: a.double_calls + (b.double_calls ?? 0),
  skipped: a.skipped + (b.skipped ?? 0),
  dead_lettered: a.dead_lettered + (b.dead_lettered ?? 0),
});
