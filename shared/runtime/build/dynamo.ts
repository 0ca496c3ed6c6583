// Builders for the DynamoDB adapters: one document client per platform, shared by every store and the limiter.
import { withCachedCaptureReads } from '../../adapters/cached-capture-store.js';
import { withCachedRunReads } from '../../adapters/cached-run-store.js';
import { DynamoCaptureStore } from '../../adapters/dynamodb/capture-store.js';
import { createDocumentClient } from '../../adapters/dynamodb/client.js';
import { DynamoLimiter } from '../../adapters/dynamodb/limiter.js';
import { DynamoResultStore } from '../../adapters/dynamodb/result-store.js';
import { DynamoRunStore } from '../../adapters/dynamodb/run-store.js';
import { DynamoTokenStore } from '../../adapters/dynamodb/token-store.js';
import type { CaptureStore, Limiter, ResultStore, RunStore, TokenStore } from '../../ports/index.js';
import type { Platform } from '../platform.js';
import { once } from '../wiring.js';

const documentClient = (p: Platform) =>
  once(p, 'dynamodb', () => createDocumentClient({ region: p.region, endpoint: p.endpoints?.dynamodb, credentials: p.credentials }));

export const captureStore = (p: Platform): CaptureStore =>
  once(p, 'captures', () => new DynamoCaptureStore(documentClient(p), p.table, p.settings.retentionDays));
export const tokenStore = (p: Platform): TokenStore => once(p, 'tokens', () => new DynamoTokenStore(documentClient(p), p.table));
export const runStore = (p: Platform): RunStore => once(p, 'runs', () => new DynamoRunStore(documentClient(p), p.table, p.settings.retentionDays));
/** The worker reads its run for every work item; a run's request and status change rarely: a 2 s cache per container. */
export const cachedRunStore = (p: Platform): RunStore => once(p, 'runs-cached', () => withCachedRunReads(p.overrides?.runs ?? runStore(p), 2_000));
/** The worker reads each capture once per model it replays; a stored capture never changes: kept per container. */
export const cachedCaptureStore = (p: Platform): CaptureStore =>
  once(p, 'captures-cached', () => withCachedCaptureReads(p.overrides?.captures ?? captureStore(p)));
export const resultStore = (p: Platform): ResultStore => once(p, 'results', () => new DynamoResultStore(documentClient(p), p.table, p.settings.retentionDays));
export const limiter = (p: Platform): Limiter => once(p, 'limiter', () => new DynamoLimiter(documentClient(p), p.table));
