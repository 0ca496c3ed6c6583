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

/** Seeded percentile bootstrap of the relative change sum(c)/sum(b) - 1 over resampled units (pairs or clusters). */
function bootstrapRelativeChange(b: ArrayLike<number>, c: ArrayLike<number>, seed: number, resamples: number): Interval {
  const rand = seededRandom(seed);
  const n = b.length;
  const stats = new Float64Array(resamples);
  for (let r = 0; r < resamples; r++) {
    let sb = 0;
    let sc = 0;
    for (let i = 0; i < n; i++) {
      const j = Math.floor(rand() * n);
      sb += b[j] as number;
      sc += c[j] as number;
    }
    stats[r] = sb === 0 ? 0 : (sc - sb) / sb;
  }
  return [percentile(stats, 2.5), percentile(stats, 97.5)];
}

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * From this many pairs (or clusters) on, intervals use the delta-method normal approximation instead of the
 * bootstrap: the ratio of two means is close to normal by then (bench:calibration checks coverage on both sides
 * of the switch), and the bootstrap's cost, resamples × n, stops growing with the run.
 */
export const NORMAL_INTERVAL_FROM = 1000;

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

  if (n < (options.bootstrapBelow ?? NORMAL_INTERVAL_FROM)) {
    return { estimate, ci95: bootstrapRelativeChange(baseline, candidate, options.seed ?? 17, options.resamples ?? 2000), n };
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

/** Wilson score interval for a proportion k/n (95%). */
export function wilson(k: number, n: number, z = Z95): Interval {
  if (n === 0) return [0, 1];
  const p = k / n;
  const denom = 1 + (z * z) / n;
  const centre = (p + (z * z) / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / denom;
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

/** Difference of two independent proportions p2 - p1 with Newcombe's hybrid score interval (95%); paired data: pairedProportionDifference. */
export function proportionDifference(k1: number, n1: number, k2: number, n2: number): { estimate: number; ci95: Interval } {
  const p1 = n1 === 0 ? 0 : k1 / n1;
  const p2 = n2 === 0 ? 0 : k2 / n2;
  const [l1, u1] = wilson(k1, n1);
  const [l2, u2] = wilson(k2, n2);
  const d = p2 - p1;
  const lower = d - Math.sqrt((p2 - l2) ** 2 + (u1 - p1) ** 2);
  const upper = d + Math.sqrt((u2 - p2) ** 2 + (p1 - l1) ** 2);
  return { estimate: d, ci95: [lower, upper] };
}

/**
 * Like pairedRelativeChange, but resamples whole clusters (e.g. captures of one conversation), so answers that are
 * not independent do not narrow the interval. `clusters[i]` names the cluster of pair i.
 */
export function clusteredRelativeChange(
  baseline: ArrayLike<number>,
  candidate: ArrayLike<number>,
  clusters: readonly string[],
  options: { seed?: number; resamples?: number; bootstrapBelow?: number } = {},
): { estimate: number; ci95: Interval; n: number; clusters: number } {
  const groups = new Map<string, { b: number; c: number }>();
  for (let i = 0; i < baseline.length; i++) {
    const g = groups.get(clusters[i] as string) ?? { b: 0, c: 0 };
    g.b += baseline[i] as number;
    g.c += candidate[i] as number;
    groups.set(clusters[i] as string, g);
  }
  const sums = [...groups.values()];
  const tb = sums.reduce((s, g) => s + g.b, 0);
  const tc = sums.reduce((s, g) => s + g.c, 0);
  const estimate = tb === 0 ? Number.NaN : (tc - tb) / tb;
  if (sums.length < 2) return { estimate, ci95: [Number.NaN, Number.NaN], n: baseline.length, clusters: sums.length };
  if (sums.length >= (options.bootstrapBelow ?? NORMAL_INTERVAL_FROM)) {
    // Many clusters: linearised ratio estimator over cluster sums (normal interval), O(clusters).
    const g = sums.length;
    const meanB = tb / g;
    const ratio = tc / tb;
    let ss = 0;
    for (const x of sums) ss += (x.c - ratio * x.b) ** 2;
    const se = Math.sqrt(ss / (g - 1) / g) / meanB;
    return { estimate, ci95: [estimate - Z95 * se, estimate + Z95 * se], n: baseline.length, clusters: g };
  }
  const ci95 = bootstrapRelativeChange(
    Float64Array.from(sums, (x) => x.b),
    Float64Array.from(sums, (x) => x.c),
    options.seed ?? 17,
    options.resamples ?? 2000,
  );
  return { estimate, ci95, n: baseline.length, clusters: sums.length };
}

/** Counts of a paired binary outcome (e.g. refused or not) for the same prompts answered by two models. */
export type PairedCounts = { both: number; firstOnly: number; secondOnly: number; neither: number };

/**
 * Difference of two paired proportions, p(second) - p(first), with Newcombe's (1998) score interval for paired data
 * (method 10): Wilson limits of each margin combined with the observed correlation (phi, continuity-corrected), so
 * answers that refuse the same prompts do not widen the interval as if the samples were independent.
 */
export function pairedProportionDifference(c: PairedCounts, z = Z95): { estimate: number; ci95: Interval } {
  const n = c.both + c.firstOnly + c.secondOnly + c.neither;
  if (n === 0) return { estimate: 0, ci95: [-1, 1] };
  // Newcombe's notation: p1 = second model's rate, p2 = first model's rate; r = both, s = second only, t = first only.
  const [r, s, t, u] = [c.both, c.secondOnly, c.firstOnly, c.neither];
  const p1 = (r + s) / n;
  const p2 = (r + t) / n;
  const [l1, u1] = wilson(r + s, n, z);
  const [l2, u2] = wilson(r + t, n, z);
  const margins = (r + s) * (t + u) * (r + t) * (s + u);
  const cross = r * u - s * t;
  const corrected = cross > n / 2 ? cross - n / 2 : Math.min(cross, 0);
  const phi = margins === 0 ? 0 : corrected / Math.sqrt(margins);
  const d = p1 - p2;
  const lower = d - Math.sqrt(Math.max(0, (p1 - l1) ** 2 - 2 * phi * (p1 - l1) * (u2 - p2) + (u2 - p2) ** 2));
  const upper = d + Math.sqrt(Math.max(0, (p2 - l2) ** 2 - 2 * phi * (p2 - l2) * (u1 - p1) + (u1 - p1) ** 2));
  return { estimate: d, ci95: [Math.max(-1, lower), Math.min(1, upper)] };
}
