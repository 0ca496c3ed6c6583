// The ports the use-cases depend on. Adapters implement them for DynamoDB, SQS, Portkey and Step Functions.
import type { ModelSpec } from '../config/models.js';
import type { ChatMessage } from '../domain/judge.js';
import type { TokenUsage } from '../domain/pricing.js';
import type { RefusalClass } from '../domain/refusal.js';
import type { RunRef, WorkItem } from '../schemas/messages.js';
import type { ReplayRequest } from '../schemas/api.js';

export type StoredCapture = {
  id: string;
  model: string;
  messages: ChatMessage[];
  completion: string;
  usage: TokenUsage | null;
  latency_ms: number | null;
  tags: Record<string, string>;
  conversation_id: string | null;
  captured_at: string;
};

export type CaptureRef = { id: string; model: string; captured_at: string; tags: Record<string, string> };

export type CaptureFilter = { from?: string; to?: string; tags?: Record<string, string>; limit: number };

export interface CaptureStore {
  /** Conditional put: 'duplicate' when a capture with this id is already stored. */
  put(tenantId: string, capture: StoredCapture): Promise<'stored' | 'duplicate'>;
  get(tenantId: string, id: string): Promise<StoredCapture | null>;
  /** Newest first across all shards, filtered, at most `limit`. */
  list(tenantId: string, filter: CaptureFilter): Promise<CaptureRef[]>;
}

export interface TokenStore {
  put(tokenHash: string, tenantId: string, label: string): Promise<void>;
  findTenant(tokenHash: string): Promise<string | null>;
}

export type RunStatus = 'running' | 'aggregating' | 'completed' | 'partial' | 'failed';

export type RunRecord = {
  tenant_id: string;
  run_id: string;
  status: RunStatus;
  reasons: string[];
  request: ReplayRequest & { baseline_model: string };
  models: string[];
  expected: number;
  captures: number;
  stored: number;
  cost_usd: number;
  double_calls: number;
  /** USD reserved against the budget (estimates of calls in flight + actual cost of finished ones) */
  reserved_usd: number;
  judge_cost_usd: number;
  skipped: number;
  dead_lettered: number;
  created_at: string;
  deadline: string;
  finished_at: string | null;
  simulated: boolean;
  /** the captured traffic the run was drawn from, for monthly projections */
  traffic: { matched: number; first_at: string; last_at: string; capped: boolean } | null;
};

export type ModelMetrics = {
  model: string;
  is_baseline: boolean;
  results: number;
  ok: number;
  refused: number;
  partial_refusals: number;
  guardrail_blocked: number;
  errors: number;
  error_kinds: Record<string, number>;
  skipped: number;
  scored: number;
  unscored: number;
  /** answers left unjudged because sequential judging had already settled this model's decision */
  not_judged: number;
  /** pairwise verdicts against the baseline (both orders must agree for a win or loss) */
  pairwise: { win: number; tie: number; loss: number };
  quality_mean: number | null;
  cost_known: boolean;
  cost_usd_total: number | null;
  cost_per_1k_requests_usd: number | null;
  input_tokens: number;
  output_tokens: number;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  latency_ms_p99: number | null;
  /** the part of latency outside the provider's own processing, where the provider reports it */
  gateway_latency_ms_p50: number | null;
  gateway_latency_ms_p95: number | null;
  refusal_rate: number;
  error_rate: number;
  guardrail_block_rate: number;
};

/** What ComputeMetrics stores for Recommend: per-model metrics and paired comparisons, overall and per segment. */
export type RunMetrics = {
  models: ModelMetrics[];
  comparisons: Record<string, import('../domain/recommendation.js').Comparison>;
  segments: Record<string, Record<string, import('../domain/recommendation.js').Comparison>>;
  judging: { answers: number; judged: number; saved_fraction: number };
};

export interface RunStore {
  create(run: RunRecord): Promise<void>;
  get(ref: RunRef): Promise<RunRecord | null>;
  /** Atomic counters as results land. */
  recordResult(ref: RunRef, delta: { stored: number; cost_usd: number; double_calls: number; skipped?: number; dead_lettered?: number }): Promise<void>;
  /** Reserves `usd` of the run's budget; false when it would pass the cap. */
  reserveBudget(ref: RunRef, usd: number, budget: number): Promise<boolean>;
  /** Adds what judge calls cost (rubric, pairwise, refusal second opinions). */
  addJudgeSpend(ref: RunRef, usd: number): Promise<void>;
  /** Corrects a reservation to the actual cost (delta may be negative). */
  settleBudget(ref: RunRef, delta: number): Promise<void>;
  setStatus(ref: RunRef, status: RunStatus, reasons: string[], finishedAt?: string): Promise<void>;
  /** Moves a running run to aggregating once; false when another step already did. */
  beginAggregation(ref: RunRef, reasons: string[]): Promise<boolean>;
  putMetrics(ref: RunRef, metrics: RunMetrics): Promise<void>;
  getMetrics(ref: RunRef): Promise<RunMetrics | null>;
  putRecommendation(ref: RunRef, record: unknown): Promise<void>;
  getRecommendation(ref: RunRef): Promise<unknown | null>;
}

