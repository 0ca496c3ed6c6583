// Record a run's exchanges, then serve them again without any provider call.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCassette, recordingLlm, replayingLlm } from '../../../shared/adapters/cassette.js';
import { resolveModel } from '../../../shared/config/models.js';
import type { LlmRequest } from '../../../shared/domain/llm.js';
import type { LlmGateway } from '../../../shared/ports/index.js';

const request = (content: string, model = 'gpt-4o-mini'): LlmRequest => ({
  model: resolveModel(model)!,
  messages: [{ role: 'user', content }],
  maxTokens: 100,
  trace: { runId: 'r', captureId: content, purpose: 'replay' },
  timeoutMs: 1000,
});

describe('cassettes', () => {
  it('replays recorded outcomes exactly and never calls the provider', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cassette-')), 'run.jsonl');
    let calls = 0;
    const provider: LlmGateway = {
      async complete(r) {
        calls++;
        if (r.messages[0]!.content === 'blocked')
          return {
            ok: false,
            kind: 'guardrail_blocked',
            retryable: false,
            status: 446,
            retryAfterSeconds: null,
            latencyMs: 3,
            guardrailChecks: ['default.regexMatch'],
          };
        if (r.messages[0]!.content === 'flaky')
          return { ok: false, kind: 'rate_limited', retryable: true, status: 429, retryAfterSeconds: 1, latencyMs: 2, guardrailChecks: [] };
        return {
          ok: true,
          text: `answer to ${r.messages[0]!.content}`,
          finishReason: 'stop',
          refusalField: null,
          stopReason: null,
          usage: { input_tokens: 5, output_tokens: 7 },
          latencyMs: 12,
          gatewayLatencyMs: null,
        };
      },
    };
    const recorder = recordingLlm(provider, file);
    const live = await Promise.all(['a', 'b', 'blocked', 'flaky'].map((c) => recorder.complete(request(c))));
    expect(calls).toBe(4);

    const replay = replayingLlm(loadCassette(file));
    const served = await Promise.all(['a', 'b', 'blocked'].map((c) => replay.complete(request(c))));
    expect(served).toEqual(live.slice(0, 3));
    expect(calls).toBe(4);
    // Retryable failures are not recorded, and an exchange that differs in anything but its trace is a miss.
    expect((await replay.complete(request('flaky'))).ok).toBe(false);
    expect((await replay.complete(request('a', 'gpt-3.5-turbo'))).ok).toBe(false);
    expect(replay.misses).toBe(2);
  });
});
