// POST /v1/captures and authentication, over HTTP against the local stack (real dynalite behind the handlers).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import type { LocalStack } from '../../local/stack.js';
import { MAX_COMPRESSED_CAPTURE_BYTES } from '../../shared/domain/capture.js';
import { seededRandom } from '../../shared/domain/random.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let acme: SwitchyardClient;
let globex: SwitchyardClient;

const capture = (over: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is the capital of Portugal?' }],
  completion: 'Lisbon.',
  usage: { prompt_tokens: 12, completion_tokens: 2 },
  tags: { use_case: 'qa' },
  ...over,
});

beforeAll(async () => {
  stack = await startTestStack();
  acme = await clientFor(stack, 'acme');
  globex = await clientFor(stack, 'globex');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('authentication', () => {
  it.each([
    ['no header', undefined],
    ['a malformed header', 'Basic abc'],
    ['an unknown token', 'Bearer sy_thisTokenWasNeverIssuedToAnyone'],
  ])('answers 401 for %s', async (_, header) => {
    const res = await fetch(`${stack.apiUrl}/v1/captures`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(header ? { authorization: header } : {}) },
      body: JSON.stringify(capture()),
    });
    expect(res.status).toBe(401);
  });

  it('stores tokens only as hashes', async () => {
    const token = await stack.createToken('initech');
    const { hashToken } = await import('../../shared/use-cases/tokens.js');
    const [, id = '', secret = ''] = /^sy_(tok_[a-z0-9]{20})_(.+)$/.exec(token) ?? [];
    const record = await stack.deps.tokens.get(id);
    expect(record?.tenantId).toBe('initech');
    expect(record?.secretHash).toBe(hashToken(secret));
    expect(JSON.stringify(record)).not.toContain(secret);
  });
});

