// POST /v1/analyze through the local stack: one prompt, every model's answer side by side through the replay path,
// judged, with a record that says one prompt supports no switch; the prompt joins the user's history.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeAnalyzeHandler } from '../../functions/analyze-api/handler.js';
import type { SwitchyardClient } from '../../local/client.js';
import type { LocalStack } from '../../local/stack.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let client: SwitchyardClient;
const MODELS = ['gpt-4o-mini', 'claude-3.5-haiku', 'llama-3.3-70b'];

beforeAll(async () => {
  stack = await startTestStack();
  client = await clientFor(stack, 'analyze');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('POST /v1/analyze', () => {
  it("answers with every model's answer, cost, quality and refusal verdict, and a record that declines to decide on one prompt", async () => {
    const answer = await client.request('POST', '/v1/analyze', {
      prompt: 'Explain what an idempotency key is, in two sentences.',
      user_id: 'u-42',
      models: MODELS,
    });
    expect(answer.status).toBe(200);
    const results = answer.body.results as { model: string; answer: string; cost_usd: number; quality: number | null; refusal: string; error: string | null }[];
    expect(results.map((r) => r.model)).toEqual(MODELS);
    for (const r of results) {
      expect(r.error).toBeNull();
      expect(r.answer.length).toBeGreaterThan(0);
      expect(r.cost_usd).toBeGreaterThan(0);
      expect(typeof r.quality).toBe('number');
      expect(['none', 'full', 'partial']).toContain(r.refusal);
    }
    const record = answer.body.recommendation as { baseline_model: string; recommended_model: string | null; reasoning: string; sample_size: number };
    expect(record.baseline_model).toBe('gpt-4o-mini');
    expect(record.recommended_model).toBeNull();
    expect(record.reasoning).toContain('sample size 1, no interval');

    const history = await client.request('GET', '/v1/users/u-42/history');
    const [item] = history.body.items as { id: string; messages: { content: string }[]; replays: { model: string }[] }[];
    expect(item!.id).toBe(answer.body.capture_id);
    expect(item!.messages[0]!.content).toContain('idempotency key');
    expect(item!.replays.map((r) => r.model).sort()).toEqual([...MODELS].sort());
  }, 60_000);

  it('answers 413 for a conversation too large to store, and stores nothing', async () => {
    const content = randomBytes(450_000).toString('base64');
    const answer = await client.request('POST', '/v1/analyze', { user_id: 'u-big', messages: [{ role: 'user', content }], models: MODELS.slice(0, 2) });
    expect(answer.status).toBe(413);
    expect(answer.body).toMatchObject({ error: 'capture_too_large', field: 'messages', limit: 350_000 });
    expect((await client.request('GET', '/v1/users/u-big/history')).body.items).toEqual([]);
  });

  it('leaves analyzed prompts out of replays of production traffic unless asked for', async () => {
    const replay = await client.request('POST', '/v1/replays', { baseline_model: 'gpt-4o-mini', candidate_models: ['claude-3.5-haiku'], dry_run: true });
    expect(replay.status).toBe(422);
    const asked = await client.request('POST', '/v1/replays', {
      baseline_model: 'gpt-4o-mini',
      candidate_models: ['claude-3.5-haiku'],
      captures: { tags: { source: 'analyze' } },
      dry_run: true,
    });
    expect(asked.status).toBe(200);
  });

  it('answers 202 with the run to poll when the run outlasts the wait', async () => {
    const handler = makeAnalyzeHandler(async () => stack.deps, { waitMs: 0 });
    const result = await handler({
      body: JSON.stringify({ prompt: 'Name three prime numbers.', user_id: 'u-43', models: MODELS.slice(0, 2) }),
      isBase64Encoded: false,
      requestContext: { authorizer: { lambda: { tenantId: 'analyze' } } },
    } as never);
    expect(result.statusCode).toBe(202);
    const body = JSON.parse(String(result.body));
    expect(body.poll).toBe(`/v1/replays/${body.run_id}`);
    expect((await client.waitForReplay(body.run_id, { timeoutMs: 60_000 })).status).toBe('completed');
  }, 90_000);

  it.each([
    [{ prompt: 'hi' }, 'user_id'],
    [{ user_id: 'u' }, 'prompt'],
    [{ user_id: 'u', prompt: 'hi', messages: [{ role: 'user', content: 'hi' }] }, 'prompt'],
    [{ user_id: 'u', prompt: 'hi', models: ['gpt-4o', 'no-such-model'] }, 'models.1'],
    [{ user_id: 'u', prompt: 'hi', models: ['gpt-4o'] }, 'models'],
    [{ user_id: 'u', prompt: 'hi', judge_model: 'nope' }, 'judge_model'],
    [{ user_id: 'u', prompt: 'hi', modles: ['gpt-4o'] }, 'modles'],
    [{ user_id: 'u', prompt: 'x'.repeat(10) + Array.from({ length: 120_000 }, (_, i) => ((i * 7919) % 104729).toString(36)).join(' ') }, 'prompt'],
    [{ user_id: 'u', prompt: '' }, 'prompt'],
  ])('answers 400 naming the field for %j, and stores nothing', async (body, field) => {
    const answer = await client.request('POST', '/v1/analyze', body);
    expect([400, 413]).toContain(answer.status);
    expect(`${answer.body.field} ${answer.body.message}`).toContain(field);
    expect((await client.request('GET', '/v1/users/u/history')).body.items).toEqual([]);
  });
});
