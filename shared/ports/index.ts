// The ports the use cases depend on: interfaces only. Adapters implement them for DynamoDB, SQS, Portkey and
// Step Functions; the records they carry live in the domain.

import type { TokenRecord } from '../domain/api-token.js';
import type { CaptureFilter, CapturePage, CaptureQuery, CaptureRef, StoredCapture } from '../domain/capture.js';
import type { JudgeTierCounts } from '../domain/judge-cascade.js';
import type { ProviderLimit } from '../domain/limits.js';
import type { LlmOutcome, LlmRequest } from '../domain/llm.js';
import type { RateLimit } from '../domain/rate-limit.js';
import type { RecommendationRecord } from '../domain/recommendation.js';
import type { PairwiseOutcome, QualityScore, ReplayResult } from '../domain/result.js';
import type { RunCounts, RunRecord, RunStatus, RunSummary } from '../domain/run.js';
import type { RunMetrics } from '../domain/run-metrics.js';
import type { RunRef, WorkItem } from '../schemas/messages.js';

export type CapturePutResult = { status: 'stored' | 'duplicate' } | { status: 'conflict'; stored_hash: string };

export interface CaptureStore {
  /**
   * Conditional put: 'duplicate' when a capture with this id and the same content hash (or none) is already stored,
   * 'conflict' with the stored content's hash when its content differs.
   */
  put(tenantId: string, capture: StoredCapture): Promise<CapturePutResult>;
  get(tenantId: string, id: string): Promise<StoredCapture | null>;
  /** Newest first across all shards, filtered, at most `limit`. */
  list(tenantId: string, filter: CaptureFilter): Promise<CaptureRef[]>;
  /** Browsing: newest first, filtered by user, model, tags and time, a page at a time. */
  page(tenantId: string, query: CaptureQuery): Promise<CapturePage>;
}

