// The whole local stack in one process (the gateway as a child process): dynalite, fauxqs, the Portkey gateway,
// the provider simulator, the state machine from the synthesized template, the API server and the event source.

import path from 'node:path';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { STATE } from '../cdk/stateless-stack.js';
import { makeCheckProgress } from '../functions/aggregate/check-progress.js';
import { makeComputeMetrics } from '../functions/aggregate/compute-metrics.js';
import { makeMarkFailed } from '../functions/aggregate/mark-failed.js';
import { makeRecommend } from '../functions/aggregate/recommend.js';
import { makeScoreQuality } from '../functions/aggregate/score-quality.js';
import { makeAnalyzeHandler } from '../functions/analyze-api/handler.js';
import { makeAuthorizer } from '../functions/authorizer/handler.js';
import { makeCaptureHandler } from '../functions/capture/handler.js';
import { makeCapturesApiHandler } from '../functions/captures-api/handler.js';
import { makeDeadLetterHandler } from '../functions/dead-letter/handler.js';
import { handler as openApiHandler } from '../functions/openapi-api/handler.js';
import { makeReplayStartHandler } from '../functions/replay-start/handler.js';
import { makeWorkerHandler } from '../functions/replay-worker/handler.js';
import { makeReportHandler } from '../functions/report-api/handler.js';
import { makeResultsHandler } from '../functions/results-api/handler.js';
import { makeScheduledReplayHandler } from '../functions/scheduled-replay/handler.js';
import { SIMULATED_PROVIDERS } from '../shared/config/models.js';
import { DEFAULT_SETTINGS, type Settings } from '../shared/config/settings.js';
import type { Clock, LlmGateway, Log, Metrics, RunStore } from '../shared/ports/index.js';
import { captureStore, judgeCache, limiter, resultStore, runStore, tokenStore } from '../shared/runtime/build/dynamo.js';
import { llmGateway } from '../shared/runtime/build/llm.js';
import { workQueue } from '../shared/runtime/build/queue.js';
import { rateLimited } from '../shared/runtime/rate-limited.js';
import { checkProgressWiring, computeMetricsWiring, markFailedWiring, recommendWiring } from '../shared/runtime/wiring/aggregate.js';
import { analyzeWiring } from '../shared/runtime/wiring/analyze.js';
import { authorizerWiring } from '../shared/runtime/wiring/authorizer.js';
import { browseWiring } from '../shared/runtime/wiring/browse.js';
import { captureWiring } from '../shared/runtime/wiring/capture.js';
import { deadLetterWiring } from '../shared/runtime/wiring/dead-letter.js';
import { rateLimitWiring } from '../shared/runtime/wiring/rate-limit.js';
import { replayStartWiring } from '../shared/runtime/wiring/replay-start.js';
import { workerWiring } from '../shared/runtime/wiring/replay-worker.js';
import { reportWiring } from '../shared/runtime/wiring/report-api.js';
import { resultsWiring } from '../shared/runtime/wiring/results-api.js';
import { scoreQualityWiring } from '../shared/runtime/wiring/score-quality.js';
import { type Wiring, wire } from '../shared/runtime/wiring.js';
import type { RunRef } from '../shared/schemas/messages.js';
import type { Ports } from '../shared/use-cases/deps.js';
import { createToken, type NewToken } from '../shared/use-cases/tokens.js';
import { type ApiServer, type Route, startApiServer } from './api-server.js';
import { cachedAuthorizer } from './authorizer-cache.js';
import { createTable, type Dynalite, type LocalQueues, maxReceiveCountFrom, startDynalite, startQueues, tableShapeFrom } from './emulators.js';
import type { LocalGateway } from './gateway.js';
import { LOCAL_TABLE } from './names.js';
import { localPlatform, startLlmBackend } from './platform.js';
import { type RecoveryOutcome, recoverRuns } from './recovery.js';
import { aslFromTemplate, LocalStepFunctions } from './sfn-local.js';
import type { ProviderSimulator, SimulatorOptions } from './simulator/server.js';
import { type Poller, startSqsPoller } from './sqs-poller.js';
import { synthTemplates } from './synth.js';
import { journaledQueue, WorkJournal } from './work-journal.js';

export { LOCAL_TABLE };

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
  /** data folder (npm start): dynalite in DIR/dynamodb, the work journal in DIR/work; in memory when absent */
  dataPath?: string;
  apiPort?: number;
  log?: Log;
  clock?: Clock;
  /** how long POST /v1/analyze waits for its run before answering 202 (default 25 s, as deployed) */
  analyzeWaitMs?: number;
  /** the local API's authorizer cache TTL, seconds (default 60, as deployed: `api.authorizerCacheSeconds`) */
  authorizerCacheSeconds?: number;
  /** business metrics sink (shared/ports/metrics.ts); none by default */
  metrics?: Metrics;
  /** wraps the gateway adapter (cassettes, fault hooks in tests) */
  wrapLlm?: (llm: LlmGateway) => LlmGateway;
  /** wraps the run store every function uses (fault hooks in tests) */
  wrapRuns?: (runs: RunStore) => RunStore;
  /** wraps the worker's handler as the event source invokes it (benchmarks attribute round trips to it) */
  wrapWorker?: (handler: (event: SQSEvent) => Promise<SQSBatchResponse>) => (event: SQSEvent) => Promise<SQSBatchResponse>;
};

