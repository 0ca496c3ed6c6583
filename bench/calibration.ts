// npm run bench:calibration — simulated replays with known true quality differences, scored by the product's
// statistics and policy. Prints one JSON object as its last line. Not part of npm test.
// Each replay draws its own truth (baseline level, true relative impact, noise), so nothing is tuned to one data set.
import { parseArgs } from 'node:util';
import type { ModelMetrics } from '../shared/domain/metrics.js';
import { seededRandom } from '../shared/domain/random.js';
import { DEFAULT_POLICY, describeCandidate } from '../shared/domain/recommendation.js';
import { addPair, emptyPairStats, sequentialDecision } from '../shared/domain/sequential.js';
import { pairedProportionDifference, pairedRelativeChange, proportionDifference } from '../shared/domain/stats.js';
import { simulatedQualityRun, simulatedRefusalRun } from './simulated-runs.js';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '1000' }, seed: { type: 'string', default: '1' }, batch: { type: 'string', default: '25' } },
});
const runs = Number(values.runs);
const batch = Number(values.batch);
const rand = seededRandom(Number(values.seed));
const threshold = DEFAULT_POLICY.minQualityImpactPercent / 100;

const metrics = (model: string): ModelMetrics => ({
  model,
  is_baseline: model === 'base',
  results: 1,
  ok: 1,
  refused: 0,
  partial_refusals: 0,
  guardrail_blocked: 0,
  errors: 0,
  error_kinds: {},
  skipped: 0,
  scored: 1,
  unscored: 0,
  not_judged: 0,
  pairwise: { win: 0, tie: 0, loss: 0 },
  quality_mean: 0.8,
  cost_known: true,
  cost_usd_total: 1,
  cost_per_1k_requests_usd: 1,
  input_tokens: 0,
  output_tokens: 0,
  latency_ms_p50: 1,
  latency_ms_p95: 1,
  latency_ms_p99: 1,
  gateway_latency_ms_p50: null,
  gateway_latency_ms_p95: null,
  refusal_rate: 0,
  error_rate: 0,
  guardrail_block_rate: 0,
});

let covered = 0;
let beyond = 0;
let falseSwitch = 0;
let within = 0;
let missedSwitch = 0;
let clearCut = 0;
let judgedSequential = 0;
let judgedAll = 0;
let judgedConfirmed = 0;
let sequentialWrong = 0;
for (let r = 0; r < runs; r++) {
  const n = 100 + Math.floor(rand() * 400);
  const { b, c, delta } = simulatedQualityRun(rand, n);
  const result = pairedRelativeChange(b, c, { seed: r, resamples: 1000 });
  if (result.ci95[0] <= delta && delta <= result.ci95[1]) covered++;
  const alt = describeCandidate(
    metrics('cand'),
    { model: 'cand', quality: result, cost: { estimate: -0.5, ci95: [-0.52, -0.48], n }, refusal: { estimate: 0, ci95: [0, 0] } },
    metrics('base'),
    DEFAULT_POLICY,
  );
  if (delta < threshold) {
    beyond++;
    if (alt.qualifies) falseSwitch++;
  } else {
    within++;
    if (!alt.qualifies) missedSwitch++;
  }
  // Sequential judging on clear-cut cases: the truth is at least 4 points from the threshold.
  if (Math.abs(delta - threshold) >= 0.04) {
    clearCut++;
    let stats = emptyPairStats();
    let used = n;
    let verdict: 'pass' | 'fail' | 'undecided' = 'undecided';
    for (let look = 1, i = 0; i < n; look++) {
      for (const end = Math.min(n, i + batch); i < end; i++) stats = addPair(stats, b[i]!, c[i]!);
      verdict = sequentialDecision(stats, look, { thresholdFraction: threshold, alpha: 0.05 }).verdict;
      if (verdict !== 'undecided') {
        used = i;
        break;
      }
    }
    judgedSequential += used;
    // With the confirmation pass on, a candidate that passes (and so would be recommended) is then judged in full.
    judgedConfirmed += verdict === 'pass' ? n : used;
    judgedAll += n;
    if ((verdict === 'pass' && delta < threshold) || (verdict === 'fail' && delta >= threshold)) sequentialWrong++;
  }
}

// Large runs: the interval switches from the bootstrap to the delta-method normal interval (stats.ts); check that
// the normal interval covers as well, on the same kind of truth, with n from 1,000 to 5,000 prompts.
const largeRuns = Math.max(1, Math.round(runs / 4));
let largeCovered = 0;
for (let r = 0; r < largeRuns; r++) {
  const n = 1000 + Math.floor(rand() * 4000);
  const { b, c, delta } = simulatedQualityRun(rand, n);
  const result = pairedRelativeChange(b, c);
  if (result.ci95[0] <= delta && delta <= result.ci95[1]) largeCovered++;
}

// Refusal-rate differences: correlated paired refusals (a prompt-level propensity shared by both models), truth known.
let refusalCovered = 0;
let refusalWidth = 0;
let independentWidth = 0;
for (let r = 0; r < runs; r++) {
  const n = 100 + Math.floor(rand() * 400);
  const { counts, truth } = simulatedRefusalRun(rand, n);
  const d = pairedProportionDifference(counts);
  const ind = proportionDifference(counts.both + counts.firstOnly, n, counts.both + counts.secondOnly, n);
  if (d.ci95[0] <= truth && truth <= d.ci95[1]) refusalCovered++;
  refusalWidth += d.ci95[1] - d.ci95[0];
  independentWidth += ind.ci95[1] - ind.ci95[0];
}

console.log(
  JSON.stringify({
    bench: 'calibration',
    runs,
    ci_coverage: Number((covered / runs).toFixed(4)),
    false_switch_rate: Number((falseSwitch / Math.max(1, beyond)).toFixed(4)),
    runs_beyond_threshold: beyond,
    missed_switch_rate: Number((missedSwitch / Math.max(1, within)).toFixed(4)),
    judge_calls_saved: Number((1 - judgedSequential / Math.max(1, judgedAll)).toFixed(4)),
    clear_cut_runs: clearCut,
    // One candidate per simulated run, so every pass is confirmed in full: a lower bound for multi-model runs, where
    // only the one recommended model is confirmed.
    judge_calls_saved_with_confirmation: Number((1 - judgedConfirmed / Math.max(1, judgedAll)).toFixed(4)),
    sequential_wrong_decisions: sequentialWrong,
    large_runs: largeRuns,
    ci_coverage_large_n: Number((largeCovered / largeRuns).toFixed(4)),
    refusal_change_ci_coverage: Number((refusalCovered / runs).toFixed(4)),
    refusal_change_ci_width_points: Number(((refusalWidth / runs) * 100).toFixed(2)),
    refusal_change_ci_width_points_if_unpaired: Number(((independentWidth / runs) * 100).toFixed(2)),
    method:
      'paired bootstrap (1000 resamples) on 100-500 prompts per run (large runs: delta-method normal interval, 1,000-5,000 prompts); policy: lower 95% bound >= -5%; sequential: batches of 25 pairs, alpha_k = 0.05/(k(k+1))',
  }),
);
