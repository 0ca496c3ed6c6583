// Queue messages and state-machine payloads: keys and counts only, never texts.
import { z } from 'zod';

export const WorkItemSchema = z.object({
  v: z.literal(1),
  tenant_id: z.string().min(1),
  run_id: z.string().min(1),
  capture_id: z.string().min(1),
  model: z.string().min(1),
  /** times this item was put back because a provider limit was reached (not a provider attempt) */
  throttled: z.number().int().nonnegative().optional(),
});
export type WorkItem = z.infer<typeof WorkItemSchema>;

export const RunRefSchema = z.object({ tenant_id: z.string().min(1), run_id: z.string().min(1) });
export type RunRef = z.infer<typeof RunRefSchema>;

/** Recommend's input: after a confirmation pass it carries the confirmed model, and the decision is final. */
export const RecommendStepSchema = RunRefSchema.extend({ confirm: z.string().nullable().optional() });
export type RecommendStep = z.infer<typeof RecommendStepSchema>;

export const ProgressSchema = RunRefSchema.extend({
  done: z.boolean(),
  reasons: z.array(z.string()),
  stored: z.number().int().nonnegative(),
  expected: z.number().int().nonnegative(),
  /** seconds WaitForWork waits before the next check (the state machine reads it) */
  poll_seconds: z.number().int().positive(),
});
export type Progress = z.infer<typeof ProgressSchema>;
/** CheckProgress's input: a run, and from the second check on the previous check's output (its `stored`). */
export const CheckProgressInputSchema = RunRefSchema.extend({ stored: z.number().int().nonnegative().optional() });

const PairStatsSchema = z.object({ n: z.number(), sb: z.number(), sc: z.number(), sbb: z.number(), scc: z.number(), sbc: z.number() });

/** ScoreQuality's loop state: a cursor over the baseline's results, and per candidate its running paired sums. */
export const ScoringStepSchema = RunRefSchema.extend({
  cursor: z.string().nullable().default(null),
  look: z.number().int().nonnegative().default(0),
  finished: z.boolean().default(false),
  judged: z.number().int().nonnegative().default(0),
  /** candidate → running paired sums of judged quality (small: six numbers each) */
  stats: z.record(z.string(), PairStatsSchema).default({}),
  /** candidate → settled verdict; settled candidates are not judged further */
  settled: z.record(z.string(), z.enum(['pass', 'fail'])).default({}),
  /** confirmation pass: judge only this model's remaining answers (the recommendation), no early stop */
  confirm: z.string().nullable().default(null),
});
export type ScoringStep = z.infer<typeof ScoringStepSchema>;
