// The whole local stack in one process (the gateway as a child process): dynalite, fauxqs, the Portkey gateway,
// the provider simulator, the state machine from the synthesized template, the API server and the event source.
import { makeAuthorizer } from '../functions/authorizer/handler.js';
import { makeCaptureHandler } from '../functions/capture/handler.js';
import { makeReplayStartHandler } from '../functions/replay-start/handler.js';
import { makeScheduledReplayHandler } from '../functions/scheduled-replay/handler.js';
import { makeResultsHandler } from '../functions/results-api/handler.js';
import { makeWorkerHandler } from '../functions/replay-worker/handler.js';
import { makeDeadLetterHandler } from '../functions/dead-letter/handler.js';
import { makeCheckProgress } from '../functions/aggregate/check-progress.js';
import { makeScoreQuality } from '../functions/aggregate/score-quality.js';
import { makeComputeMetrics } from '../functions/aggregate/compute-metrics.js';
import { makeRecommend } from '../functions/aggregate/recommend.js';
import { makeMarkFailed } from '../functions/aggregate/mark-failed.js';
import { STATE } from '../cdk/stateless-stack.js';
import { createDocumentClient } from '../shared/adapters/dynamodb/client.js';
import { DynamoCaptureStore } from '../shared/adapters/dynamodb/capture-store.js';
import { DynamoResultStore } from '../shared/adapters/dynamodb/result-store.js';
import { DynamoRunStore } from '../shared/adapters/dynamodb/run-store.js';
import { DynamoTokenStore } from '../shared/adapters/dynamodb/token-store.js';
import { DynamoLimiter } from '../shared/adapters/dynamodb/limiter.js';
import { PortkeyGateway, type GatewayConfig } from '../shared/adapters/portkey-gateway.js';
import { SqsWorkQueue } from '../shared/adapters/sqs-queue.js';
import { DEFAULT_SETTINGS, HOSTED_PORTKEY_URL, PROVIDER_KEY_VARS, gatewayConfigFrom } from '../shared/config/settings.js';
import type { Deps, Log, Settings } from '../shared/use-cases/deps.js';
import { createToken } from '../shared/use-cases/tokens.js';
import type { Clock, LlmGateway } from '../shared/ports/index.js';
import { startApiServer, type ApiServer } from './api-server.js';
import { LOCAL_CREDENTIALS, LOCAL_REGION, createTable, maxReceiveCountFrom, startDynalite, startQueues, tableShapeFrom, type Dynalite, type LocalQueues } from './emulators.js';
import { startGateway, type LocalGateway } from './gateway.js';
import { LocalStepFunctions, aslFromTemplate } from './sfn-local.js';
import { ProviderSimulator, type SimulatorOptions } from './simulator/server.js';
import { startSqsPoller, type Poller } from './sqs-poller.js';
import { synthTemplates } from './synth.js';

export const LOCAL_TABLE = 'switchyard-local';

export type LocalStackOptions = {
  /** cdk.json environment whose templates are used */
  env?: string;
  /** already synthesized templates (tests synthesize once for all files) */
  templates?: Pick<ReturnType<typeof synthTemplates>, 'stateful' | 'stateless'>;
  /** provider simulator options; ignored when real credentials are configured */
  simulator?: SimulatorOptions;
  /** force the simulator even when credentials are present (tests) */
  forceSimulator?: boolean;
  /** environment to read credentials from */
  credentials?: Readonly<Record<string, string | undefined>>;
  workerConcurrency?: number;
  /** messages per worker invocation (the event source's batch size) */
  workerBatchSize?: number;
  visibilityTimeoutSeconds?: number;
  /** how long WaitForWork waits locally, ms */
  pollMs?: number;
  settings?: Partial<Settings>;
  /** dynalite data directory (npm start); in memory when absent */
  dataPath?: string;
  apiPort?: number;
  log?: Log;
  clock?: Clock;
  /** wraps the gateway adapter (cassettes, fault hooks in tests) */
  wrapLlm?: (llm: LlmGateway) => LlmGateway;
};

export type LocalStack = {
  apiUrl: string;
  deps: Deps;
  simulator: ProviderSimulator | null;
  gateway: LocalGateway | null;
  workflow: LocalStepFunctions;
  queues: LocalQueues;
  dynamo: Dynalite;
  worker: Poller;
  mode: 'simulated' | 'self-hosted gateway' | 'hosted Portkey';
  createToken(tenantId: string, label?: string): Promise<string>;
  runScheduledReplay(event: unknown): Promise<unknown>;
  stop(): Promise<void>;
};

const consoleErrors: Log = {
  info() {},
  warn() {},
  error(message, attributes) {
    console.error(`[switchyard] ${message}`, attributes ?? '');
  },
};

function hasRealCredentials(source: Readonly<Record<string, string | undefined>>): 'hosted' | 'self-hosted' | null {
  if (source.PORTKEY_API_KEY) return 'hosted';
  if (Object.values(PROVIDER_KEY_VARS).some((name) => source[name])) return 'self-hosted';
  return null;
}

