// npm run bench:aggregate — the ComputeMetrics and Recommend steps (the product's own use-case code: paging,
// accumulators, paired and clustered intervals, segments, policy) over 100k and 1M synthetic results across 7 models.
// Results come from an in-memory generator behind the ResultStore port, so this times aggregation, not DynamoDB.
// Prints one JSON object as its last line. Not part of npm test.
import { parseArgs } from 'node:util';
import { DEFAULT_SETTINGS } from '../shared/config/settings.js';
import { seededRandom } from '../shared/domain/random.js';
import type { ReplayResult } from '../shared/domain/result.js';
import { newRunRecord, type RunRecord } from '../shared/domain/run.js';
import type { RunMetrics } from '../shared/domain/run-metrics.js';
import type { ResultStore, RunStore } from '../shared/ports/index.js';
import { silentLog } from '../shared/runtime/platform.js';
import { type ComputeMetricsDeps, computeMetrics } from '../shared/use-cases/aggregate/compute-metrics.js';
import { type RecommendDeps, recommend } from '../shared/use-cases/aggregate/recommend.js';

const { values } = parseArgs({ options: { sizes: { type: 'string', default: '100000,300000,1000000' }, repeats: { type: 'string', default: '3' } } });
const MODELS = ['claude-3.5-sonnet', 'gpt-4o-mini', 'gpt-3.5-turbo', 'claude-3.5-haiku', 'llama-3.3-70b', 'mistral-large', 'command-r'];
const SEGMENTS = ['support', 'coding', 'summarize', 'sql', 'marketing'];

/** Results generated on demand, page by page, like DynamoDB pages of one (run, model) partition. */
function syntheticResults(capturesPerModel: number): ResultStore {
  const make = (model: string, i: number): ReplayResult => {
    const rand = seededRandom(i * 7 + MODELS.indexOf(model));
    const refused = rand() < 0.05;
    const error = !refused && rand() < 0.005;
    const quality = 0.6 + 0.3 * rand() - MODELS.indexOf(model) * 0.01;
    return {
      run_id: 'bench',
      capture_id: `c${i}`,
      model,
      status: error ? 'error' : refused ? 'refused' : 'ok',
      answer: '',
      finish_reason: 'stop',
      refusal: refused ? 'full' : 'none',
      refusal_signals: [],
      usage: { input_tokens: 200, output_tokens: 150 + Math.floor(rand() * 100) },
      cost_usd: error ? 0 : 0.0001 * (1 + MODELS.indexOf(model)) * (1 + rand()),
      latency_ms: 200 + 800 * rand(),
      gateway_latency_ms: null,
      error_kind: error ? 'server_error' : null,
      error_status: null,
      guardrail_checks: [],
      attempts: 1,
      stored_at: '2026-01-01T00:00:00Z',
      segment: SEGMENTS[i % SEGMENTS.length]!,
      conversation_id: i % 4 === 0 ? `conv${Math.floor(i / 8)}` : null,
      quality: error ? null : quality,
      judge: null,
      judge_status: error ? undefined : 'scored',
      pairwise: error || model === MODELS[0] ? null : rand() < 0.4 ? 'win' : rand() < 0.5 ? 'tie' : 'loss',
    };
  };
  const notUsed = () => Promise.reject(new Error('not used by the benchmark'));
  return {
    async page(_runId, model, cursor, limit) {
      const start = cursor ? Number(cursor) : 0;
      const end = Math.min(capturesPerModel, start + limit);
      const items: ReplayResult[] = [];
      for (let i = start; i < end; i++) items.push(make(model, i));
      return { items, cursor: end < capturesPerModel ? String(end) : null };
    },
    claim: notUsed,
    markCallStarted: notUsed,
    renew: notUsed,
    release: notUsed,
    complete: notUsed,
    storeIfAbsent: notUsed,
    get: notUsed,
    setScore: notUsed,
    forCapture: notUsed,
    setPairwise: notUsed,
  };
}

async function measure(total: number) {
  const perModel = Math.ceil(total / MODELS.length);
  // A run as replay-start creates it (newRunRecord), with every work item stored and the aggregate under way.
  const run: RunRecord = {
    ...newRunRecord({
      tenantId: 't',
      runId: 'bench',
      request: {
        candidate_models: MODELS.slice(1),
        baseline_model: MODELS[0]!,
        baseline: 'replayed',
        judge_model: 'gpt-4o',
        captures: { limit: perModel },
        deadline_minutes: 60,
        max_tokens: 512,
        dry_run: false,
        refusal_second_opinion: false,
      },
      models: MODELS,
      captures: perModel,
      now: Date.parse('2026-01-01T00:00:00Z'),
      simulated: true,
      traffic: { matched: perModel, first_at: '2025-12-01T00:00:00Z', last_at: '2026-01-01T00:00:00Z', capped: false },
    }),
    status: 'aggregating',
    stored: perModel * MODELS.length,
  };
  let metrics: RunMetrics | null = null;
  let record: unknown = null;
  const runs = {
    get: async () => run,
    putMetrics: async (_: unknown, m: RunMetrics) => {
      metrics = m;
    },
    getMetrics: async () => metrics,
    putRecommendation: async (_: unknown, r: unknown) => {
      record = r;
    },
    setStatus: async () => {},
  } as unknown as RunStore;
  const deps = {
    results: syntheticResults(perModel),
    runs,
    clock: { now: () => Date.now() },
    log: silentLog,
    settings: DEFAULT_SETTINGS,
  } satisfies ComputeMetricsDeps & RecommendDeps;
  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peak = rssBefore;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 20);
  const t = performance.now();
  await computeMetrics(deps, { tenant_id: 't', run_id: 'bench' });
  await recommend(deps, { tenant_id: 't', run_id: 'bench' });
  const seconds = (performance.now() - t) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (!record) throw new Error('no record written');
  return {
    results: perModel * MODELS.length,
    seconds: Number(seconds.toFixed(3)),
    results_per_s: Math.round((perModel * MODELS.length) / seconds),
    peak_rss_mb: Math.round(peak / 2 ** 20),
    rss_growth_mb: Math.round((peak - rssBefore) / 2 ** 20),
  };
}

const sizes = values.sizes.split(',').map(Number);
const repeats = Math.max(1, Number(values.repeats));
await measure(20_000); // warm-up: JIT and module loading, not reported
// Each size is measured `repeats` times and the median kept: a 100k run takes a fraction of a second, so one GC pause
// on a shared machine would otherwise move the ratio below a lot.
const out: (Awaited<ReturnType<typeof measure>> & { seconds_all: number[] })[] = [];
for (const n of sizes) {
  const tries = [];
  for (let i = 0; i < repeats; i++) tries.push(await measure(n));
  tries.sort((a, b) => a.seconds - b.seconds);
  out.push({ ...tries[Math.floor(tries.length / 2)]!, seconds_all: tries.map((t) => t.seconds), peak_rss_mb: Math.max(...tries.map((t) => t.peak_rss_mb)) });
}
const first = out[0]!;
const last = out[out.length - 1]!;
console.log(
  JSON.stringify({
    bench: 'aggregate',
    models: MODELS.length,
    runs: out,
    // 1.0 = perfectly linear: time per result at the largest size over time per result at the smallest.
    time_per_result_ratio: Number((last.seconds / last.results / (first.seconds / first.results)).toFixed(3)),
    // the same between consecutive sizes, to show where any growth comes from
    time_per_result_steps: out.slice(1).map((r, i) => Number((r.seconds / r.results / (out[i]!.seconds / out[i]!.results)).toFixed(3))),
  }),
);
