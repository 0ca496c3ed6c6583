// The plain dependency object every use-case takes (STYLE 2), built once per cold start by a composition root.
import type { PriceOverride } from '../domain/pricing.js';
import type { RecommendationPolicy, } from '../domain/recommendation.js';
import type { RubricWeights } from '../domain/judge.js';
import type { CaptureStore, Clock, Limiter, LlmGateway, ResultStore, RunStore, TokenStore, WorkQueue, Workflow } from '../ports/index.js';
import type { ProviderLimits } from '../domain/limits.js';

/** Structured log sink; never given prompts, completions or keys (STYLE 10). */
export type Log = {
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
};

export type Settings = {
  /** provider call timeout */
  callTimeoutMs: number;
  /** attempts before a retryable failure is stored as an error */
  maxAttempts: number;
  /** how long a worker holds a (run, capture, model) slot */
  leaseMs: number;
  /** base and cap of the retry backoff, seconds */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
  priceOverrides: Record<string, PriceOverride>;
  policy: RecommendationPolicy;
  rubricWeights: RubricWeights;
  /** stop judging a candidate once its quality decision is settled (valid under repeated looks) */
  sequentialJudging: boolean;
  /** after sequential judging, judge the recommended model's remaining answers and decide again on the full sample */
  confirmRecommended: boolean;
  /** also judge each candidate answer against the baseline's, in both orders (win/tie/loss rates) */
  pairwiseJudging: boolean;
  /** judge calls per ScoreQuality invocation, and how many run at once */
  judgeBatch: number;
  /** prompts per sequential look: small enough that a clear decision can stop judging early */
  judgeLook: number;
  judgeConcurrency: number;
  retentionDays: number;
  /** capture tag whose values split recommendations into segments (e.g. use_case) */
  segmentTag: string;
  /** per provider (or "model:<id>") concurrency, requests/min, tokens/min */
  providerLimits: ProviderLimits;
  /** true when the providers behind the gateway are the simulator */
  simulated: boolean;
};

export type Deps = {
  captures: CaptureStore;
  tokens: TokenStore;
  runs: RunStore;
  results: ResultStore;
  queue: WorkQueue;
  llm: LlmGateway;
  workflow: Workflow;
  limiter: Limiter;
  clock: Clock;
  log: Log;
  settings: Settings;
};

export const silentLog: Log = { info() {}, warn() {}, error() {} };
