// Builders for the DynamoDB adapters: one document client per platform, shared by every store and the limiter.
import { withCachedCaptureReads } from '../../adapters/cached-capture-store.js';
import { withCachedRunReads } from '../../adapters/cached-run-store.js';
import { DynamoCaptureStore } from '../../adapters/dynamodb/capture-store.js';
import { createDocumentClient } from '../../adapters/dynamodb/client.js';
import { DynamoJudgeCache } from '../../adapters/dynamodb/judge-cache.js';
import { DynamoLimiter } from '../../adapters/dynamodb/limiter.js';
import { DynamoResultStore } from '../../adapters/dynamodb/result-store.js';
import { DynamoRunStore } from '../../adapters/dynamodb/run-store.js';
import { DynamoTenantRateLimiter } from '../../adapters/dynamodb/tenant-rate-limiter.js';
import { DynamoTokenStore } from '../../adapters/dynamodb/token-store.js';
import { instrumentResults, instrumentRuns } from '../../adapters/instrumented-ports.js';
import type { CaptureStore, JudgeCache, Limiter, Metrics, ResultStore, RunStore, TenantRateLimiter, TokenStore } from '../../ports/index.js';
import type { Platform } from '../platform.js';
import { once } from '../wiring.js';

const documentClient = (p: Platform) =>
  once(p, 'dynamodb', () => createDocumentClient({ region: p.region, endpoint: p.endpoints?.dynamodb, credentials: p.credentials }));

/** The store emitting its metrics when the platform has a metrics sink (shared/adapters/instrumented-ports.ts). */
const metered = <S>(p: Platform, store: S, instrument: (store: S, metrics: Metrics) => S): S => (p.metrics ? instrument(store, p.metrics) : store);

export const captureStore = (p: Platform): CaptureStore =>
  once(p, 'captures', () => new DynamoCaptureStore(documentClient(p), p.table, p.settings.retentionDays));
export const tokenStore = (p: Platform): TokenStore => once(p, 'tokens', () => new DynamoTokenStore(documentClient(p), p.table));
export const runStore = (p: Platform): RunStore =>
  once(p, 'runs', () => metered(p, new DynamoRunStore(documentClient(p), p.table, p.settings.retentionDays), instrumentRuns));
/** The worker reads its run for every work item; a run's request and status change rarely: a 2 s cache per container. */
export const cachedRunStore = (p: Platform): RunStore => once(p, 'runs-cached', () => withCachedRunReads(p.overrides?.runs ?? runStore(p), 2_000));
/** The worker reads each capture once per model it replays; a stored capture never changes: kept per container. */
export const cachedCaptureStore = (p: Platform): CaptureStore =>
  once(p, 'captures-cached', () => withCachedCaptureReads(p.overrides?.captures ?? captureStore(p)));
export const resultStore = (p: Platform): ResultStore =>
  once(p, 'results', () => metered(p, new DynamoResultStore(documentClient(p), p.table, p.settings.retentionDays), instrumentResults));
/**
 * Per container: slots change hands in memory. A freed slot nobody here waits for stays taken for a second (the next
 * message of the batch, or of the next batch, takes it with no write); other containers see it taken meanwhile.
 */
export const limiter = (p: Platform): Limiter => once(p, 'limiter', () => new DynamoLimiter(documentClient(p), p.table, 2_000, Math.random, 1_000));
/** Per container: its token lease lives in memory between invocations. */
export const tenantRateLimiter = (p: Platform): TenantRateLimiter => once(p, 'tenant-rate', () => new DynamoTenantRateLimiter(documentClient(p), p.table));
export const judgeCache = (p: Platform): JudgeCache => once(p, 'judge-cache', () => new DynamoJudgeCache(documentClient(p), p.table, p.settings.retentionDays));