describe('POST /v1/captures', () => {
  it('stores one capture and answers 201 with its id', async () => {
    const res = await acme.request('POST', '/v1/captures', capture({ id: 'cap-1' }));
    expect(res).toEqual({ status: 201, body: { id: 'cap-1', status: 'stored' } });
    const stored = await stack.deps.captures.get('acme', 'cap-1');
    expect(stored?.messages).toEqual([{ role: 'user', content: 'What is the capital of Portugal?' }]);
    expect(stored?.usage).toEqual({ input_tokens: 12, output_tokens: 2 });
  });

  it('counts tokens with the tokenizer when a capture has no usage, flagged as an estimate', async () => {
    await acme.request('POST', '/v1/captures', capture({ id: 'no-usage', usage: undefined, completion: 'Lisbon is the capital of Portugal.' }));
    const stored = await stack.deps.captures.get('acme', 'no-usage');
    expect(stored?.usage?.estimated).toBe(true);
    expect(stored?.usage?.output_tokens).toBeGreaterThan(4);
    expect(stored?.usage?.input_tokens).toBeGreaterThan(7);
  });

  it('stores the same capture once: by client id, and by content when there is no id', async () => {
    expect((await acme.request('POST', '/v1/captures', capture({ id: 'cap-dup' }))).status).toBe(201);
    expect(await acme.request('POST', '/v1/captures', capture({ id: 'cap-dup' }))).toEqual({ status: 200, body: { id: 'cap-dup', status: 'duplicate' } });
    const first = await acme.request('POST', '/v1/captures', capture({ completion: 'Lisbon is the capital.' }));
    const second = await acme.request('POST', '/v1/captures', capture({ completion: 'Lisbon is the capital.' }));
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(second.body.id).toBe(first.body.id);
  });

  it.each([
    ['malformed JSON', '{"model": "gpt', 400, 'malformed_json', undefined],
    ['a missing body', '', 400, 'missing_body', undefined],
    ['empty messages', JSON.stringify(capture({ messages: [] })), 400, 'invalid_capture', 'messages'],
    ['an unknown role', JSON.stringify(capture({ messages: [{ role: 'wizard', content: 'hi' }] })), 400, 'invalid_capture', 'messages.0.role'],
    ['a wrong type', JSON.stringify(capture({ latency_ms: 'fast' })), 400, 'invalid_capture', 'latency_ms'],
    ['a bad timestamp', JSON.stringify(capture({ captured_at: 'yesterday' })), 400, 'invalid_capture', 'captured_at'],
  ])('rejects %s with a 4xx naming the problem', async (_, raw, status, error, field) => {
    const res = await acme.request('POST', '/v1/captures', undefined, raw);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    if (field) expect(res.body.field).toBe(field);
    expect(String(res.body.message).length).toBeGreaterThan(5);
  });

  it('refuses a capture too large to store after compression with 413 and the limit', async () => {
    // Random text does not compress: ~600 kB stays above the limit after gzip.
    const rand = seededRandom(5);
    const noise = Array.from({ length: 600_000 }, () => String.fromCharCode(33 + Math.floor(rand() * 90))).join('');
    const res = await acme.request('POST', '/v1/captures', capture({ id: 'huge', completion: noise }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'capture_too_large', limit: MAX_COMPRESSED_CAPTURE_BYTES });
    expect(await stack.deps.captures.get('acme', 'huge')).toBeNull();
  });

  it('answers a batch per item and never half-stores an invalid item', async () => {
    const res = await acme.request('POST', '/v1/captures', {
      captures: [capture({ id: 'b-1' }), capture({ id: 'b-2', messages: [] }), capture({ id: 'b-3' }), capture({ id: 'b-1' })],
    });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({ stored: 2, duplicates: 1, rejected: 1 });
    const results = res.body.results as { index: number; status: string; error?: { field: string } }[];
    expect(results.map((r) => r.status).sort()).toEqual(['duplicate', 'rejected', 'stored', 'stored']);
    expect(results.find((r) => r.index === 1)?.error?.field).toBe('captures[1].messages');
    expect(await stack.deps.captures.get('acme', 'b-2')).toBeNull();
  });

  it('refuses a batch over 100 items', async () => {
    const res = await acme.request('POST', '/v1/captures', { captures: Array.from({ length: 101 }, (_, i) => capture({ id: `x-${i}` })) });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ error: 'batch_too_large', limit: 100 });
    expect(await stack.deps.captures.get('acme', 'x-0')).toBeNull();
  });

  it("scopes captures to the caller's tenant", async () => {
    await acme.request('POST', '/v1/captures', capture({ id: 'shared-id', completion: 'acme answer' }));
    const other = await globex.request('POST', '/v1/captures', capture({ id: 'shared-id', completion: 'globex answer' }));
    expect(other.status).toBe(201);
    expect((await stack.deps.captures.get('acme', 'shared-id'))?.completion).toBe('acme answer');
    expect((await stack.deps.captures.get('globex', 'shared-id'))?.completion).toBe('globex answer');
  });
});

describe('replays and tenants', () => {
  it('validates a replay request and names the field', async () => {
    const res = await acme.request('POST', '/v1/replays', { candidate_models: [] });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('candidate_models');
    const unknown = await acme.request('POST', '/v1/replays', { candidate_models: ['no-such-model'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.field).toBe('candidate_models.0');
  });

  it('answers 422 when no capture matches', async () => {
    const res = await acme.request('POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'], captures: { tags: { use_case: 'nothing-here' } } });
    expect(res.status).toBe(422);
    expect(res.body.error).toBe('no_captures');
  });

  it("returns 404 for an unknown run and for another tenant's run", async () => {
    const started = await acme.request('POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'], captures: { tags: { use_case: 'qa' }, limit: 2 } });
    expect(started.status).toBe(202);
    const runId = String(started.body.run_id);
    expect((await acme.request('GET', `/v1/replays/${runId}`)).status).toBe(200);
    expect((await globex.request('GET', `/v1/replays/${runId}`)).status).toBe(404);
    expect((await acme.request('GET', '/v1/replays/run_00000000-0000-0000-0000-000000000000')).status).toBe(404);
    expect((await acme.request('GET', '/v1/replays/not-a-run-id')).status).toBe(404);
    await acme.waitForReplay(runId, { timeoutMs: 30_000 });
  });
});
