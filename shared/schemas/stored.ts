// Items as DynamoDB holds them, each derived from the domain record it stores: texts are gzip-compressed, and
// attributes an older item may lack read back as their defaults. Adapters validate every item they read with these.

import { TokenRecordSchema } from '../domain/api-token.js';
import { StoredCaptureSchema } from '../domain/capture.js';
import { RecommendationRecordSchema } from '../domain/recommendation.js';
import { ReplayResultSchema } from '../domain/result.js';
import { RunRecordSchema } from '../domain/run.js';
import { RunMetricsSchema } from '../domain/run-metrics.js';
import { onFirstUse } from './on-first-use.js';
import * as z from './zod.js';

const bytes = onFirstUse(() => z.instanceof(Uint8Array));

/** A capture item: the record without its texts, which live compressed in `body`. */
export const CaptureItemSchema = onFirstUse(() =>
  z.extend(z.omit(StoredCaptureSchema, { messages: true, completion: true }), {
    body: bytes,
    usage: z._default(StoredCaptureSchema.shape.usage, null),
    latency_ms: z._default(StoredCaptureSchema.shape.latency_ms, null),
    tags: z._default(StoredCaptureSchema.shape.tags, {}),
    conversation_id: z._default(StoredCaptureSchema.shape.conversation_id, null),
  }),
);
/** The compressed texts of a capture. */
export const CaptureBodySchema = onFirstUse(() => z.pick(StoredCaptureSchema, { messages: true, completion: true }));
/** What the time index projects for selection. */
export const CaptureRefItemSchema = onFirstUse(() => z.pick(CaptureItemSchema, { id: true, model: true, captured_at: true, tags: true, user: true }));

/** A result item: the record with its answer compressed. */
export const ResultItemSchema = onFirstUse(() => z.extend(z.omit(ReplayResultSchema, { answer: true }), { answer_gz: bytes }));
/** What a recount of a run's results reads of each (with `calls`, the slot's call-started marks). */
export const TallyItemSchema = onFirstUse(() =>
  z.extend(z.pick(ReplayResultSchema, { status: true, attempts: true, cost_usd: true, error_kind: true }), {
    calls: z._default(z.number(), 0),
  }),
);

export const RunItemSchema = RunRecordSchema;
/** What the runs index projects for a list of runs. */
export const RunSummaryItemSchema = onFirstUse(() =>
  z.pick(RunRecordSchema, {
    run_id: true,
    status: true,
    created_at: true,
    finished_at: true,
    models: true,
    headline: true,
    cost_usd: true,
    judge_cost_usd: true,
  }),
);
/** Run metrics and the recommendation record are stored as compressed JSON of their domain records. */
export { RecommendationRecordSchema, RunMetricsSchema };

/** An API token item (keys aside): the record in snake case; the secret is never stored, only its hash. */
export const TokenItemSchema = onFirstUse(() =>
  z.object({
    token_id: TokenRecordSchema.shape.id,
    tenant_id: TokenRecordSchema.shape.tenantId,
    label: TokenRecordSchema.shape.label,
    scope: TokenRecordSchema.shape.scope,
    secret_hash: TokenRecordSchema.shape.secretHash,
    created_at: TokenRecordSchema.shape.createdAt,
    token_expires_at: z._default(TokenRecordSchema.shape.expiresAt, null),
    revoked_at: z._default(TokenRecordSchema.shape.revokedAt, null),
  }),
);
