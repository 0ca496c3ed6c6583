// Adds up what a gateway's calls cost, from the usage each call reports (judge spend).

import type { Settings } from '../config/settings.js';
import { computeCost } from '../domain/pricing.js';
import type { LlmGateway } from '../ports/index.js';

/** Wraps the gateway to add up what its calls cost (from the usage each reports). */
export function meteredLlm(inner: LlmGateway, overrides: Settings['priceOverrides']): { llm: LlmGateway; usd: () => number } {
  let total = 0;
  return {
    llm: {
      async complete(request) {
        const outcome = await inner.complete(request);
        if (outcome.ok && outcome.usage) total += computeCost(outcome.usage, request.model, overrides).usd ?? 0;
        return outcome;
      },
    },
    usd: () => total,
  };
}
