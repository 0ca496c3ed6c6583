// Error rate: the candidate's own rate is tested; its change against the baseline (paired interval) is reported.
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { defineCriterion, pct, pctInterval } from './criterion.js';
import { ProportionChangeSchema, pairedRate } from './summaries.js';

const interval = onFirstUse(() => z.tuple([z.number(), z.number()]));

export const errorRate = defineCriterion({
  id: 'error_rate',
  key: 'error',
  always: true,
  measure: (r) => (r.status === 'skipped' ? null : r.status === 'error'),
  pair: pairedRate,
  summary: ProportionChangeSchema,
  config: z.object({
    /** maximum error rate, percent */
    maxErrorRatePercent: z.number(),
  }),
  defaults: { maxErrorRatePercent: 1 },
  test: (_s, policy, { candidate }) =>
    candidate.error_rate * 100 > policy.maxErrorRatePercent ? `error rate ${pct(candidate.error_rate)}% is above ${policy.maxErrorRatePercent}%` : null,
  requirement: (policy) => (policy.maxErrorRatePercent < 100 ? { clause: 'with', text: `errors ≤${policy.maxErrorRatePercent}%` } : null),
  fields: z.object({ error_rate_change_points: z.nullable(z.number()), error_rate_change_ci95: z.nullable(interval) }),
  describe: (s) => ({
    error_rate_change_points: s ? pct(s.estimate) : null,
    error_rate_change_ci95: s ? pctInterval(s.ci95) : null,
  }),
});
