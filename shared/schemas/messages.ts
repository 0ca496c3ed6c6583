// Queue messages and state-machine payloads: keys and counts only, never texts.
import { onFirstUse } from './on-first-use.js';
import * as z from './zod.js';

export const WorkItemSchema = onFirstUse(() =>
  z.object({
    v: z.literal(1),
    tenant_id: z.string().check(z.minLength(1)),
    run_id: z.string().check(z.minLength(1)),
    capture_id: z.string().check(z.minLength(1)),
    model: z.string().check(z.minLength(1)),
    /** times this item was put back because a provider limit was reached (not a provider attempt) */
    throttled: z.optional(z.number().check(z.int(), z.nonnegative())),
  }),
);
export type WorkItem = z.infer<typeof WorkItemSchema>;

export const RunRefSchema = onFirstUse(() => z.object({ tenant_id: z.string().check(z.minLength(1)), run_id: z.string().check(z.minLength(1)) }));
export type RunRef = z.infer<typeof RunRefSchema>;

/** Recommend's input: after a confirmation pass it carries the confirmed model, and the decision is final. */
export const RecommendStepSchema = onFirstUse(() => z.extend(RunRefSchema, { confirm: z.optional(z.nullable(z.string())) }));
export type RecommendStep = z.infer<typeof RecommendStepSchema>;

export const ProgressSchema = onFirstUse(() =>
  z.extend(RunRefSchema, {
    done: z.boolean(),
    reasons: z.array(z.string()),
    stored: z.number().check(z.int(), z.nonnegative()),
    expected: z.number().check(z.int(), z.nonnegative()),
    /** seconds WaitForWork waits before the next check (the state machine reads it) */
    poll_seconds: z.number().check(z.int(), z.positive()),
  }),
);
export type Progress = z.infer<typeof ProgressSchema>;
/** CheckProgress's input: a run, and from the second check on the previous check's output (its `stored`). */
export const CheckProgressInputSchema = onFirstUse(() => z.extend(RunRefSchema, { stored: z.optional(z.number().check(z.int(), z.nonnegative())) }));

const PairStatsSchema = onFirstUse(() => z.object({ n: z.number(), sb: z.number(), sc: z.number(), sbb: z.number(), scc: z.number(), sbc: z.number() }));

/** ScoreQuality's loop state: a cursor over the baseline's results, and per candidate its running paired sums. */
export const ScoringStepSchema = onFirstUse(() =>
  z.extend(RunRefSchema, {
    cursor: z._default(z.nullable(z.string()), null),
    look: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    finished: z._default(z.boolean(), false),
    judged: z._default(z.number().check(z.int(), z.nonnegative()), 0),
    /** candidate → running paired sums of judged quality (small: six numbers each) */
    stats: z._default(z.record(z.string(), PairStatsSchema), {}),
    /** candidate → settled verdict; settled candidates are not judged further */
    settled: z._default(z.record(z.string(), z.enum(['pass', 'fail'])), {}),
    /** confirmation pass: judge only this model's remaining answers (the recommendation), no early stop */
    confirm: z._default(z.nullable(z.string()), null),
  }),
);
export type ScoringStep = z.infer<typeof ScoringStepSchema>;
