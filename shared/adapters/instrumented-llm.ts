// A gateway that emits call counts and spend as calls happen (its own module: only functions that call a model load pricing).

import type { MetricName } from '../config/metrics.js';
import type { Settings } from '../config/settings.js';
import { computeCost } from '../domain/pricing.js';
import type { LlmGateway, Metrics } from '../ports/index.js';
import { decorate } from './instrumented-ports.js';

/**
 * Counts every gateway call and what it cost. Depends on `LlmGateway.complete(request)`: `request.trace.purpose`
 * ('replay' is provider traffic, any other purpose is the judge), `request.model`, and the outcome's `ok`, `kind` and `usage`.
 */
export function instrumentLlm(inner: LlmGateway, metrics: Metrics, priceOverrides: Settings['priceOverrides']): LlmGateway {
  return decorate(inner, {
    async complete(request) {
      const replay = request.trace.purpose === 'replay';
      const context = { runId: request.trace.runId, model: request.model.id, purpose: request.trace.purpose };
      let outcome: Awaited<ReturnType<LlmGateway['complete']>>;
      try {
        outcome = await inner.complete(request);
      } catch (error) {
        metrics.emit(replay ? { ProviderCalls: 1, ProviderErrors: 1 } : { JudgeCalls: 1 }, context);
        throw error;
      }
      const usd = outcome.ok && outcome.usage ? (computeCost(outcome.usage, request.model, priceOverrides).usd ?? 0) : 0;
      const values: Partial<Record<MetricName, number>> = replay ? { ProviderCalls: 1, ProviderCostUsd: usd } : { JudgeCalls: 1, JudgeCostUsd: usd };
      if (replay && !outcome.ok && outcome.kind !== 'guardrail_blocked') values.ProviderErrors = 1;
      if (!outcome.ok && outcome.kind === 'rate_limited') values.ProviderThrottles = 1;
      metrics.emit(values, context);
      return outcome;
    },
  });
}
