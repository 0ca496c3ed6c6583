// Refusal-rate change in points against the baseline on the same attempted prompts (Newcombe's paired interval).
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { defineCriterion, pct, pctInterval, round1 } from './criterion.js';
import { ProportionChangeSchema, pairedRate } from './summaries.js';

const interval = onFirstUse(() => z.tuple([z.number(), z.number()]));

export const refusalRate = defineCriterion({
  id: 'refusal_rate',
  key: 'refusal',
  always: true,
  measure: (r) => (r.status === 'skipped' ? null : r.status === 'refused'),
  pair: pairedRate,
  summary: ProportionChangeSchema,
  config: z.object({
    /** maximum increase of refusal rate vs baseline, percentage points */
    maxRefusalIncreasePoints: z.number(),
  }),
  defaults: { maxRefusalIncreasePoints: 1 },
  test(s, policy, { candidate, baseline }) {
    const increase = (s?.estimate ?? candidate.refusal_rate - baseline.refusal_rate) * 100;
    return increase > policy.maxRefusalIncreasePoints ? `refusal rate rises by ${round1(increase)} points (limit ${policy.maxRefusalIncreasePoints})` : null;
  },
  requirement: (policy) => (policy.maxRefusalIncreasePoints < 100 ? { clause: 'with', text: `refusals up ≤${policy.maxRefusalIncreasePoints} point` } : null),
  fields: z.object({ refusal_rate_change_points: z.nullable(z.number()), refusal_rate_change_ci95: z.nullable(interval) }),
  describe: (s) => ({
    refusal_rate_change_points: s ? pct(s.estimate) : null,
    refusal_rate_change_ci95: s ? pctInterval(s.ci95) : null,
  }),
});
