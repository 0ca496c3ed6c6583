// Sequential judging: judge in batches and stop once the quality decision for a candidate is settled.
// The interval at look k uses alpha_k = alpha / (k (k + 1)); these sum to alpha over any number of looks,
// so the chance of a wrong "settled" call stays below alpha however often we look (a union bound).
import { type Interval, Z95 } from './stats.js';

export type PairStats = { n: number; sb: number; sc: number; sbb: number; scc: number; sbc: number };

export const emptyPairStats = (): PairStats => ({ n: 0, sb: 0, sc: 0, sbb: 0, scc: 0, sbc: 0 });

export function addPair(s: PairStats, b: number, c: number): PairStats {
  return { n: s.n + 1, sb: s.sb + b, sc: s.sc + c, sbb: s.sbb + b * b, scc: s.scc + c * c, sbc: s.sbc + b * c };
}

/** Standard normal quantile (Acklam's rational approximation, |error| < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1)
  );
}

/** Relative change mean(c)/mean(b) - 1 with a delta-method interval at level 1 - alpha. */
export function relativeChangeInterval(s: PairStats, alpha: number): { estimate: number; ci: Interval } {
  if (s.n < 2 || s.sb === 0) return { estimate: Number.NaN, ci: [-Infinity, Infinity] };
  const mb = s.sb / s.n;
  const mc = s.sc / s.n;
  const r = (mc - mb) / mb;
  const vb = (s.sbb - s.n * mb * mb) / (s.n - 1);
  const vc = (s.scc - s.n * mc * mc) / (s.n - 1);
  const cov = (s.sbc - s.n * mb * mc) / (s.n - 1);
  // d = c - b; R = mean(d) / mean(b)
  const vd = vc + vb - 2 * cov;
  const covdb = cov - vb;
  const se = Math.sqrt(Math.max(0, (vd - 2 * r * covdb + r * r * vb) / s.n)) / Math.abs(mb);
  const z = alpha === 0.05 ? Z95 : normalQuantile(1 - alpha / 2);
  return { estimate: r, ci: [r - z * se, r + z * se] };
}

export type SequentialVerdict = 'pass' | 'fail' | 'undecided';

/** At look `look` (1-based): pass when the whole interval clears the threshold, fail when it lies wholly below. */
export function sequentialDecision(
  s: PairStats,
  look: number,
  options: { thresholdFraction: number; alpha: number; minPairs?: number },
): { verdict: SequentialVerdict; ci: Interval } {
  const alphaK = options.alpha / (look * (look + 1));
  const { ci } = relativeChangeInterval(s, alphaK);
  if (s.n < (options.minPairs ?? 30)) return { verdict: 'undecided', ci };
  if (ci[0] >= options.thresholdFraction) return { verdict: 'pass', ci };
  if (ci[1] < options.thresholdFraction) return { verdict: 'fail', ci };
  return { verdict: 'undecided', ci };
}