export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack> {
  const log = options.log ?? consoleErrors;
  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (error) {
        log.error('stop failed', { error: String(error) });
      }
    }
  };
  try {
    const templates = options.templates ?? synthTemplates(options.env ?? 'dev');
    const dynamo = await startDynalite({ path: options.dataPath });
    stops.push(() => dynamo.stop());
    await createTable(dynamo.endpoint, LOCAL_TABLE, tableShapeFrom(templates.stateful));
    const queues = await startQueues({
      maxReceiveCount: maxReceiveCountFrom(templates.stateful),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    });
    stops.push(() => queues.stop());

    const credentials = options.credentials ?? process.env;
    const real = options.forceSimulator ? null : hasRealCredentials(credentials);
    let simulator: ProviderSimulator | null = null;
    let gateway: LocalGateway | null = null;
    let gatewayConfig: GatewayConfig;
    if (real === 'hosted') {
      gatewayConfig = gatewayConfigFrom(credentials, credentials.PORTKEY_BASE_URL ?? HOSTED_PORTKEY_URL);
    } else {
      gateway = await startGateway();
      stops.push(() => gateway!.stop());
      if (real === 'self-hosted') {
        gatewayConfig = gatewayConfigFrom(credentials, gateway.url);
      } else {
        simulator = await new ProviderSimulator({ latencyScale: 0.02, ...options.simulator }).start();
        stops.push(() => simulator!.stop());
        const providers = ['openai', 'anthropic', 'groq', 'mistral-ai'];
        gatewayConfig = {
          baseURL: gateway.url,
          providerKeys: Object.fromEntries(providers.map((p) => [p, 'simulated-key'])),
          customHosts: Object.fromEntries(providers.map((p) => [p, simulator!.url])),
        };
      }
    }

    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      callTimeoutMs: 20_000,
      backoffBaseSeconds: 1,
      backoffMaxSeconds: 30,
      leaseMs: 30_000,
      judgeConcurrency: 16,
      // The simulator has no rate limits of its own: bound concurrency only, so runs finish quickly.
      ...(simulator ? { providerLimits: Object.fromEntries(['openai', 'anthropic', 'groq', 'mistral-ai'].map((p) => [p, { maxConcurrency: 16 }])) } : {}),
      ...options.settings,
      simulated: simulator !== null,
    };
    const db = createDocumentClient({ region: LOCAL_REGION, endpoint: dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    const baseLlm = new PortkeyGateway(gatewayConfig);
    let workflow: LocalStepFunctions | undefined;
    const deps: Deps = {
      captures: new DynamoCaptureStore(db, LOCAL_TABLE, settings.retentionDays),
      tokens: new DynamoTokenStore(db, LOCAL_TABLE),
      runs: new DynamoRunStore(db, LOCAL_TABLE, settings.retentionDays),
      results: new DynamoResultStore(db, LOCAL_TABLE, settings.retentionDays),
      limiter: new DynamoLimiter(db, LOCAL_TABLE),
      queue: new SqsWorkQueue({ region: LOCAL_REGION, endpoint: queues.endpoint, queueUrl: queues.queueUrl, credentials: LOCAL_CREDENTIALS }),
      llm: options.wrapLlm ? options.wrapLlm(baseLlm) : baseLlm,
      workflow: { startAggregation: (ref) => workflow!.startAggregation(ref) },
      clock: options.clock ?? { now: () => Date.now() },
      log,
      settings,
    };
    const getDeps = async () => deps;

    workflow = new LocalStepFunctions(
      aslFromTemplate(templates.stateless),
      {
        [STATE.checkProgress]: makeCheckProgress(getDeps),
        [STATE.scoreQuality]: makeScoreQuality(getDeps),
        [STATE.computeMetrics]: makeComputeMetrics(getDeps),
        [STATE.recommend]: makeRecommend(getDeps),
        [STATE.confirmRecommended]: makeScoreQuality(getDeps),
        [STATE.recomputeMetrics]: makeComputeMetrics(getDeps),
        [STATE.recommendFinal]: makeRecommend(getDeps),
        [STATE.markFailed]: makeMarkFailed(getDeps),
      },
      { waitOverrides: { [STATE.waitForWork]: options.pollMs ?? 250 }, retryIntervalMs: 50 },
    );
    stops.push(() => workflow!.stop());

    const worker = startSqsPoller({
      endpoint: queues.endpoint,
      queueUrl: queues.queueUrl,
      handler: makeWorkerHandler(getDeps),
      concurrency: options.workerConcurrency ?? 8,
      batchSize: options.workerBatchSize ?? 10,
      onError: (error) => log.error('worker invocation failed', { error: error instanceof Error ? error.name : 'unknown' }),
    });
    stops.push(() => worker.stop());
    const deadLetters = startSqsPoller({
      endpoint: queues.endpoint,
      queueUrl: queues.dlqUrl,
      handler: makeDeadLetterHandler(getDeps),
      concurrency: options.workerConcurrency === 0 ? 0 : 1,
      onError: (error) => log.error('dead-letter invocation failed', { error: error instanceof Error ? error.name : 'unknown' }),
    });
    stops.push(() => deadLetters.stop());

    const api: ApiServer = await startApiServer({
      port: options.apiPort,
      authorizer: makeAuthorizer(getDeps),
      routes: [
        { method: 'POST', pattern: /^\/v1\/captures$/, routeKey: 'POST /v1/captures', params: [], handler: makeCaptureHandler(getDeps) },
        { method: 'POST', pattern: /^\/v1\/replays$/, routeKey: 'POST /v1/replays', params: [], handler: makeReplayStartHandler(getDeps) },
        { method: 'GET', pattern: /^\/v1\/replays\/([^/]+)$/, routeKey: 'GET /v1/replays/{id}', params: ['id'], handler: makeResultsHandler(getDeps) },
      ],
      onError: (error) => log.error('handler threw', { error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }),
    });
    stops.push(() => api.stop());

    const scheduled = makeScheduledReplayHandler(getDeps);
    return {
      apiUrl: api.url,
      deps,
      simulator,
      gateway,
      workflow,
      queues,
      dynamo,
      worker,
      mode: simulator ? 'simulated' : real === 'hosted' ? 'hosted Portkey' : 'self-hosted gateway',
      createToken: (tenantId, label = 'local') => createToken(deps.tokens, tenantId, label),
      runScheduledReplay: (event) => scheduled(event),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
