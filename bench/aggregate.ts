// npm run bench:aggregate — the ComputeMetrics and Recommend steps (the product's own use-case code: paging,
// accumulators, paired and clustered intervals, segments, policy) over 100k and 1M synthetic results across 7 models.
// Results come from an in-memory generator behind the ResultStore port, so this times aggregation, not DynamoDB.
// Beside it, the real read path: `--read-path N` results (default 20,000) written into dynalite with the real
// DynamoResultStore, then read back through its page() (Query, unmarshall, zod, gunzip), per result in µs.
// Prints one JSON object as its last line. Not part of npm test.
import { parseArgs } from 'node:util';
import { DynamoDBClient, QueryCommand as RawQueryCommand } from '@aws-sdk/client-dynamodb';
import { createTable, LOCAL_CREDENTIALS, LOCAL_REGION, startDynalite } from '../local/emulators.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { keys } from '../shared/adapters/dynamodb/keys.js';
import { DynamoResultStore } from '../shared/adapters/dynamodb/result-store.js';
import { DEFAULT_SETTINGS } from '../shared/config/settings.js';
import { seededRandom } from '../shared/domain/random.js';
import type { ReplayResult } from '../shared/domain/result.js';
import { newRunRecord, type RunRecord } from '../shared/domain/run.js';
import type { RunMetrics } from '../shared/domain/run-metrics.js';
import type { ResultStore, RunStore } from '../shared/ports/index.js';
import { silentLog } from '../shared/runtime/platform.js';
import { type ComputeMetricsDeps, computeMetrics } from '../shared/use-cases/aggregate/compute-metrics.js';
import { type RecommendDeps, recommend } from '../shared/use-cases/aggregate/recommend.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,300000,1000000' },
    repeats: { type: 'string', default: '3' },
    'read-path': { type: 'string', default: '20000' },
  },
});
const MODELS = ['claude-3.5-sonnet', 'gpt-4o-mini', 'gpt-3.5-turbo', 'claude-3.5-haiku', 'llama-3.3-70b', 'mistral-large', 'command-r'];
const SEGMENTS = ['support', 'coding', 'summarize', 'sql', 'marketing'];

/** Results generated on demand, page by page, like DynamoDB pages of one (run, model) partition. */
const WORDS = ['the', 'result', 'table', 'query', 'returns', 'rows', 'where', 'each', 'value', 'is', 'grouped', 'by', 'month', 'and', 'sorted'];

function syntheticResults(capturesPerModel: number, withAnswers = false): ResultStore {
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
      answer: withAnswers ? Array.from({ length: 120 + Math.floor(rand() * 120) }, () => WORDS[Math.floor(rand() * WORDS.length)]).join(' ') : '',
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
    tally: notUsed,
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

/**
 * The real read path: N results of one (run, model) partition written with the real store (storeIfAbsent: one
 * PutItem each), then read back page by page (500, as ComputeMetrics reads) through `page()`, median of `repeats`.
 * dynalite runs in this process, so the page time includes the emulator's own work; the same pages read with the
 * low-level client (no unmarshall, zod or gunzip) are timed too, and the difference is the client's decoding.
 */
async function readPath(n: number) {
  const dynamo = await startDynalite();
  try {
    const table = 'bench-aggregate';
    await createTable(dynamo.endpoint, table, {
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: 'pk', AttributeType: 'S' },
        { AttributeName: 'sk', AttributeType: 'S' },
      ],
    } as never);
    const db = createDocumentClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const store = new DynamoResultStore(db, table, 30);
    const make = syntheticResults(n, true);
    const model = MODELS[1]!;
    const writeStart = performance.now();
    for (let i = 0; i < n; i += 32) {
      const { items } = await make.page('bench', model, String(i), 32);
      await Promise.all(items.map((r) => store.storeIfAbsent({ tenant_id: 't', run_id: 'bench', capture_id: r.capture_id, model } as never, r)));
    }
    const writeSeconds = (performance.now() - writeStart) / 1000;
    const raw = new DynamoDBClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const viaStore = async () => {
      let cursor: string | null = null;
      let count = 0;
      const t = performance.now();
      do {
        const page: Awaited<ReturnType<typeof store.page>> = await store.page('bench', model, cursor, 500);
        count += page.items.length;
        cursor = page.cursor;
      } while (cursor);
      if (count !== n) throw new Error(`read ${count} of ${n} results`);
      return performance.now() - t;
    };
    const viaRaw = async () => {
      let start: Record<string, never> | undefined;
      const t = performance.now();
      do {
        const out = await raw.send(
          new RawQueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk',
            ExpressionAttributeValues: { ':pk': { S: keys.resultPartition('bench', model) } },
            ExclusiveStartKey: start,
            Limit: 500,
            ConsistentRead: true,
          }),
        );
        start = out.LastEvaluatedKey as typeof start;
      } while (start);
      return performance.now() - t;
    };
    await viaStore(); // warm-up
    const storeMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < Math.max(1, Number(values.repeats)); i++) {
      storeMs.push(await viaStore());
      rawMs.push(await viaRaw());
    }
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const perResult = (ms: number) => Number(((ms * 1000) / n).toFixed(2));
    return {
      results: n,
      write_seconds: Number(writeSeconds.toFixed(2)),
      read_path_us_per_result: perResult(median(storeMs)),
      raw_query_us_per_result: perResult(median(rawMs)),
      decode_us_per_result: perResult(Math.max(0, median(storeMs) - median(rawMs))),
    };
  } finally {
    await dynamo.stop();
  }
}

const readPathN = Number(values['read-path']);
const read = readPathN > 0 ? await readPath(readPathN) : null;
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
    // aggregation per result over the in-memory store (largest size), beside the real read path from DynamoDB
    in_memory_us_per_result: Number(((last.seconds * 1e6) / last.results).toFixed(2)),
    read_path: read,
    read_path_us_per_result: read?.read_path_us_per_result ?? null,
  }),
);
