// Cost saving: the relative change of summed cost on the same prompts (negative = cheaper), paired by prompt.
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { isAnswered } from '../result.js';
import { pairedRelativeChange } from '../stats.js';
import { defineCriterion, finite, pct, pctInterval } from './criterion.js';
import { NumberPairs, type RelativeChange, RelativeChangeSchema } from './summaries.js';

const interval = onFirstUse(() => z.tuple([z.number(), z.number()]));

export const costSaving = defineCriterion({
  id: 'cost_saving',
  key: 'cost',
  always: true,
  measure: (r) => (isAnswered(r) ? r.cost_usd : null),
  // Unknown prices on either side: no comparison rather than a wrong one.
  pair: () =>
    new NumberPairs<RelativeChange>(false, (pairs, { candidate, baseline }) =>
      candidate.cost_known && baseline.cost_known && pairs.length > 0 ? pairedRelativeChange(pairs.b.view(), pairs.c.view()) : null,
    ),
  summary: RelativeChangeSchema,
  config: z.object({
    /** minimum projected cost reduction, percent */
    minCostReductionPercent: z.number(),
  }),
  defaults: { minCostReductionPercent: 30 },
  test(s, policy, { candidate, baseline }) {
    if (!s)
      return candidate.cost_known && baseline.cost_known
        ? 'no paired cost data'
        : 'cost unknown (no price for this model or the baseline): no cost comparison made';
    const saving = -s.estimate;
    return saving * 100 < policy.minCostReductionPercent ? `cost reduction ${pct(saving)}% is below ${policy.minCostReductionPercent}%` : null;
  },
  requirement: (policy) => ({ clause: 'while', text: `cutting cost by at least ${policy.minCostReductionPercent}%` }),
  fields: z.object({ projected_cost_saving_percent: z.nullable(z.number()), projected_cost_saving_ci95: z.nullable(interval) }),
  describe: (s) => ({
    projected_cost_saving_percent: s ? pct(-s.estimate) : null,
    projected_cost_saving_ci95: s && finite(s.ci95) ? pctInterval([-s.ci95[1], -s.ci95[0]]) : null,
  }),
});
