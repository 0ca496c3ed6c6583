// npm run bench:capture — captures/s through the local API (POST /v1/captures, one capture per request: the
// authorizer, the per-tenant rate limit, validation, compression and the conditional put) against raw dynalite
// PutItem of the same item shape (GSI keys included, the same condition) at the same concurrency, in the same run,
// rounds alternating so load on the machine hits both alike. Prints one JSON object as its last line (`ratio`:
// API / raw; target ≥ 0.8). Not part of npm test.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE } from '../local/names.js';
import { startLocalStack } from '../local/stack.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { keys } from '../shared/adapters/dynamodb/keys.js';
import { encodeCaptureBody } from '../shared/domain/capture.js';
import { silentLog } from '../shared/runtime/platform.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    concurrency: { type: 'string', default: '16' },
    rounds: { type: 'string', default: '3' },
    'per-round': { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '300' },
  },
});
const concurrency = Number(values.concurrency);
const rounds = Number(values.rounds);
const perRound = Number(values['per-round']);

// Synthetic capture made up here: a short support exchange, with reported usage (as a proxy sends it).
const messages = [
  { role: 'system', content: 'You are a helpful support agent for an online shop. Answer briefly.' },
  { role: 'user', content: 'My parcel with the blue kettle has not arrived yet. Can you check where it is?' },
];
const completion = 'Your parcel left the warehouse yesterday and should arrive within two working days.';
const TENANT = 'bench';
const captureAt = '2026-11-20T10:00:00.000Z';

async function pool(n: number, job: (i: number) => Promise<void>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) await job(i);
    }),
  );
  return (performance.now() - started) / 1000;
}

const stack = await startLocalStack({
  forceSimulator: true,
  log: silentLog,
  workerConcurrency: 0,
  // A tenant whose limit is far above the bench's rate: the limiter still runs on every request.
  settings: { tenantRateLimit: { ratePerSecond: 1_000_000, burst: 1_000_000 } },
});
try {
  const token = await stack.createToken(TENANT, 'bench');
  const db = createDocumentClient({ region: LOCAL_REGION, endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
  const body = encodeCaptureBody({ messages: messages.map((m) => ({ role: m.role, content: m.content })), completion } as never);
  let failures = 0;

  // node:http with keep-alive, as the SDK's client uses for the raw puts (fetch's client costs several times more CPU
  // per request, which would be charged to the API in this one-process bench).
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const url = new URL(`${stack.apiUrl}/v1/captures`);
  const post = (payload: string) =>
    new Promise<number>((resolve, reject) => {
      const req = http.request(
        url,
        {
          method: 'POST',
          agent,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const api = async (id: string) => {
    const status = await post(
      JSON.stringify({
        id,
        model: 'gpt-4o-mini',
        messages,
        completion,
        usage: { prompt_tokens: 38, completion_tokens: 16 },
        latency_ms: 840,
        tags: { use_case: 'support' },
        user: 'u-42',
        captured_at: captureAt,
      }),
    );
    if (status !== 201) failures++;
  };
  // The item the capture store writes (shared/adapters/dynamodb/capture-store.ts), with the same condition.
  const raw = async (id: string) => {
    const key = keys.capture(TENANT, id);
    await db.send(
      new PutCommand({
        TableName: LOCAL_TABLE,
        Item: {
          ...key,
          gsi1pk: key.pk,
          gsi1sk: keys.captureTimeSort(captureAt, id),
          tenant_id: TENANT,
          id,
          model: 'gpt-4o-mini',
          body,
          usage: { input_tokens: 38, output_tokens: 16 },
          latency_ms: 840,
          tags: { use_case: 'support' },
          conversation_id: null,
          user: 'u-42',
          metadata: {},
          gsi2pk: keys.userPartition(TENANT, 'u-42'),
          gsi2sk: keys.captureTimeSort(captureAt, id),
          captured_at: captureAt,
          expires_at: Math.floor(Date.parse(captureAt) / 1000) + 30 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  };

  const warm = Number(values.warmup);
  await pool(warm, (i) => api(`warm-api-${i}`));
  await pool(warm, (i) => raw(`warm-raw-${i}`));
  failures = 0;

  const apiRates: number[] = [];
  const rawRates: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? (['api', 'raw'] as const) : (['raw', 'api'] as const);
    for (const which of order) {
      const seconds = await pool(perRound, (i) => (which === 'api' ? api(`r${r}-api-${i}`) : raw(`r${r}-raw-${i}`)));
      (which === 'api' ? apiRates : rawRates).push(perRound / seconds);
      process.stderr.write(`round ${r + 1}/${rounds} ${which}: ${(perRound / seconds).toFixed(0)}/s\n`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const apiPerS = median(apiRates);
  const rawPerS = median(rawRates);
  console.log(
    JSON.stringify({
      concurrency,
      rounds,
      per_round: perRound,
      api_captures_per_s: Math.round(apiPerS),
      raw_put_per_s: Math.round(rawPerS),
      api_rounds: apiRates.map(Math.round),
      raw_rounds: rawRates.map(Math.round),
      failures,
      ratio: Number((apiPerS / rawPerS).toFixed(3)),
    }),
  );
} finally {
  await stack.stop();
}
