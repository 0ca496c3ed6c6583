import { describe, expect, it } from 'vitest';
import { resolveModel } from '../../../shared/config/models.js';
import type { LlmRequest } from '../../../shared/domain/llm.js';
import type { LimiterGrant, LlmGateway } from '../../../shared/ports/index.js';
import { LimiterWaitExceededError, limitedLlm } from '../../../shared/use-cases/limited-llm.js';

const request: LlmRequest = {
  model: resolveModel('gpt-4o')!,
  messages: [{ role: 'user', content: 'grade this' }],
  maxTokens: 200,
  temperature: 0,
  trace: { runId: 'r', captureId: 'c', purpose: 'judge' },
  timeoutMs: 1000,
};
const ok = { ok: true as const, text: '{}', finishReason: 'stop', refusalField: null, stopReason: null, usage: null, latencyMs: 1, gatewayLatencyMs: null };

function setup(grants: LimiterGrant['ok'][], fail = false) {
  let now = 0;
  const log: string[] = [];
  const limiter = {
    async acquire(key: string): Promise<LimiterGrant> {
      log.push(`acquire:${key}`);
      return grants.shift() ? { ok: true, release: async () => void log.push('release') } : { ok: false, retryInMs: 1000 };
    },
  };
  const inner: LlmGateway = {
    async complete() {
      log.push('call');
      if (fail) throw new Error('boom');
      return ok;
    },
  };
  const llm = limitedLlm(
    inner,
    limiter,
    { openai: { maxConcurrency: 1 } },
    { now: () => now },
    {
      maxWaitMs: 2500,
      leaseMs: 5000,
      sleep: async (ms) => {
        now += ms;
      },
    },
  );
  return { llm, log };
}

describe('limitedLlm', () => {
  it('waits for a slot under the provider limit, calls once, and releases the slot', async () => {
    const { llm, log } = setup([false, false, true]);
    expect(await llm.complete(request)).toEqual(ok);
    expect(log).toEqual(['acquire:openai', 'acquire:openai', 'acquire:openai', 'call', 'release']);
  });

  it('releases the slot when the call throws', async () => {
    const { llm, log } = setup([true], true);
    await expect(llm.complete(request)).rejects.toThrow('boom');
    expect(log).toEqual(['acquire:openai', 'call', 'release']);
  });

  it('gives up after its wait budget without calling the provider', async () => {
    const { llm, log } = setup([false, false, false, false, false]);
    await expect(llm.complete(request)).rejects.toBeInstanceOf(LimiterWaitExceededError);
    expect(log).not.toContain('call');
  });

  it('calls straight through for a model with no configured limit', async () => {
    const { llm, log } = setup([]);
    expect(await llm.complete({ ...request, model: resolveModel('claude-3.5-haiku')! })).toEqual(ok);
    expect(log).toEqual(['call']);
  });
});
