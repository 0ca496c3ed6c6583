// One model call as the use cases see it: what is asked of the gateway and the outcome it hands back (STYLE 4:
// expected failures are values). The gateway adapter validates the provider's wire format into these.
import type { Guardrails } from '../schemas/api.js';
import type { ChatMessage } from './capture.js';
import type { ModelSpec } from './model.js';
import type { TokenUsage } from './pricing.js';

export type LlmRequest = {
  model: ModelSpec;
  messages: readonly ChatMessage[];
  maxTokens: number;
  /** sent to Portkey as x-portkey-trace-id (the run) and x-portkey-metadata, so replays are filterable in its logs */
  trace: { runId: string; captureId: string; purpose: LlmPurpose };
  timeoutMs: number;
  temperature?: number;
  guardrails?: Guardrails;
  /** a saved Portkey config id ("pc-…"), sent instead of inline guardrails */
  portkeyConfig?: string;
  /** Ends the call early (e.g. the worker lost its lease on the result slot); the outcome is then a timeout. */
  signal?: AbortSignal;
};

export type LlmPurpose = 'replay' | 'judge' | 'second-opinion';

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
  /** not called: the call's reservation would have passed the run's budget */
  | 'budget'
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
