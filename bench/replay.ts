// npm run bench:replay — N captures × M models through the local stack (HTTP capture → SQS → worker → Portkey
// gateway → simulator) with a fixed simulated latency L and a per-provider concurrency limit C. Counts every DynamoDB
// round trip the worker makes (bench/dynamo-counter.ts) and this process's CPU per call. `--profile prod`: the
// deployed defaults instead (per-provider limits from the catalog, 20 invocations × 10 messages).
// Prints one JSON object as its last line. Not part of npm test.
import { parseArgs } from 'node:util';
import { SwitchyardClient } from '../local/client.js';
import { startLocalStack } from '../local/stack.js';
import { DEFAULT_PROVIDER_LIMITS, resolveModel } from '../shared/config/models.js';
import { percentile } from '../shared/domain/stats.js';
import { silentLog } from '../shared/runtime/platform.js';
import { countDynamoCalls } from './dynamo-counter.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    calls: { type: 'string', default: '5000' },
    latency: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '8' },
    // The local event source: invocations × batch size in flight. It must exceed the provider slots (here 48 for 32)
    // so a freed slot always has a call waiting, as a deployed event source with enough max concurrency would.
    workers: { type: 'string', default: '24' },
    batch: { type: 'string', default: '2' },
    models: { type: 'string', default: 'gpt-4o-mini,claude-3.5-haiku,llama-3.3-70b,mistral-large' },
    profile: { type: 'string', default: 'bench' },
  },
});
const prod = values.profile === 'prod';
const models = values.models.split(',');
const latencyMs = Number(values.latency);
const concurrency = Number(values.concurrency);
const captures = Math.ceil(Number(values.calls) / models.length);
const providers = [...new Set(models.map((m) => resolveModel(m)!.provider))];

const dynamo = countDynamoCalls();
const stack = await startLocalStack({
  forceSimulator: true,
  log: silentLog,
  workerConcurrency: prod ? 20 : Number(values.workers),
  workerBatchSize: prod ? 10 : Number(values.batch),
  simulator: { fixedLatencyMs: latencyMs },
  settings: { providerLimits: prod ? DEFAULT_PROVIDER_LIMITS : Object.fromEntries(providers.map((p) => [p, { maxConcurrency: concurrency }])) },
  // Round trips are counted inside the worker's invocations only (not the API, the state machine or this script).
  wrapWorker: (handler) => (event) => dynamo.within(() => handler(event)),
});

// Worker overhead per call: the worker's own hot-path writes (claim the slot, mark the call started, write the result),
// timed per work item. The provider call and waiting for a limit slot are not overhead.
const spent = new Map<string, number>();
const key = (run: string, capture: string, model: string) => `${run}|${capture}|${model}`;
const { results, limiter } = stack.deps;
function timed<A extends [{ run_id: string; capture_id: string; model: string }, ...unknown[]], R>(fn: (...a: A) => Promise<R>) {
  return async (...args: A): Promise<R> => {
    const t = performance.now();
    try {
      return await fn(...args);
    } finally {
      const k = key(args[0].run_id, args[0].capture_id, args[0].model);
      spent.set(k, (spent.get(k) ?? 0) + performance.now() - t);
    }
  };
}
results.claim = timed(results.claim.bind(results));
results.renew = timed(results.renew.bind(results));
results.complete = timed(results.complete.bind(results));
const acquire = limiter.acquire.bind(limiter);
let acquireMs = 0;
let acquires = 0;
limiter.acquire = async (...args) => {
  const t = performance.now();
  const grant = await acquire(...args);
  acquireMs += performance.now() - t;
  acquires++;
  return grant;
};