/** All ports and the settings: what tests read the stores through. */
export type LocalPorts = Ports & { settings: Settings };

const allPorts: Wiring<Omit<LocalPorts, 'workflow'>> = {
  captures: captureStore,
  tokens: tokenStore,
  runs: runStore,
  results: resultStore,
  queue: workQueue,
  llm: llmGateway,
  limiter,
  judgeCache,
  clock: (p) => p.clock,
  log: (p) => p.log,
  settings: (p) => p.settings,
};

export type LocalStack = {
  apiUrl: string;
  /** every port on the local emulators, for tests and the CLI (each function gets only its own) */
  deps: LocalPorts;
  simulator: ProviderSimulator | null;
  gateway: LocalGateway | null;
  workflow: LocalStepFunctions;
  queues: LocalQueues;
  dynamo: Dynalite;
  worker: Poller;
  mode: 'simulated' | 'self-hosted gateway' | 'hosted Portkey';
  /** what happened to runs in flight at the previous stop (with a data folder) */
  recovered: RecoveryOutcome[];
  createToken(tenantId: string, label?: string, options?: Pick<NewToken, 'scope' | 'expiresAt'>): Promise<string>;
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
    const journal = options.dataPath ? new WorkJournal(path.join(options.dataPath, 'work')) : null;
    const dynamo = await startDynalite({ path: options.dataPath ? path.join(options.dataPath, 'dynamodb') : undefined });
    stops.push(() => dynamo.stop());
    await createTable(dynamo.endpoint, LOCAL_TABLE, tableShapeFrom(templates.stateful));
    const queues = await startQueues({
      maxReceiveCount: maxReceiveCountFrom(templates.stateful),
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds ?? 30,
    });
    stops.push(() => queues.stop());

    const backend = await startLlmBackend({ credentials: options.credentials, forceSimulator: options.forceSimulator, simulator: options.simulator });
    stops.push(() => backend.stop());
    const { simulator, gateway } = backend;

    const settings: Settings = {
      ...DEFAULT_SETTINGS,
      callTimeoutMs: 20_000,
      backoffBaseSeconds: 1,
      backoffMaxSeconds: 30,
      leaseMs: 30_000,
      judgeConcurrency: 16,
      // The simulator has no rate limits of its own: bound concurrency only, so runs finish quickly.
      ...(simulator ? { providerLimits: Object.fromEntries(SIMULATED_PROVIDERS.map((p) => [p, { maxConcurrency: 16 }])) } : {}),
      ...options.settings,
      simulated: simulator !== null,
    };
    let workflow: LocalStepFunctions | undefined;
    const base = localPlatform({
      table: LOCAL_TABLE,
      dynamodbEndpoint: dynamo.endpoint,
      sqsEndpoint: queues.endpoint,
      queueUrl: queues.queueUrl,
      gateway: backend.config,
      settings,
      log,
      clock: options.clock,
      metrics: options.metrics,
    });
    // The state machine runs in this process; a wrapped gateway (cassettes, fault hooks) replaces the built one.
    const llm = options.wrapLlm ? options.wrapLlm(await llmGateway(base)) : undefined;
    const localWorkflow = { startAggregation: (ref: RunRef) => workflow!.startAggregation(ref) };
    // With a data folder, queued work is journalled on disk (fauxqs is in memory) so a restart can re-drive it.
    const rawQueue = journal ? await workQueue(base) : undefined;
    const queue = rawQueue && journal ? journaledQueue(rawQueue, journal) : undefined;
    const runs = options.wrapRuns ? options.wrapRuns(runStore(base)) : undefined;
    const platform = { ...base, overrides: { workflow: localWorkflow, ...(llm ? { llm } : {}), ...(queue ? { queue } : {}), ...(runs ? { runs } : {}) } };
    // Each function gets its own composition root, exactly as deployed; only the platform differs.
    const fn = <D extends object>(wiring: Wiring<D>) => {
      const built = wire(platform, wiring);
      return () => built;
    };
    const deps: LocalPorts = { ...(await wire(platform, allPorts)), workflow: localWorkflow };

    workflow = new LocalStepFunctions(
      aslFromTemplate(templates.stateless),
      {
        [STATE.checkProgress]: makeCheckProgress(fn(checkProgressWiring)),
        [STATE.scoreQuality]: makeScoreQuality(fn(scoreQualityWiring)),
        [STATE.computeMetrics]: makeComputeMetrics(fn(computeMetricsWiring)),
        [STATE.recommend]: makeRecommend(fn(recommendWiring)),
        [STATE.confirmRecommended]: makeScoreQuality(fn(scoreQualityWiring)),
        [STATE.recomputeMetrics]: makeComputeMetrics(fn(computeMetricsWiring)),
        [STATE.recommendFinal]: makeRecommend(fn(recommendWiring)),
        [STATE.markFailed]: makeMarkFailed(fn(markFailedWiring)),
      },
      { waitOverrides: { [STATE.waitForWork]: options.pollMs ?? 250 }, retryIntervalMs: 50 },
    );
    stops.push(() => workflow!.stop());

    const worker = startSqsPoller({
      endpoint: queues.endpoint,
      queueUrl: queues.queueUrl,
      handler: (options.wrapWorker ?? ((h) => h))(makeWorkerHandler(fn(workerWiring))),
      concurrency: options.workerConcurrency ?? 8,
      batchSize: options.workerBatchSize ?? 10,
      onError: (error) => log.error('worker invocation failed', { error: error instanceof Error ? error.name : 'unknown' }),
    });
    stops.push(() => worker.stop());
    const deadLetters = startSqsPoller({
      endpoint: queues.endpoint,
      queueUrl: queues.dlqUrl,
      handler: makeDeadLetterHandler(fn(deadLetterWiring)),
      concurrency: options.workerConcurrency === 0 ? 0 : 1,
      onError: (error) => log.error('dead-letter invocation failed', { error: error instanceof Error ? error.name : 'unknown' }),
    });
    stops.push(() => deadLetters.stop());

    // Every API route is throttled per tenant, as each deployed handler is (shared/runtime/rate-limited.ts).
    const limited = (handler: Route['handler']) => rateLimited(fn(rateLimitWiring), handler);
    const results = limited(makeResultsHandler(fn(resultsWiring)));
    const browse = limited(makeCapturesApiHandler(fn(browseWiring)));
    const api: ApiServer = await startApiServer({
      port: options.apiPort,
      authorizer: cachedAuthorizer(makeAuthorizer(fn(authorizerWiring)), options.authorizerCacheSeconds ?? 60, platform.clock),
      routes: [
        { method: 'POST', pattern: /^\/v1\/captures$/, routeKey: 'POST /v1/captures', params: [], handler: limited(makeCaptureHandler(fn(captureWiring))) },
        {
          method: 'POST',
          pattern: /^\/v1\/replays$/,
          routeKey: 'POST /v1/replays',
          params: [],
          handler: limited(makeReplayStartHandler(fn(replayStartWiring))),
        },
        {
          method: 'GET',
          pattern: /^\/v1\/replays\/([^/]+)$/,
          routeKey: 'GET /v1/replays/{id}',
          params: ['id'],
          handler: results,
        },
        { method: 'GET', pattern: /^\/v1\/replays$/, routeKey: 'GET /v1/replays', params: [], handler: results },
        { method: 'GET', pattern: /^\/v1\/replays\/([^/]+)\/results$/, routeKey: 'GET /v1/replays/{id}/results', params: ['id'], handler: results },
        {
          method: 'POST',
          pattern: /^\/v1\/analyze$/,
          routeKey: 'POST /v1/analyze',
          params: [],
          handler: limited(makeAnalyzeHandler(fn(analyzeWiring), { waitMs: options.analyzeWaitMs })),
        },
        { method: 'GET', pattern: /^\/v1\/captures$/, routeKey: 'GET /v1/captures', params: [], handler: browse },
        { method: 'GET', pattern: /^\/v1\/captures\/([^/]+)$/, routeKey: 'GET /v1/captures/{id}', params: ['id'], handler: browse },
        { method: 'GET', pattern: /^\/v1\/users\/([^/]+)\/history$/, routeKey: 'GET /v1/users/{user}/history', params: ['user'], handler: browse },
        {
          method: 'GET',
          pattern: /^\/v1\/replays\/([^/]+)\/report$/,
          routeKey: 'GET /v1/replays/{id}/report',
          params: ['id'],
          handler: limited(makeReportHandler(fn(reportWiring))),
        },
        { method: 'GET', pattern: /^\/v1\/openapi\.json$/, routeKey: 'GET /v1/openapi.json', params: [], handler: openApiHandler },
      ],
      onError: (error) => log.error('handler threw', { error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown' }),
    });
    stops.push(() => api.stop());

    const recovered =
      journal && rawQueue
        ? await recoverRuns({
            ...deps,
            queue: rawQueue,
            journal,
            dynamodbEndpoint: dynamo.endpoint,
            table: LOCAL_TABLE,
          })
        : [];

    const scheduled = makeScheduledReplayHandler(fn(replayStartWiring));
    return {
      apiUrl: api.url,
      deps,
      simulator,
      gateway,
      workflow,
      queues,
      dynamo,
      worker,
      mode: backend.mode,
      recovered,
      createToken: async (tenantId, label = 'local', extra = {}) => (await createToken(deps, { tenantId, label, ...extra })).token,
      runScheduledReplay: (event) => scheduled(event),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
