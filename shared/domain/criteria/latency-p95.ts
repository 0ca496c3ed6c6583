// p95 latency change: the relative change of the 95th-percentile latency on the same prompts (both answered), with a
// seeded paired bootstrap interval. Not in the default policy; list "latency_p95" in policy.criteria to apply it.
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { seededRandom } from '../random.js';
import { isAnswered } from '../result.js';
import { percentile } from '../stats.js';
import { defineCriterion, finite, pct, pctInterval } from './criterion.js';
import { NumberPairs, type RelativeChange, RelativeChangeSchema } from './summaries.js';

const interval = onFirstUse(() => z.tuple([z.number(), z.number()]));
const fmt = (x: number | null | undefined) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x.toFixed(1));

/** Relative change of p95(candidate) over p95(baseline), resampling pairs (B = 1000, or 200 from 10,000 pairs on). */
export function pairedP95Change(b: Float64Array, c: Float64Array, seed = 23): RelativeChange {
  const n = b.length;
  const estimateOf = (xb: ArrayLike<number>, xc: ArrayLike<number>) => {
    const pb = percentile(xb, 95);
    return pb > 0 ? percentile(xc, 95) / pb - 1 : Number.NaN;
  };
  const estimate = estimateOf(b, c);
  if (n < 2 || !Number.isFinite(estimate)) return { estimate, ci95: [Number.NaN, Number.NaN], n };
  const resamples = n < 10_000 ? 1000 : 200;
  const rand = seededRandom(seed);
  const stats = new Float64Array(resamples);
  const rb = new Float64Array(n);
  const rc = new Float64Array(n);
  for (let r = 0; r < resamples; r++) {
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      rb[i] = b[j] as number;
      rc[i] = c[j] as number;
    }
    stats[r] = estimateOf(rb, rc);
  }
  return { estimate, ci95: [percentile(stats, 2.5), percentile(stats, 97.5)], n };
}

export const latencyP95 = defineCriterion({
  id: 'latency_p95',
  key: 'latency_p95',
  always: false,
  measure: (r) => (isAnswered(r) && r.latency_ms !== null ? r.latency_ms : null),
  pair: () => new NumberPairs<RelativeChange>(false, (pairs) => (pairs.length === 0 ? null : pairedP95Change(pairs.b.view(), pairs.c.view()))),
  summary: RelativeChangeSchema,
  config: z.object({
    /** p95 latency may rise by at most this much against the baseline, percent (point estimate) */
    maxLatencyP95IncreasePercent: z.number(),
  }),
  defaults: { maxLatencyP95IncreasePercent: 20 },
  test(s, policy) {
    if (!s || !Number.isFinite(s.estimate)) return 'no paired latency data';
    return s.estimate * 100 > policy.maxLatencyP95IncreasePercent
      ? `p95 latency rises by ${pct(s.estimate)}% (limit ${policy.maxLatencyP95IncreasePercent}%)`
      : null;
  },
  requirement: (policy) => ({ clause: 'with', text: `p95 latency up ≤${policy.maxLatencyP95IncreasePercent}%` }),
  fields: z.object({ latency_p95_change_percent: z.optional(z.nullable(z.number())), latency_p95_change_ci95: z.optional(z.nullable(interval)) }),
  describe: (s) => ({
    latency_p95_change_percent: s && Number.isFinite(s.estimate) ? pct(s.estimate) : null,
    latency_p95_change_ci95: s && finite(s.ci95) ? pctInterval(s.ci95) : null,
  }),
  column: {
    header: 'Δp95 latency % [95% CI]',
    cell: (f) =>
      `${fmt(f.latency_p95_change_percent)}${f.latency_p95_change_ci95 ? ` [${fmt(f.latency_p95_change_ci95[0])}, ${fmt(f.latency_p95_change_ci95[1])}]` : ''}`,
  },
});
