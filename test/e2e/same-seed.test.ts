// The same seed gives the same record, run after run: a small replay through the whole local stack, twice, each time
// with a different pattern of latency jitter and transient faults (provider 503s retried by the worker, judge
// outages retried by the state machine), so calls complete in a different order. Only ids, timestamps and timings
// may differ between the two records.
import { afterAll, describe, expect, it } from 'vitest';
import { sampleTraffic } from '../../local/sample-traffic.js';
import type { LocalStack } from '../../local/stack.js';
import { hashString } from '../../shared/domain/random.js';
import type { LlmGateway } from '../../shared/ports/index.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const CAPTURES = 60;
const CANDIDATES = ['gpt-4o-mini', 'claude-3.5-haiku', 'gpt-3.5-turbo'];
let stacks: LocalStack[] = [];

/** Delays every call by a jitter drawn from `salt` and the call, and fails a few judge calls once (retryable). */
function perturbed(salt: string, inner: LlmGateway): LlmGateway {
  const failedOnce = new Set<string>();
  return {
    async complete(request) {
      const key = `${request.trace.purpose}|${request.trace.captureId}|${request.model.id}|${JSON.stringify(request.messages).length}`;
      const h = hashString(`${salt}|${key}`);
      await new Promise((r) => setTimeout(r, h % 25));
      if (request.trace.purpose === 'judge' && h % 11 === 0 && !failedOnce.has(key) && failedOnce.size < 4) {
        failedOnce.add(key);
        return { ok: false, kind: 'server_error', retryable: true, status: 503, retryAfterSeconds: null, latencyMs: 1, guardrailChecks: [] };
      }
      return inner.complete(request);
    },
  };
}

/** The record and metrics without what may differ between runs: ids, timestamps, timings. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([k]) => !/(^|_)(id|at)$|latency|duration|seconds|deadline|generated|created|started|finished/.test(k))
      .map(([k, v]) => [k, stable(v)]),
  );
}

async function replayOnce(salt: string): Promise<{ record: unknown; metrics: unknown }> {
  const stack = await startTestStack({
    wrapLlm: (llm) => perturbed(salt, llm),
    // Several looks, so sequential judging's stopping points are exercised too.
    settings: { judgeLook: 10, backoffBaseSeconds: 1, backoffMaxSeconds: 2 },
  });
  stacks.push(stack);
  // Provider 503s on a share of calls: which calls fail depends on the order they arrive in.
  stack.simulator!.setFault('*', { mode: 'server_error', rate: 0.1 });
  const client = await clientFor(stack, 'acme');
  await client.captureAll(sampleTraffic({ count: CAPTURES, seed: 7, now: new Date('2026-11-01T00:00:00Z') }));
  const replay = await client.request('POST', '/v1/replays', { candidate_models: CANDIDATES, judge_model: 'gpt-4o', captures: { limit: CAPTURES } });
  expect(replay.status).toBe(202);
  const result = await client.waitForReplay(String(replay.body.run_id), { timeoutMs: Number.POSITIVE_INFINITY, idleTimeoutMs: 120_000 });
  expect(result.status).toBe('completed');
  await stack.stop();
  stacks = stacks.filter((s) => s !== stack);
  return { record: stable(result.recommendation), metrics: stable(result.metrics) };
}

afterAll(async () => {
  for (const s of stacks) await s.stop();
});

describe('the same seed, run after run', () => {
  it('gives the same recommendation record and metrics whatever the order calls complete in', async () => {
    const first = await replayOnce('first');
    const second = await replayOnce('second');
    expect(second.metrics).toEqual(first.metrics);
    expect(second.record).toEqual(first.record);
  }, 900_000);
});
