// Browsing over HTTP through the local stack: captures by user, model, tag and time with cursor pages; one capture
// whole (metadata and user kept); a user's history with every replay answer; runs; one run's answers side by side.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { LocalStack } from '../../local/stack.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let acme: SwitchyardClient;
let other: SwitchyardClient;
let runId: string;

const capture = (i: number, user: string, useCase: string, model = 'gpt-4o-mini') => ({
  id: `b-${i}`,
  model,
  user,
  messages: [{ role: 'user' as const, content: `Question ${i}: how do I reset a password for account ${i}?` }],
  completion: `Answer ${i}.`,
  tags: { use_case: useCase },
  metadata: { plan: i % 2 ? 'pro' : 'free', seats: i, beta: i === 3 },
  captured_at: new Date(Date.UTC(2026, 10, 1, 0, i)).toISOString(),
});

beforeAll(async () => {
  stack = await startTestStack();
  acme = await clientFor(stack, 'acme');
  other = await clientFor(stack, 'other');
  const captures = [0, 1, 2, 3, 4, 5].map((i) => capture(i, i < 4 ? 'alice' : 'bob', i % 2 ? 'support' : 'billing', i === 5 ? 'gpt-3.5-turbo' : 'gpt-4o-mini'));
  expect(await acme.captureAll(captures)).toMatchObject({ stored: 6 });
  const replay = await acme.request('POST', '/v1/replays', { baseline_model: 'gpt-4o-mini', candidate_models: ['claude-3.5-haiku'], judge_model: 'gpt-4o' });
  expect(replay.status).toBe(202);
  runId = String(replay.body.run_id);
  expect((await acme.waitForReplay(runId, { timeoutMs: 60_000 })).status).toBe('completed');
}, 90_000);

afterAll(async () => {
  await stack?.stop();
});

const ids = (body: Record<string, unknown>) => (body.items as { id: string }[]).map((i) => i.id);

describe('GET /v1/captures', () => {
  it('lists newest first and pages with a cursor, without repeats or gaps', async () => {
    const first = await acme.request('GET', '/v1/captures?limit=4');
    expect(first.status).toBe(200);
    expect(ids(first.body)).toEqual(['b-5', 'b-4', 'b-3', 'b-2']);
    const second = await acme.request('GET', `/v1/captures?limit=4&next=${first.body.next}`);
    expect(ids(second.body)).toEqual(['b-1', 'b-0']);
    expect(second.body.next).toBeNull();
  });

  it('filters by user (its own index), model, tag and time', async () => {
    const alice = await acme.request('GET', '/v1/captures?user=alice&limit=2');
    expect(ids(alice.body)).toEqual(['b-3', 'b-2']);
    expect((alice.body.items as { user: string }[]).every((i) => i.user === 'alice')).toBe(true);
    expect(ids((await acme.request('GET', `/v1/captures?user=alice&limit=2&next=${alice.body.next}`)).body)).toEqual(['b-1', 'b-0']);
    expect(ids((await acme.request('GET', '/v1/captures?model=gpt-3.5-turbo')).body)).toEqual(['b-5']);
    expect(ids((await acme.request('GET', '/v1/captures?tag.use_case=support&user=alice')).body)).toEqual(['b-3', 'b-1']);
    const window = await acme.request(
      'GET',
      `/v1/captures?from=${encodeURIComponent('2026-11-01T00:02:00Z')}&to=${encodeURIComponent('2026-11-01T00:03:00Z')}`,
    );
    expect(ids(window.body)).toEqual(['b-3', 'b-2']);
  });

  it('answers 400, not 500, to malformed percent-encoding in a path', async () => {
    expect((await acme.request('GET', '/v1/users/%ZZ/history')).status).toBe(400);
    expect((await acme.request('GET', '/v1/captures/%')).status).toBe(400);
  });

  it('keeps tenants apart', async () => {
    expect(ids((await other.request('GET', '/v1/captures')).body)).toEqual([]);
    expect((await other.request('GET', '/v1/captures/b-1')).status).toBe(404);
  });

  it.each([
    ['limit=0', 'limit'],
    ['limit=abc', 'limit'],
    ['from=yesterday', 'from'],
    ['next=not-a-cursor', 'next'],
    ['sort=asc', 'sort'],
    ['tag.=x', 'tag.'],
    [`from=${encodeURIComponent('2026-11-02T00:00:00Z')}&to=${encodeURIComponent('2026-11-01T00:00:00Z')}`, 'from'],
    [`next=${Buffer.from(JSON.stringify({ captured_at: 'x', id: 'b-1' })).toString('base64url')}`, 'next'],
  ])('answers 400 naming the parameter for %s', async (query, field) => {
    const answer = await acme.request('GET', `/v1/captures?${query}`);
    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toContain(field);
  });

  it('answers an empty page, not an error, when a cursor lies before the window', async () => {
    const cursor = Buffer.from(JSON.stringify({ captured_at: '2026-10-01T00:00:00.000Z', id: 'b-0' })).toString('base64url');
    const answer = await acme.request('GET', `/v1/captures?from=${encodeURIComponent('2026-11-01T00:00:00Z')}&next=${cursor}`);
    expect(answer.status).toBe(200);
    expect(answer.body.items).toEqual([]);
  });

  it('pages through captures that share one timestamp without skipping any', async () => {
    const same = '2026-10-15T00:00:00.000Z';
    const ids = ['t-B', 't-a', 't-D', 't-c', 't_e', 't-1'];
    expect(await acme.captureAll(ids.map((id, i) => ({ ...capture(100 + i, 'carol', 'ties'), id, captured_at: same })))).toMatchObject({ stored: ids.length });
    for (const filter of ['tag.use_case=ties', 'user=carol']) {
      const seen: string[] = [];
      let next: unknown = null;
      do {
        const page = await acme.request('GET', `/v1/captures?${filter}&limit=1${next ? `&next=${next}` : ''}`);
        seen.push(...(page.body.items as { id: string }[]).map((i) => i.id));
        next = page.body.next;
      } while (next);
      expect([...seen].sort()).toEqual([...ids].sort());
    }
  });
});