export type ResultStatus = 'ok' | 'refused' | 'guardrail_blocked' | 'error' | 'skipped';

export type ReplayResult = {
  run_id: string;
  capture_id: string;
  model: string;
  status: ResultStatus;
  answer: string;
  finish_reason: string | null;
  refusal: RefusalClass;
  refusal_signals: string[];
  usage: TokenUsage | null;
  cost_usd: number | null;
  latency_ms: number | null;
  gateway_latency_ms: number | null;
  error_kind: string | null;
  error_status: number | null;
  guardrail_checks: string[];
  attempts: number;
  stored_at: string;
  /** the capture's segment (its tag named by settings.segmentTag) and conversation, for segments and clustering */
  segment?: string | null;
  conversation_id?: string | null;
  quality?: number | null;
  judge?: { accuracy: number; relevance: number; clarity: number } | null;
  judge_status?: 'scored' | 'unscored';
  /** pairwise verdict against the baseline's answer, both orders combined */
  pairwise?: 'win' | 'tie' | 'loss' | null;
};

export type ClaimOutcome =
  | { kind: 'claimed'; previousCalls: number }
  | { kind: 'stored' }
  | { kind: 'busy' };

export interface ResultStore {
  /** Takes the (run, capture, model) slot for `leaseMs`; a slot whose lease expired can be taken again. */
  claim(item: WorkItem, claimId: string, leaseMs: number, now: number): Promise<ClaimOutcome>;
  /** Counts a provider call about to start under this claim. */
  markCallStarted(item: WorkItem, claimId: string): Promise<void>;
  /** Lets another delivery take the slot at once (after a retryable failure). */
  release(item: WorkItem, claimId: string): Promise<void>;
  /** Writes the final result if the claim is still ours; false when it is not (another worker finished it). */
  complete(item: WorkItem, claimId: string, result: ReplayResult): Promise<boolean>;
  /** Stores a result unless a final one exists (dead letters): overrides a stale pending claim. */
  storeIfAbsent(item: WorkItem, result: ReplayResult): Promise<boolean>;
  get(runId: string, model: string, captureId: string): Promise<ReplayResult | null>;
  page(runId: string, model: string, cursor: string | null, limit: number): Promise<{ items: ReplayResult[]; cursor: string | null }>;
  setPairwise(runId: string, model: string, captureId: string, outcome: 'win' | 'tie' | 'loss'): Promise<void>;
  setScore(runId: string, model: string, captureId: string, score: { quality: number | null; judge: ReplayResult['judge']; judge_status: 'scored' | 'unscored' }): Promise<void>;
}

export interface WorkQueue {
  enqueue(items: readonly WorkItem[], delaySeconds?: number): Promise<void>;
  /** Makes a received message visible again after `seconds`. */
  delay(receiptHandle: string, seconds: number): Promise<void>;
}

export type LlmRequest = {
  model: ModelSpec;
  messages: readonly ChatMessage[];
  maxTokens: number;
  trace: { runId: string; captureId: string; purpose: 'replay' | 'judge' };
  timeoutMs: number;
  temperature?: number;
  guardrails?: import('../schemas/api.js').Guardrails;
};

export type LlmSuccess = {
  ok: true;
  text: string;
  finishReason: string | null;
  refusalField: string | null;
  stopReason: string | null;
  usage: TokenUsage | null;
  latencyMs: number;
  gatewayLatencyMs: number | null;
};

export type LlmErrorKind =
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'connection'
  | 'bad_request'
  | 'auth'
  | 'not_found'
  | 'guardrail_blocked'
  | 'malformed_response'
  | 'unknown';

export type LlmFailure = {
  ok: false;
  kind: LlmErrorKind;
  retryable: boolean;
  status: number | null;
  retryAfterSeconds: number | null;
  latencyMs: number;
  guardrailChecks: string[];
};

export type LlmOutcome = LlmSuccess | LlmFailure;

export interface LlmGateway {
  complete(request: LlmRequest): Promise<LlmOutcome>;
}

export type LimiterGrant = { ok: true; release: () => Promise<void> } | { ok: false; retryInMs: number };

/** Provider limits shared by every worker invocation (concurrency, requests and tokens per minute). */
export interface Limiter {
  acquire(key: string, limit: import('../domain/limits.js').ProviderLimit, tokens: number, leaseMs: number, now: number): Promise<LimiterGrant>;
}

export interface Workflow {
  /** Starts the aggregate state machine for a run; starting it twice for one run is a no-op. */
  startAggregation(ref: RunRef): Promise<void>;
}

export interface Clock {
  now(): number;
}
