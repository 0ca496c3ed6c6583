// Descriptive statistics and paired intervals used by the aggregate step. Pure.
import { seededRandom } from './random.js';

export function mean(xs: ArrayLike<number>): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] as number;
  return s / xs.length;
}

/** Percentile with linear interpolation (p in [0, 100]); NaN for no data. Sorts a copy. */
export function percentile(xs: ArrayLike<number>, p: number): number {
  if (xs.length === 0) return Number.NaN;
  const sorted = Float64Array.from(xs as ArrayLike<number>).sort();
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  return a + (b - a) * (rank - lo);
}

export type Interval = [number, number];

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * Relative change of paired means, (mean(candidate) - mean(baseline)) / mean(baseline), with a 95% interval.
 * Small samples: seeded percentile bootstrap over pairs. Large samples: delta-method normal interval.
 */
export function pairedRelativeChange(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  options: { seed?: number; resamples?: number; bootstrapBelow?: number } = {},
): { estimate: number; ci95: Interval; n: number } {
  const n = Math.min(baseline.length, candidate.length);
  if (n === 0) return { estimate: Number.NaN, ci95: [Number.NaN, Number.NaN], n: 0 };
  let sb = 0;
  let sc = 0;
  for (let i = 0; i < n; i++) {
    sb += baseline[i] as number;
    sc += candidate[i] as number;
  }
  const estimate = sb === 0 ? Number.NaN : (sc - sb) / sb;
  if (n < 2 || sb === 0) return { estimate, ci95: [Number.NaN, Number.NaN], n };

  if (n < (options.bootstrapBelow ?? 4000)) {
    const rand = seededRandom(options.seed ?? 17);
    const resamples = options.resamples ?? 2000;
    const stats = new Float64Array(resamples);
    for (let r = 0; r < resamples; r++) {
      let b = 0;
      let c = 0;
      for (let i = 0; i < n; i++) {
        const j = Math.floor(rand() * n);
        b += baseline[j] as number;
        c += candidate[j] as number;
      }
      stats[r] = b === 0 ? 0 : (c - b) / b;
    }
    return { estimate, ci95: [percentile(stats, 2.5), percentile(stats, 97.5)], n };
  }

  // Delta method for R = mean(d) / mean(b), d = c - b.
  const mb = sb / n;
  const md = (sc - sb) / n;
  const r = md / mb;
  let vd = 0;
  let vb = 0;
  let cov = 0;
  for (let i = 0; i < n; i++) {
    const b = (baseline[i] as number) - mb;
    const d = (candidate[i] as number) - (baseline[i] as number) - md;
    vd += d * d;
    vb += b * b;
    cov += d * b;
  }
  vd /= n - 1;
  vb /= n - 1;
  cov /= n - 1;
  const se = Math.sqrt(Math.max(0, (vd - 2 * r * cov + r * r * vb) / n)) / Math.abs(mb);
  return { estimate, ci95: [r - Z95 * se, r + Z95 * se], n };
}
