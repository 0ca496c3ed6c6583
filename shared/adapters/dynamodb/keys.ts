// Key design of the single Switchyard table (see docs/design.md). Keys only; no I/O.
import { hashString } from '../../domain/random.js';

/** One tenant's captures are spread over this many partition keys (~1,000 writes/s each). */
export const CAPTURE_SHARDS = 16;

export const captureShard = (captureId: string): number => hashString(captureId) % CAPTURE_SHARDS;

export const keys = {
  /** legacy tokens by the hash of the whole token; current ones by their id (`tok_…`) */
  token: (tokenHashOrId: string) => ({ pk: `TOKEN#${tokenHashOrId}`, sk: 'TOKEN' }),
  /** gsi2: one tenant's tokens, newest first */
  tokensPartition: (tenantId: string) => `T#${tenantId}#TOKENS`,
  /** one tenant's request-rate bucket */
  rateBucket: (tenantId: string) => ({ pk: `T#${tenantId}#RATE`, sk: 'RATE' }),
  capturePartition: (tenantId: string, shard: number) => `T#${tenantId}#CAP#${shard}`,
  capture: (tenantId: string, captureId: string) => ({
    pk: keys.capturePartition(tenantId, captureShard(captureId)),
    sk: `CAP#${captureId}`,
  }),
  captureTimeSort: (capturedAt: string, captureId: string) => `${capturedAt}#${captureId}`,
  /** gsi2: one tenant's captures of one end user, newest first */
  userPartition: (tenantId: string, user: string) => `T#${tenantId}#U#${user}`,
  /** gsi2: one tenant's runs, newest first */
  runsPartition: (tenantId: string) => `T#${tenantId}#RUNS`,
  /** gsi2: every result of one capture, across runs and models */
  captureResultsPartition: (tenantId: string, captureId: string) => `T#${tenantId}#RC#${captureId}`,
  run: (tenantId: string, runId: string) => ({ pk: `T#${tenantId}#RUN#${runId}`, sk: 'RUN' }),
  runMetrics: (tenantId: string, runId: string) => ({ pk: `T#${tenantId}#RUN#${runId}`, sk: 'METRICS' }),
  runRecommendation: (tenantId: string, runId: string) => ({ pk: `T#${tenantId}#RUN#${runId}`, sk: 'RECOMMENDATION' }),
  /** a judge reply already paid for (hash of judge model, prompt version and the whole judge prompt) */
  judgeReply: (tenantId: string, hash: string) => ({ pk: `T#${tenantId}#JUDGE#${hash}`, sk: 'JUDGE' }),
  resultPartition: (runId: string, model: string) => `RUN#${runId}#M#${model}`,
  result: (runId: string, model: string, captureId: string) => ({ pk: keys.resultPartition(runId, model), sk: `CAP#${captureId}` }),
};

export const GSI_BY_TIME = 'gsi1';
/** Overloaded index: captures by user, runs by tenant, results by capture (see docs/design.md). */
export const GSI_BY_OWNER = 'gsi2';
