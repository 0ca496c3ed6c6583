// npm run bench:judge-tiers — does a cheap judge reach the strong judge's decision? Simulated replays with a known
// true quality per answer, scored twice: by a "strong" judge (the simulator's gpt-4o noise) and by a "cheap" one
// (twice that noise, gpt-4o-mini in the simulator), optionally biased towards the candidate (e.g. a judge preferring
// its own answers). Each pair of scores goes through the product's paired interval and policy; the bench counts how
// often the two decisions differ and how often each switches wrongly. Prints one JSON object as its last line.
import { parseArgs } from 'node:util';
import type { ModelMetrics } from '../shared/domain/metrics.js';
import { seededRandom } from '../shared/domain/random.js';
import { DEFAULT_POLICY, describeCandidate } from '../shared/domain/recommendation.js';
import { pairedRelativeChange } from '../shared/domain/stats.js';
import { gaussian } from './simulated-runs.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '600' }, seed: { type: 'string', default: '1' } } });
const runs = Number(values.runs);
const rand = seededRandom(Number(values.seed));
const threshold = DEFAULT_POLICY.minQualityImpactPercent / 100;
// The simulator's judge: sd 0.05 per rubric criterion for gpt-4o, so about 0.029 on the weighted score (weights
// 0.4/0.35/0.25); gpt-4o-mini's error rate is twice gpt-4o's, so twice the noise.
const STRONG_SD = 0.05 * Math.hypot(0.4, 0.35, 0.25);
const CHEAP_SD = 2 * STRONG_SD;
/** cheap-judge variants: no bias, and a bias towards the candidate's answers (absolute score points) */
const VARIANTS = { unbiased: 0, 'bias+0.01': 0.01, 'bias+0.03': 0.03 } as const;

const metrics = (model: string) => ({ model, is_baseline: model === 'base', quality_mean: 0.8 }) as ModelMetrics;
const qualifies = (b: Float64Array, c: Float64Array, seed: number) =>
  describeCandidate(
    metrics('cand'),
    {
      model: 'cand',
      quality: pairedRelativeChange(b, c, { seed, resamples: 1000 }),
      cost: { estimate: -0.5, ci95: [-0.52, -0.48], n: b.length },
      refusal: { estimate: 0, ci95: [0, 0] },
    },
    metrics('base'),
    DEFAULT_POLICY,
  ).qualifies;

const tally = () => ({ differs: 0, false_switch: 0, missed_switch: 0 });
const out = { strong: tally(), ...Object.fromEntries(Object.keys(VARIANTS).map((k) => [k, tally()])) } as Record<string, ReturnType<typeof tally>>;
let beyond = 0;
let within = 0;
for (let r = 0; r < runs; r++) {
  const n = 100 + Math.floor(rand() * 400);
  const mb = 0.6 + 0.25 * rand();
  const delta = -0.15 + 0.2 * rand();
  const promptSd = 0.05 + 0.1 * rand();
  const answerSd = 0.03 + 0.06 * rand();
  const tb = new Float64Array(n);
  const tc = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const difficulty = promptSd * gaussian(rand);
    tb[i] = mb + difficulty + answerSd * gaussian(rand);
    tc[i] = (mb + difficulty) * (1 + delta) + answerSd * gaussian(rand);
  }
  const judged = (sd: number, bias: number) => {
    const b = tb.map((q) => q + sd * gaussian(rand));
    const c = tc.map((q) => q + bias + sd * gaussian(rand));
    return qualifies(b, c, r);
  };
  const strong = judged(STRONG_SD, 0);
  const truthOk = delta >= threshold;
  if (truthOk) within++;
  else beyond++;
  const count = (t: ReturnType<typeof tally>, q: boolean) => {
    if (q !== strong) t.differs++;
    if (q && !truthOk) t.false_switch++;
    if (!q && truthOk) t.missed_switch++;
  };
  count(out.strong!, strong);
  for (const [name, bias] of Object.entries(VARIANTS)) count(out[name]!, judged(CHEAP_SD, bias));
}
const rates = Object.fromEntries(
  Object.entries(out).map(([k, t]) => [
    k,
    {
      decision_differs_from_strong: Number((t.differs / runs).toFixed(4)),
      false_switch_rate: Number((t.false_switch / Math.max(1, beyond)).toFixed(4)),
      missed_switch_rate: Number((t.missed_switch / Math.max(1, within)).toFixed(4)),
    },
  ]),
);
console.log(JSON.stringify({ runs, strong_sd: Number(STRONG_SD.toFixed(4)), cheap_sd: Number(CHEAP_SD.toFixed(4)), judges: rates }));
