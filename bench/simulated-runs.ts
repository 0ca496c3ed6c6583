// Simulated paired runs with known truth, shared by bench:calibration and the statistics tests. Each call draws its
// own truth from `rand`, so nothing is tuned to one data set.
import type { PairedCounts } from '../shared/domain/stats.js';

export const gaussian = (rand: () => number) => Math.sqrt(-2 * Math.log(Math.max(1e-12, rand()))) * Math.cos(2 * Math.PI * rand());

/** Judge scores of a baseline and a candidate on the same n prompts; `delta` is the true relative quality impact. */
export function simulatedQualityRun(rand: () => number, n: number): { b: Float64Array; c: Float64Array; delta: number } {
  const mb = 0.55 + 0.3 * rand();
  const delta = -0.15 + 0.2 * rand(); // true relative quality impact, -15% .. +5%
  const promptSd = 0.05 + 0.1 * rand(); // how much prompts differ in difficulty (shared by both models)
  const answerSd = 0.04 + 0.08 * rand(); // answer-to-answer noise of each model, judge noise included
  const b = new Float64Array(n);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const difficulty = promptSd * gaussian(rand);
    b[i] = mb + difficulty + answerSd * gaussian(rand);
    c[i] = mb * (1 + delta) + difficulty * (1 + delta) + answerSd * gaussian(rand);
  }
  return { b, c, delta };
}

/**
 * Refusals of a baseline (first) and a candidate (second) on the same n prompts: a prompt-level propensity shared by
 * both, the candidate refusing a little more or less, one shared draw per prompt (strongly correlated answers).
 * `truth` is the expected difference p(second) - p(first) on these prompts.
 */
export function simulatedRefusalRun(rand: () => number, n: number): { counts: PairedCounts; truth: number } {
  const base = 0.02 + 0.15 * rand();
  const shift = -0.04 + 0.08 * rand();
  const counts: PairedCounts = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const pb = Math.min(1, rand() < 0.3 ? base * 2.5 : base * 0.35);
    const pc = Math.min(1, Math.max(0, pb + shift));
    sum += pc - pb;
    const u = rand();
    const first = u < pb;
    const second = u < pc;
    if (first && second) counts.both++;
    else if (first) counts.firstOnly++;
    else if (second) counts.secondOnly++;
    else counts.neither++;
  }
  return { counts, truth: sum / n };
}
