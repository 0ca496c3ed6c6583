// Turns one gateway outcome into the stored result: status, refusal class and its signals, cost.

import type { StoredCapture } from './capture.js';
import type { LlmOutcome } from './llm.js';
import type { ModelSpec } from './model.js';
import { computeCost, type PriceOverride } from './pricing.js';
import { detectRefusal } from './refusal.js';
import type { ReplayResult } from './result.js';

export function resultFromOutcome(input: {
  runId: string;
  captureId: string;
  model: ModelSpec;
  outcome: LlmOutcome;
  attempts: number;
  now: Date;
  priceOverrides: Readonly<Record<string, PriceOverride>>;
  /** the request's user text: the refusal detector reads it where the verdict depends on it */
  prompt?: string;
}): ReplayResult {
  const { outcome } = input;
  const base = {
    run_id: input.runId,
    capture_id: input.captureId,
    model: input.model.id,
    attempts: input.attempts,
    stored_at: input.now.toISOString(),
  };
  if (outcome.ok) {
    const verdict = detectRefusal({
      text: outcome.text,
      finishReason: outcome.finishReason,
      refusalField: outcome.refusalField,
      stopReason: outcome.stopReason,
      prompt: input.prompt,
    });
    const cost = outcome.usage ? computeCost(outcome.usage, input.model, input.priceOverrides).usd : null;
    return {
      ...base,
      status: verdict.refusal === 'full' ? 'refused' : 'ok',
      answer: outcome.text || outcome.refusalField || '',
      finish_reason: outcome.finishReason,
      refusal: verdict.refusal,
      refusal_signals: verdict.signals,
      refusal_confidence: verdict.confidence ?? null,
      usage: outcome.usage,
      cost_usd: cost,
      latency_ms: outcome.latencyMs,
      gateway_latency_ms: outcome.gatewayLatencyMs,
      error_kind: null,
      error_status: null,
      guardrail_checks: [],
    };
  }
  const blocked = outcome.kind === 'guardrail_blocked';
  return {
    ...base,
    status: blocked ? 'guardrail_blocked' : 'error',
    answer: '',
    finish_reason: null,
    refusal: blocked ? 'full' : 'none',
    refusal_signals: blocked ? ['guardrail_blocked'] : [],
    usage: null,
    cost_usd: 0,
    latency_ms: outcome.latencyMs,
    gateway_latency_ms: null,
    error_kind: blocked ? null : outcome.kind,
    error_status: outcome.status,
    guardrail_checks: outcome.guardrailChecks,
  };
}

/**
 * The baseline's result when the baseline is the captured traffic itself: the capture's own completion, classified
 * like any answer, priced from its own usage at its own model's price (unknown when neither the catalog nor an
 * override prices it). No provider is called.
 */
export function resultFromCapture(input: {
  runId: string;
  baselineModel: string;
  capture: StoredCapture;
  model: ModelSpec | undefined;
  now: Date;
  priceOverrides: Readonly<Record<string, PriceOverride>>;
}): ReplayResult {
  const { capture } = input;
  const verdict = detectRefusal({ text: capture.completion, prompt: userText(capture.messages) });
  const spec: ModelSpec = input.model ?? { id: capture.model, provider: 'captured', apiModel: capture.model, price: null, wire: 'openai' };
  return {
    run_id: input.runId,
    capture_id: capture.id,
    model: input.baselineModel,
    status: verdict.refusal === 'full' ? 'refused' : 'ok',
    answer: capture.completion,
    finish_reason: null,
    refusal: verdict.refusal,
    refusal_signals: verdict.signals,
    refusal_confidence: verdict.confidence ?? null,
    usage: capture.usage,
    cost_usd: capture.usage ? computeCost(capture.usage, spec, input.priceOverrides).usd : null,
    latency_ms: capture.latency_ms,
    gateway_latency_ms: null,
    error_kind: null,
    error_status: null,
    guardrail_checks: [],
    attempts: 0,
    stored_at: input.now.toISOString(),
  };
}

/** The user turns of a conversation, joined: what the refusal detector reads as the prompt. */
export const userText = (messages: readonly { role: string; content: string }[]): string =>
  messages
    .filter((m) => m.role === 'user')
    .map((m) => m.content)
    .join('\n');
