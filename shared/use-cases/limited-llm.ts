// Puts a gateway's calls (the judge's) under the same provider limits as the fan-out: each call takes a slot from the
// shared limiter first, waiting in-process while the provider is at its limit.
import { callTokens, limitFor, type ProviderLimit, type ProviderLimits } from '../domain/limits.js';
import type { LlmOutcome, LlmRequest } from '../domain/llm.js';
import { countChatTokens, loadTokenizer } from '../domain/tokens.js';
import type { Clock, Limiter, LlmGateway } from '../ports/index.js';

export class LimiterWaitExceededError extends Error {
  constructor(key: string, waitedMs: number) {
    super(`no capacity under the "${key}" provider limit after waiting ${Math.round(waitedMs / 1000)} s`);
    this.name = 'LimiterWaitExceededError';
  }
}

/** A counting semaphore for callers in this process. */
class Gate {
  private free: number;
  private readonly queue: (() => void)[] = [];
  constructor(size: number) {
    this.free = size;
  }
  async enter(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.queue.push(resolve));
  }
  leave(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.free++;
  }
}

export function limitedLlm(
  inner: LlmGateway,
  limiter: Limiter,
  limits: ProviderLimits,
  clock: Clock,
  options: { maxWaitMs: number; leaseMs: number; sleep?: (ms: number) => Promise<void> },
): LlmGateway {
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  // Callers in this process queue here first, at most maxConcurrency per key, rather than all racing for the shared
  // slots with conditional writes that can only fail.
  const gates = new Map<string, Gate>();

  async function acquireAndCall(key: string, limit: ProviderLimit, request: LlmRequest): Promise<LlmOutcome> {
    await loadTokenizer();
    const tokens = callTokens(countChatTokens(request.messages), request.maxTokens);
    const start = clock.now();
    for (;;) {
      const grant = await limiter.acquire(key, limit, tokens, options.leaseMs, clock.now());
      if (grant.ok) {
        try {
          return await inner.complete(request);
        } finally {
          await grant.release();
        }
      }
      const waited = clock.now() - start;
      // Past the wait budget the step fails and the state machine retries it; scores already stored are kept.
      if (waited >= options.maxWaitMs) throw new LimiterWaitExceededError(key, waited);
      await sleep(Math.min(Math.max(25, grant.retryInMs), options.maxWaitMs - waited));
    }
  }

  return {
    async complete(request) {
      const applicable = limitFor(limits, request.model);
      if (!applicable) return inner.complete(request);
      const { key, limit } = applicable;
      if (limit.maxConcurrency === undefined) return acquireAndCall(key, limit, request);
      const gate = gates.get(key) ?? new Gate(limit.maxConcurrency);
      gates.set(key, gate);
      await gate.enter();
      try {
        return await acquireAndCall(key, limit, request);
      } finally {
        gate.leave();
      }
    },
  };
}