describe('GET /v1/captures/{id} and a user history', () => {
  it('returns the capture whole, metadata and user included', async () => {
    const got = await acme.request('GET', '/v1/captures/b-3');
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({
      id: 'b-3',
      user: 'alice',
      metadata: { plan: 'pro', seats: 3, beta: true },
      completion: 'Answer 3.',
      tags: { use_case: 'support' },
    });
    expect((got.body.messages as { content: string }[])[0]?.content).toContain('account 3');
  });

  it('keeps a message sent as text parts as parts, beside the joined text models are sent', async () => {
    const parts = [
      { type: 'text' as const, text: 'First part.' },
      { type: 'text' as const, text: 'Second part.' },
    ];
    const stored = await acme.request('POST', '/v1/captures', {
      id: 'parts-1',
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: parts }],
      completion: 'ok',
    });
    expect(stored.status).toBe(201);
    const got = await acme.request('GET', '/v1/captures/parts-1');
    expect((got.body.messages as unknown[])[0]).toEqual({ role: 'user', content: 'First part.\nSecond part.', parts });
  });

  it("lists a user's prompts and answers with every replay answer they got", async () => {
    const history = await acme.request('GET', '/v1/users/bob/history');
    expect(history.status).toBe(200);
    const items = history.body.items as { id: string; completion: string; replays: { run_id: string; model: string; answer: string }[] }[];
    expect(items.map((i) => i.id)).toEqual(['b-5', 'b-4']);
    const replays = items.find((i) => i.id === 'b-4')!.replays;
    expect(replays.map((r) => r.model).sort()).toEqual(['claude-3.5-haiku', 'gpt-4o-mini']);
    expect(replays.every((r) => r.run_id === runId && r.answer.length > 0)).toBe(true);
    expect((await acme.request('GET', '/v1/users/nobody/history')).body.items).toEqual([]);
  });
});

describe('runs and their answers', () => {
  it('lists runs with status, models, headline and spend', async () => {
    const runs = await acme.request('GET', '/v1/replays');
    expect(runs.status).toBe(200);
    const [run] = runs.body.items as { run_id: string; status: string; models: string[]; headline: string; spend_usd: number }[];
    expect(run).toMatchObject({ run_id: runId, status: 'completed' });
    expect(run!.headline).toMatch(/^(Switching from|Stay on) gpt-4o-mini/);
    expect(run!.spend_usd).toBeGreaterThan(0);
    expect((await other.request('GET', '/v1/replays')).body.items).toEqual([]);
  });

  it("shows every model's answer to one capture beside the baseline's", async () => {
    const side = await acme.request('GET', `/v1/replays/${runId}/results?capture=b-2`);
    expect(side.status).toBe(200);
    expect((side.body.baseline as { model: string }).model).toBe('gpt-4o-mini');
    expect((side.body.answers as { model: string }[]).map((a) => a.model)).toEqual(['claude-3.5-haiku']);
    expect((side.body.prompt as { content: string }[])[0]?.content).toContain('account 2');
  });

  it("pages one model's answers with scores and refusal verdicts, and filters by verdict", async () => {
    const page = await acme.request('GET', `/v1/replays/${runId}/results?model=claude-3.5-haiku&limit=4`);
    expect(page.status).toBe(200);
    const items = page.body.items as { capture_id: string; quality: number | null; refusal: string; cost_usd: number; judge: { rationale?: string } | null }[];
    expect(items).toHaveLength(4);
    // Every judged answer comes with the judge's scores and its one-sentence rationale.
    for (const i of items.filter((x) => x.quality !== null)) expect(i.judge?.rationale).toMatch(/^Simulated judge: /);
    expect(items.every((i) => i.refusal === 'none' || i.refusal === 'full' || i.refusal === 'partial')).toBe(true);
    const rest = await acme.request('GET', `/v1/replays/${runId}/results?model=claude-3.5-haiku&limit=4&next=${page.body.next}`);
    expect((rest.body.items as unknown[]).length).toBe(2);
    const all = (await acme.request('GET', `/v1/replays/${runId}/results?model=claude-3.5-haiku&limit=100`)).body.items as { refusal: string }[];
    for (const verdict of ['none', 'full']) {
      const only = (await acme.request('GET', `/v1/replays/${runId}/results?model=claude-3.5-haiku&refusal=${verdict}&limit=100`)).body.items as {
        refusal: string;
      }[];
      // Exactly the answers with that verdict: a filter that did nothing would return all six.
      expect(only.length).toBe(all.filter((i) => i.refusal === verdict).length);
      expect(only.every((i) => i.refusal === verdict)).toBe(true);
    }
  });

  it.each([
    ['model=gpt-4', 'model'],
    ['refusal=maybe', 'refusal'],
    ['next=eyJwayI6IlgifQ', 'next'],
    ['colour=red', 'colour'],
  ])('answers 400 for %s', async (query, field) => {
    const answer = await acme.request('GET', `/v1/replays/${runId}/results?${query}`);
    expect(answer.status).toBe(400);
    expect(String(answer.body.message)).toContain(field);
  });

  it("keeps a user's history to its tenant", async () => {
    expect((await other.request('GET', '/v1/users/alice/history')).body.items).toEqual([]);
  });

  it("answers 404 for another tenant's run", async () => {
    expect((await other.request('GET', `/v1/replays/${runId}/results?capture=b-2`)).status).toBe(404);
  });
});
