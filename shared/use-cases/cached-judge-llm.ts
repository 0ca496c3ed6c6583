// Judge calls whose verdict is already known are not paid for again: a deterministic judge call (temperature 0) is
// looked up by a hash of (judge model, prompt version, max_tokens, the whole judge prompt — rubric, conversation and
// answer); a miss calls through and keeps the reply. Only judge calls are cached, never replays.
import { createHash } from 'node:crypto';
import type { LlmRequest, LlmSuccess } from '../domain/llm.js';
import type { JudgeCache, LlmGateway } from '../ports/index.js';

/** Bump when the judge's parsing or scoring changes meaning, so older replies are not reused. */
export const JUDGE_CACHE_VERSION = 'judge-v1';

export function judgeCacheKey(request: LlmRequest): string {
  return createHash('sha256')
    .update(JSON.stringify([JUDGE_CACHE_VERSION, request.model.id, request.model.apiModel, request.maxTokens, request.messages]))
    .digest('hex');
}

export function cachedJudgeLlm(inner: LlmGateway, cache: JudgeCache, tenantId: string): { llm: LlmGateway; hits: () => number } {
  let hits = 0;
  return {
    hits: () => hits,
    llm: {
      async complete(request) {
        if (request.trace.purpose !== 'judge' || request.temperature !== 0) return inner.complete(request);
        const key = judgeCacheKey(request);
        const known = await cache.get(tenantId, key);
        if (known !== null) {
          hits++;
          const hit: LlmSuccess = {
            ok: true,
            text: known,
            finishReason: 'stop',
            refusalField: null,
            stopReason: null,
            usage: null,
            latencyMs: 0,
            gatewayLatencyMs: null,
          };
          return hit;
        }
        const outcome = await inner.complete(request);
        if (outcome.ok) await cache.put(tenantId, key, outcome.text);
        return outcome;
      },
    },
  };
}