export interface TokenStore {
  /** Stores a new token (conditional: an id is never reused). */
  put(record: TokenRecord): Promise<void>;
  get(id: string): Promise<TokenRecord | null>;
  /** The tenant's tokens, newest first. */
  list(tenantId: string): Promise<TokenRecord[]>;
  /** Marks the tenant's token revoked; false when there is no such token of this tenant. */
  revoke(tenantId: string, id: string, at: string): Promise<boolean>;
  /** Tokens issued before ids existed (`sy_` + 32 characters), looked up by the hash of the whole token. */
  findTenant(tokenHash: string): Promise<string | null>;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** Per-tenant request rate (a token bucket shared by every container). */
export interface TenantRateLimiter {
  take(tenantId: string, limit: RateLimit, now: number): Promise<RateDecision>;
}

/** Judge replies already paid for, by a hash of (tenant, judge model, prompt version, the full judge prompt). */
export interface JudgeCache {
  get(tenantId: string, key: string): Promise<string | null>;
  put(tenantId: string, key: string, text: string): Promise<void>;
}

export interface RunStore {
  create(run: RunRecord): Promise<void>;
  get(ref: RunRef): Promise<RunRecord | null>;
  /**
   * Adds to the run's counters (atomic `ADD`), and `settle_usd` to its budget reservation, while the run is running;
   * false once it is not (aggregation took its counts from the stored results: see `beginAggregation`).
   */
  recordResult(ref: RunRef, delta: Partial<RunCounts> & { settle_usd?: number }): Promise<boolean>;
  /** Reserves `usd` of the run's budget; false when it would pass the cap. */
  reserveBudget(ref: RunRef, usd: number, budget: number): Promise<boolean>;
  /** Adds what judge calls cost (rubric, pairwise, refusal second opinions). */
  addJudgeSpend(ref: RunRef, usd: number, verdicts?: number): Promise<void>;
  /** Adds the judge cascade's counts (cheap alone vs escalated, rubric and pairwise). */
  addJudgeTiers(ref: RunRef, counts: JudgeTierCounts): Promise<void>;
  /** Corrects a reservation to the actual cost (delta may be negative). */
  settleBudget(ref: RunRef, delta: number): Promise<void>;
  /** Notes that a call was not made because of the budget (the run ends partial). */
  markBudgetReached(ref: RunRef): Promise<void>;
  setStatus(ref: RunRef, status: RunStatus, reasons: string[], finishedAt?: string): Promise<void>;
  /**
   * Moves a running run to aggregating once; false when another step already did. With `recounted`, the counters
   * are set to what the stored results add up to, in the same write (counts added later are refused).
   */
  beginAggregation(ref: RunRef, reasons: string[], recounted?: RunCounts): Promise<boolean>;
  putMetrics(ref: RunRef, metrics: RunMetrics): Promise<void>;
  getMetrics(ref: RunRef): Promise<RunMetrics | null>;
  putRecommendation(ref: RunRef, record: RecommendationRecord): Promise<void>;
  getRecommendation(ref: RunRef): Promise<RecommendationRecord | null>;
  /** The tenant's runs, newest first; `after` is the `next` of the page before. */
  list(tenantId: string, limit: number, after: string | null): Promise<{ items: RunSummary[]; next: string | null }>;
}

export type ClaimOutcome = { kind: 'claimed'; previousCalls: number } | { kind: 'stored' } | { kind: 'busy' };

export interface ResultStore {
  /**
   * Takes the (run, capture, model) slot for `leaseMs`; a slot whose lease expired can be taken again. With
   * `callStarting`, the same write counts the provider call about to start (the call-started mark).
   */
  claim(item: WorkItem, claimId: string, leaseMs: number, now: number, callStarting?: boolean): Promise<ClaimOutcome>;
  /** Counts a provider call about to start under this claim. */
  markCallStarted(item: WorkItem, claimId: string): Promise<void>;
  /** Extends the lease to `now + leaseMs` while the claim is still ours; false when it is not (the holder lost it). */
  renew(item: WorkItem, claimId: string, leaseMs: number, now: number): Promise<boolean>;
  /**
   * Lets another delivery take the slot at once (after a retryable failure). `keepCallMark` keeps the call counted
   * (a call that timed out may still have been billed), so the next holder reports a possible double call.
   */
  release(item: WorkItem, claimId: string, keepCallMark?: boolean): Promise<void>;
  /** Writes the final result if the claim is still ours; false when it is not (another worker finished it). */
  complete(item: WorkItem, claimId: string, result: ReplayResult): Promise<boolean>;
  /** Stores a result unless a final one exists (dead letters): overrides a stale pending claim. */
  storeIfAbsent(item: WorkItem, result: ReplayResult): Promise<boolean>;
  get(runId: string, model: string, captureId: string): Promise<ReplayResult | null>;
  /** What the stored results of one (run, model) add up to (the source of truth for the run's counters). */
  tally(runId: string, model: string): Promise<RunCounts>;
  /** A page of one (run, model); `cursor` is one this store returned for that pair, else it throws a RangeError. */
  page(runId: string, model: string, cursor: string | null, limit: number): Promise<{ items: ReplayResult[]; cursor: string | null }>;
  setPairwise(runId: string, model: string, captureId: string, outcome: PairwiseOutcome): Promise<void>;
  setScore(runId: string, model: string, captureId: string, score: QualityScore): Promise<void>;
  /** Final results of one of the tenant's captures across runs and models (at most `limit`), newest stored first. */
  forCapture(tenantId: string, captureId: string, limit: number): Promise<ReplayResult[]>;
}

export interface WorkQueue {
  enqueue(items: readonly WorkItem[], delaySeconds?: number): Promise<void>;
  /** Makes a received message visible again after `seconds`. */
  delay(receiptHandle: string, seconds: number): Promise<void>;
}

export interface LlmGateway {
  complete(request: LlmRequest): Promise<LlmOutcome>;
}

export type LimiterGrant = { ok: true; release: () => Promise<void> } | { ok: false; retryInMs: number };

/** Provider limits shared by every worker invocation (concurrency, requests and tokens per minute). */
export interface Limiter {
  acquire(key: string, limit: ProviderLimit, tokens: number, leaseMs: number, now: number): Promise<LimiterGrant>;
}

export interface Workflow {
  /** Starts the aggregate state machine for a run; starting it twice for one run is a no-op. */
  startAggregation(ref: RunRef): Promise<void>;
}

export interface Clock {
  now(): number;
}

/** Structured log sink; never given prompts, completions or keys (STYLE 10). */
export interface Log {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

export type { Metrics } from './metrics.js';
