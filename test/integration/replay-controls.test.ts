// Cost and capacity controls through the local stack: dry-run estimates, budgets, provider limits, dead letters.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { LocalStack } from '../../local/stack.js';
import type { LlmGateway } from '../../shared/ports/index.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const POISON = 'poison-pill-for-the-worker';
let stack: LocalStack;
let client: SwitchyardClient;

beforeAll(async () => {
  stack = await startTestStack({
    visibilityTimeoutSeconds: 1,
    workerConcurrency: 6,
    simulator: { fixedLatencyMs: 40 },
    settings: {
      maxAttempts: 3,
      leaseMs: 2000,
      backoffBaseSeconds: 1,
      backoffMaxSeconds: 1,
      providerLimits: { openai: { maxConcurrency: 2 }, anthropic: { maxConcurrency: 3 } },
    },
    // A bug that throws for one prompt on every delivery: the message ends in the dead-letter queue.
    wrapLlm: (llm: LlmGateway): LlmGateway => ({
      async complete(request) {
        if (request.trace.purpose === 'replay' && request.messages.some((m) => m.content.includes(POISON))) throw new Error('worker bug');
        return llm.complete(request);
      },
    }),
  });
  client = await clientFor(stack, 'controls');
  const captures = Array.from({ length: 12 }, (_, i) => ({
    id: `ctl-${i}`,
    model: 'gpt-4o-mini',
    messages: [{ role: 'user' as const, content: `Write a haiku about queue number ${i}.` }],
    completion: 'Messages wait in line / a worker takes one and then / the queue is empty.',
    usage: { prompt_tokens: 14, completion_tokens: 22 },
    tags: { group: 'controls' },
  }));
  expect((await client.captureAll(captures)).stored).toBe(12);
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('replay controls', () => {
  it('estimates spend for a dry run without creating a run or calling a model', async () => {
    const before = { ...stack.simulator!.stats.calls };
    const res = await client.request('POST', '/v1/replays', {
      candidate_models: ['claude-3.5-sonnet', 'together-ai/private-model'],
      captures: { tags: { group: 'controls' } },
      dry_run: true,
    });
    expect(res.status).toBe(200);
    const estimate = res.body.estimate as {
      calls: number;
      total_usd: { low: number; expected: number; high: number };
      unpriced_models: string[];
      per_model: { model: string; priced: boolean }[];
    };
    expect(estimate.calls).toBe(36);
    expect(estimate.total_usd.low).toBeGreaterThan(0);
    expect(estimate.total_usd.low).toBeLessThanOrEqual(estimate.total_usd.expected);
    expect(estimate.total_usd.expected).toBeLessThanOrEqual(estimate.total_usd.high);
    expect(estimate.unpriced_models).toEqual(['together-ai/private-model']);
    expect(stack.simulator!.stats.calls).toEqual(before);
    expect(res.body.run_id).toBeUndefined();
  });

  it('never exceeds the configured concurrency per provider across concurrent workers', async () => {
    const res = await client.request('POST', '/v1/replays', {
      candidate_models: ['gpt-3.5-turbo', 'claude-3.5-haiku'],
      captures: { tags: { group: 'controls' } },
    });
    const run = await client.waitForReplay(String(res.body.run_id), { timeoutMs: 60_000 });
    expect(run.status).toBe('completed');
    expect(stack.simulator!.stats.maxInFlight.openai).toBeLessThanOrEqual(2);
    expect(stack.simulator!.stats.maxInFlight.anthropic).toBeLessThanOrEqual(3);
    // The limit was actually reached (6 workers, 24 openai calls), so the check above could have failed.
    expect(stack.simulator!.stats.maxInFlight.openai).toBe(2);
    // Judge calls (gpt-4o, an OpenAI model) count against the same provider limit as the fan-out.
    expect(stack.simulator!.stats.judgeCalls).toBeGreaterThan(10);
    expect(stack.simulator!.stats.maxInFlight['judge:openai']).toBeLessThanOrEqual(2);
  }, 90_000);

  it('stops at the budget: the rest is stored as skipped and the run ends partial', async () => {
    const res = await client.request('POST', '/v1/replays', {
      candidate_models: ['claude-3.5-sonnet'],
      captures: { tags: { group: 'controls' } },
      budget_usd: 0.02,
      max_tokens: 400,
    });
    expect(res.status).toBe(202);
    const run = await client.waitForReplay(String(res.body.run_id), { timeoutMs: 60_000 });
    expect(run.status).toBe('partial');
    const progress = run.progress as { expected: number; stored: number; skipped: number };
    expect(progress.stored).toBe(24);
    expect(progress.skipped).toBeGreaterThan(0);
    expect(progress.skipped).toBeLessThan(24);
    expect(Number(run.spend_usd)).toBeLessThanOrEqual(0.02);
    expect((run.reasons as string[]).some((r) => r.startsWith('budget:'))).toBe(true);
  }, 90_000);

  it('counts dead-lettered work and still aggregates what was stored', async () => {
    await client.captureAll([
      { id: 'poison', model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Summarise ${POISON}` }], completion: 'x', tags: { group: 'poison' } },
    ]);
    await client.captureAll([
      { id: 'fine', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Summarise the news' }], completion: 'x', tags: { group: 'poison' } },
    ]);
    const res = await client.request('POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'], captures: { tags: { group: 'poison' } } });
    const run = await client.waitForReplay(String(res.body.run_id), { timeoutMs: 90_000 });
    expect(run.status).toBe('partial');
    expect(run.progress).toMatchObject({ expected: 4, stored: 4, dead_lettered: 2 });
    expect((run.reasons as string[]).some((r) => r.startsWith('dead-lettered: 2'))).toBe(true);
    const metrics = run.metrics as { model: string; ok: number; error_kinds: Record<string, number> }[];
    for (const m of metrics) expect(m).toMatchObject({ ok: 1, error_kinds: { dead_lettered: 1 } });
  }, 100_000);

  it("starts a replay from the schedule rule's input, skips a tenant with nothing captured, and rejects a broken input", async () => {
    const started = await stack.runScheduledReplay({
      tenant_id: 'controls',
      replay: { candidate_models: ['gpt-3.5-turbo'], captures: { tags: { group: 'controls' } } },
    });
    expect(started).toMatchObject({ run_id: expect.any(String) });
    const run = await client.waitForReplay((started as { run_id: string }).run_id, { timeoutMs: 60_000 });
    expect(run.status, JSON.stringify({ reasons: run.reasons, progress: run.progress })).toBe('completed');
    expect(run.progress).toMatchObject({ expected: 24, stored: 24 });
    expect(await stack.runScheduledReplay({ tenant_id: 'nobody-here', replay: { candidate_models: ['gpt-3.5-turbo'] } })).toMatchObject({
      skipped: expect.any(String),
    });
    await expect(stack.runScheduledReplay({ tenant_id: '', replay: {} })).rejects.toThrow(/scheduled replay input/);
  }, 90_000);
});