try {
  const client = new SwitchyardClient(stack.apiUrl, await stack.createToken('bench'));
  const traffic = Array.from({ length: captures }, (_, i) => ({
    id: `bench-${i}`,
    model: models[0]!,
    messages: [{ role: 'user' as const, content: `Benchmark prompt ${i}: summarise the quarterly numbers in two sentences.` }],
    completion: 'Revenue grew; costs fell.',
    usage: { prompt_tokens: 20, completion_tokens: 8 },
  }));
  await client.captureAll(traffic);
  dynamo.reset();
  const cpu = process.cpuUsage();
  const started = performance.now();
  const replay = await client.request('POST', '/v1/replays', {
    candidate_models: models.slice(1),
    baseline_model: models[0],
    captures: { limit: captures },
    max_tokens: 64,
  });
  const runId = String(replay.body.run_id);
  const expected = Number(replay.body.expected);
  for (;;) {
    const run = await stack.deps.runs.get({ tenant_id: 'bench', run_id: runId });
    if ((run?.stored ?? 0) >= expected) break;
    if (performance.now() - started > 900_000) throw new Error('benchmark timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuUsed = process.cpuUsage(cpu);
  // Slots left idle in the limiter are freed a second after their last call: count those writes too.
  await new Promise((r) => setTimeout(r, 1_500));
  const counts = { ...dynamo.counts, byCommand: { ...dynamo.counts.byCommand } };
  let stored = 0;
  let ok = 0;
  for (const m of models) {
    let cursor: string | null = null;
    do {
      const page = await stack.deps.results.page(runId, m, cursor, 1000);
      stored += page.items.length;
      ok += page.items.filter((r) => r.status === 'ok' || r.status === 'refused').length;
      cursor = page.cursor;
    } while (cursor);
  }
  const sim = stack.simulator!;
  const duplicateBills = [...sim.stats.billed.values()].reduce((n, v) => n + Math.max(0, v - 1), 0);
  const limitOf = (p: string) => (prod ? (DEFAULT_PROVIDER_LIMITS[p]?.maxConcurrency ?? Number.POSITIVE_INFINITY) : concurrency);
  const limitViolations = providers.reduce((n, p) => n + Math.max(0, (sim.stats.maxInFlight[p] ?? 0) - limitOf(p)), 0);
  // What the limits allow per second: slots over latency, and (prod) requests per minute.
  const rpmOf = (p: string) => (prod ? (DEFAULT_PROVIDER_LIMITS[p]?.rpm ?? Number.POSITIVE_INFINITY) : Number.POSITIVE_INFINITY);
  const limitPerS = providers.reduce((n, p) => n + Math.min(limitOf(p) / (latencyMs / 1000), rpmOf(p) / 60), 0);
  const throughput = expected / seconds;
  const result = {
    bench: 'replay',
    profile: prod ? 'prod' : 'bench',
    calls: expected,
    models: models.length,
    providers: providers.length,
    latency_ms: latencyMs,
    concurrency_per_provider: concurrency,
    seconds: Number(seconds.toFixed(2)),
    throughput_per_s: Number(throughput.toFixed(2)),
    limit_per_s: limitPerS,
    efficiency: Number((throughput / limitPerS).toFixed(3)),
    dynamodb_writes_per_call: Number((counts.writes / expected).toFixed(3)),
    failed_conditional_writes_per_call: Number((counts.failedConditionalWrites / expected).toFixed(3)),
    dynamodb_reads_per_call: Number((counts.reads / expected).toFixed(3)),
    dynamodb_commands: counts.byCommand,
    failed_conditional_writes_by_item: counts.failedByItem,
    dynamodb_writes_by_item: counts.writesByItem,
    // this process: API, worker, emulators, simulator and state machine (the gateway is a child process, not counted)
    cpu_ms_per_call: Number(((cpuUsed.user + cpuUsed.system) / 1000 / expected).toFixed(3)),
    worker_overhead_ms_p50: Number(percentile([...spent.values()], 50).toFixed(2)),
    worker_overhead_ms_p99: Number(percentile([...spent.values()], 99).toFixed(2)),
    lost: expected - stored,
    not_ok: stored - ok,
    duplicate_bills: duplicateBills,
    limit_violations: limitViolations,
    limiter_wait_ms_mean: Number((acquireMs / Math.max(1, acquires)).toFixed(1)),
    max_in_flight: Object.fromEntries(providers.map((p) => [p, sim.stats.maxInFlight[p] ?? 0])),
  };
  console.log(JSON.stringify(result));
} finally {
  await stack.stop();
}
