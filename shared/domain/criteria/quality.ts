// Quality impact: the relative change of the mean judge score on the same prompts, paired by prompt and clustered by
// conversation when captures share one. The policy tests its lower 95% bound (or the point estimate).
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { clusteredRelativeChange, pairedRelativeChange } from '../stats.js';
import { defineCriterion, finite, pct, pctInterval } from './criterion.js';
import { NumberPairs, type RelativeChange, RelativeChangeSchema } from './summaries.js';

const interval = onFirstUse(() => z.tuple([z.number(), z.number()]));
const fmt = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(1));

export const quality = defineCriterion({
  id: 'quality',
  key: 'quality',
  always: true,
  measure: (r) => (r.judge_status === 'scored' && typeof r.quality === 'number' ? r.quality : null),
  pair: () =>
    new NumberPairs<RelativeChange>(true, (pairs) => {
      if (pairs.length === 0) return null;
      const clustered = new Set(pairs.clusters).size < pairs.clusters.length;
      return clustered ? clusteredRelativeChange(pairs.b.view(), pairs.c.view(), pairs.clusters) : pairedRelativeChange(pairs.b.view(), pairs.c.view());
    }),
  summary: RelativeChangeSchema,
  config: z.object({
    /** quality impact must stay above this, percent (negative) */
    minQualityImpactPercent: z.number(),
    /** when true, the lower 95% bound of quality impact must clear the threshold; else the point estimate */
    useQualityLowerBound: z.boolean(),
  }),
  defaults: { minQualityImpactPercent: -5, useQualityLowerBound: true },
  test(s, policy) {
    if (!s || !Number.isFinite(s.estimate)) return 'no paired quality scores';
    if (policy.useQualityLowerBound) {
      const ok = finite(s.ci95) && s.ci95[0] * 100 >= policy.minQualityImpactPercent;
      return ok ? null : `quality impact's lower 95% bound ${finite(s.ci95) ? pct(s.ci95[0]) : '—'}% is below ${policy.minQualityImpactPercent}%`;
    }
    return s.estimate * 100 < policy.minQualityImpactPercent ? `quality impact ${pct(s.estimate)}% is below ${policy.minQualityImpactPercent}%` : null;
  },
  requirement: (policy) => ({
    clause: 'lead',
    text: `keeps quality within ${policy.minQualityImpactPercent}%${policy.useQualityLowerBound ? ' at 95% confidence' : ''}`,
  }),
  fields: z.object({ quality_impact_percent: z.nullable(z.number()), quality_impact_ci95: z.nullable(interval) }),
  describe: (s) => ({
    quality_impact_percent: s && Number.isFinite(s.estimate) ? pct(s.estimate) : null,
    quality_impact_ci95: s && finite(s.ci95) ? pctInterval(s.ci95) : null,
  }),
  column: {
    header: 'Δquality % [95% CI]',
    cell: (f) => `${fmt(f.quality_impact_percent)}${f.quality_impact_ci95 ? ` [${fmt(f.quality_impact_ci95[0])}, ${fmt(f.quality_impact_ci95[1])}]` : ''}`,
  },
});
