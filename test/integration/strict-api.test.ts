// Every route strict and total (issue 10): unknown fields and reserved dictionary keys are 400s naming the field,
// dates are bounded, path parameters are decoded safely, batches answer per item, a changed capture under a taken id
// is a 409; and a property test: generated bodies, queries and path parameters on every route never get a 5xx, and a
// 4xx never writes. Over HTTP against the local stack (real dynalite behind the handlers).
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import { LOCAL_TABLE, type LocalStack } from '../../local/stack.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
let acme: SwitchyardClient;
let tokens: Record<string, string>;
const FUZZ_TENANTS = ['fuzz-cap', 'fuzz-rep', 'fuzz-get'];

const capture = (over: Record<string, unknown> = {}) => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'What is the capital of Portugal?' }],
  completion: 'Lisbon.',
  tags: { use_case: 'qa' },
  ...over,
});

/**
 * The stored data of some tenants (captures, runs, and those runs' results), sorted: tokens, limiter counters and the
 * tenant's request-rate bucket (`T#<tenant>#RATE`, spent by every request, 4xx included) are not a request's writes, and other tenants' runs may still be writing in the background.
 */
async function tenantItems(tenants: readonly string[] = ['acme']): Promise<string[]> {
  const db = createDocumentClient({ region: 'us-east-1', endpoint: stack.dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const all: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await db.send(new ScanCommand({ TableName: LOCAL_TABLE, ExclusiveStartKey: start }));
    all.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const owned = (pk: string) => tenants.some((t) => pk.startsWith(`T#${t}#`)) && !pk.endsWith('#RATE');
  const runs = all
    .map((i) => /^T#[^#]+#RUN#([^#]+)$/.exec(String(i.pk)))
    .filter((m) => m && owned(m[0]))
    .map((m) => `RUN#${m?.[1]}#`);
  return all
    .filter((i) => owned(String(i.pk)) || runs.some((r) => String(i.pk).startsWith(r)))
    .map((i) => JSON.stringify(i))
    .sort();
}

const raw = (method: string, path: string, tenant: string, body?: string) =>
  fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${tokens[tenant]}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body,
  });

beforeAll(async () => {
  stack = await startTestStack();
  acme = await clientFor(stack, 'acme');
  tokens = {};
  for (const t of ['acme', ...FUZZ_TENANTS]) tokens[t] = await stack.createToken(t, 'test');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('dictionaries: reserved keys are 400 reserved_key, never a 500 or a silent drop', () => {
  it.each([
    ['tags', { tags: { constructor: 'x' } }, 'tags.constructor'],
    ['metadata', { metadata: { constructor: 'x' } }, 'metadata.constructor'],
    ['tags (prototype)', { tags: { prototype: 'x' } }, 'tags.prototype'],
  ])('%s', async (_, over, field) => {
    const res = await acme.request('POST', '/v1/captures', capture({ id: `rk-${field}`, ...over }));
    expect(res).toMatchObject({ status: 400, body: { error: 'reserved_key', field } });
    expect(await stack.deps.captures.get('acme', `rk-${field}`)).toBeNull();
  });

  it('a `__proto__` tag is refused, not dropped', async () => {
    const body = JSON.stringify(capture({ id: 'rk-proto' })).replace('"tags":{', '"tags":{"__proto__":"x",');
    const res = await raw('POST', '/v1/captures', 'acme', body);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'reserved_key', field: 'tags.__proto__' });
    expect(await stack.deps.captures.get('acme', 'rk-proto')).toBeNull();
  });

  it('a batch with one such item answers per item: the others stored, that one rejected (no 500 after a write)', async () => {
    const res = await acme.request('POST', '/v1/captures', { captures: [capture({ id: 'rk-b1' }), capture({ id: 'rk-b2', tags: { constructor: 'x' } })] });
    expect(res.status).toBe(207);
    expect(res.body).toMatchObject({
      stored: 1,
      rejected: 1,
      results: [
        { index: 0, status: 'stored', id: 'rk-b1' },
        { index: 1, status: 'rejected', error: { error: 'reserved_key', field: 'captures[1].tags.constructor' } },
      ],
    });
    expect(await stack.deps.captures.get('acme', 'rk-b1')).not.toBeNull();
  });

  it('a tag filter on a reserved key is a 400', async () => {
    expect(await acme.request('GET', '/v1/captures?tag.constructor=x')).toMatchObject({ status: 400, body: { error: 'reserved_key' } });
  });
});

describe('path parameters are decoded by the handler', () => {
  it.each(['/v1/replays/%ZZ', '/v1/replays/%', '/v1/replays/%E0%A4%A/results', '/v1/captures/%', '/v1/users/%ZZ/history', '/v1/replays/%/report'])(
    '%s → 400 invalid_path',
    async (path) => {
      const res = await raw('GET', path, 'acme');
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: 'invalid_path' });
    },
  );

  it('a well-encoded id is decoded once', async () => {
    await acme.request('POST', '/v1/captures', capture({ id: 'with:colon' }));
    expect(await acme.request('GET', '/v1/captures/with%3Acolon')).toMatchObject({ status: 200, body: { id: 'with:colon' } });
  });
});

describe('POST /v1/replays refuses unknown fields, naming them', () => {
  it.each([
    [{ dryrun: true }, 'dryrun'],
    [{ budget: 1 }, 'budget'],
    [{ captures: { tag: { use_case: 'qa' } } }, 'captures.tag'],
    [{ guardrails: { input_guardrails: [{ 'default.regexMatch': { rule: 'x' }, deny: true }], outputs: [] } }, 'guardrails.outputs'],
  ])('%j', async (over, field) => {
    const before = await tenantItems();
    const res = await acme.request('POST', '/v1/replays', { candidate_models: ['gpt-4o-mini'], ...over });
    expect(res).toMatchObject({ status: 400, body: { error: 'unknown_field', field } });
    expect(await tenantItems()).toEqual(before);
  });
});

describe('dates are bounded', () => {
  it.each(['9999-01-01T00:00:00Z', '1970-01-01T00:00:00Z'])('captures.from %s is a 400, not a 500', async (from) => {
    const res = await acme.request('POST', '/v1/replays', { candidate_models: ['gpt-4o-mini'], dry_run: true, captures: { from } });
    expect(res).toMatchObject({ status: 400, body: { field: 'captures.from' } });
  });

  it('a capture from year 9999, or two days ahead, is refused; an hour ahead (clock skew) is stored', async () => {
    expect(await acme.request('POST', '/v1/captures', capture({ id: 'y9999', captured_at: '9999-01-01T00:00:00Z' }))).toMatchObject({
      status: 400,
      body: { field: 'captured_at' },
    });
    const ahead = (ms: number) => new Date(Date.now() + ms).toISOString();
    expect(await acme.request('POST', '/v1/captures', capture({ id: 'ahead-2d', captured_at: ahead(2 * 86_400_000) }))).toMatchObject({ status: 400 });
    expect(await acme.request('POST', '/v1/captures', capture({ id: 'ahead-1h', captured_at: ahead(3_600_000) }))).toMatchObject({ status: 201 });
    expect(await stack.deps.captures.get('acme', 'y9999')).toBeNull();
    expect(await stack.deps.captures.get('acme', 'ahead-2d')).toBeNull();
  });
});

describe('the same capture id with different content', () => {
  it('answers 409 with the stored content hash and keeps the stored capture; the same content stays a duplicate', async () => {
    const first = await acme.request('POST', '/v1/captures', capture({ id: 'same-id' }));
    expect(first.status).toBe(201);
    expect(await acme.request('POST', '/v1/captures', capture({ id: 'same-id' }))).toEqual({ status: 200, body: { id: 'same-id', status: 'duplicate' } });
    const changed = await acme.request('POST', '/v1/captures', capture({ id: 'same-id', completion: 'Porto.' }));
    expect(changed).toMatchObject({ status: 409, body: { error: 'conflict', id: 'same-id' } });
    const stored = await stack.deps.captures.get('acme', 'same-id');
    expect(stored?.completion).toBe('Lisbon.');
    expect((changed.body as { stored_hash: string }).stored_hash).toBe(stored?.content_hash);
  });

  it('in a batch, that item is a conflict and the others are stored', async () => {
    const res = await acme.request('POST', '/v1/captures', { captures: [capture({ id: 'same-id', completion: 'Faro.' }), capture({ id: 'new-id' })] });
    expect(res).toMatchObject({
      status: 207,
      body: {
        stored: 1,
        conflicts: 1,
        results: [
          { index: 0, status: 'conflict', id: 'same-id' },
          { index: 1, status: 'stored', id: 'new-id' },
        ],
      },
    });
  });
});

describe('GET /v1/openapi.json', () => {
  type Doc = { paths: Record<string, Record<string, unknown>>; components: Record<string, unknown> };

  it('is served to authenticated callers only', async () => {
    expect((await fetch(`${stack.apiUrl}/v1/openapi.json`)).status).toBe(401);
    expect(await acme.request('GET', '/v1/openapi.json')).toMatchObject({ status: 200, body: { openapi: '3.1.0' } });
  });

  it('names only routes the local API serves, and describes what they answer', async () => {
    const doc = (await acme.request('GET', '/v1/openapi.json')).body as Doc;
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const method of Object.keys(ops)) {
        const res = await raw(method.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x'), 'acme', method === 'post' ? '{}' : undefined);
        // The router's own 404 has no `error` code; a handler's 404 (unknown id) does.
        const body = (await res.json().catch(() => ({}))) as { error?: string };
        expect(res.status === 404 && body.error === undefined, `${method} ${path}`).toBe(false);
      }
    }
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv);
    ajv.addSchema({ $id: 'api', components: doc.components });
    const valid = (name: string, value: unknown) => ajv.getSchema(`api#/components/schemas/${name}`)?.(value);
    const batch = await acme.request('POST', '/v1/captures', { captures: [capture({ id: 'doc-1' }), capture({ id: 'doc-2', typo: 1 })] });
    expect(valid('CaptureBatchAnswer', batch.body)).toBe(true);
    const conflict = await acme.request('POST', '/v1/captures', capture({ id: 'doc-1', completion: 'other' }));
    expect(valid('CaptureConflict', conflict.body)).toBe(true);
    expect(valid('Problem', (await acme.request('POST', '/v1/replays', { typo: 1 })).body)).toBe(true);
    expect(valid('StoredCapture', (await acme.request('GET', '/v1/captures/doc-1')).body)).toBe(true);
  });
});

describe('property: every route is total', () => {
  const key = fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype', 'dryrun', 'tag', 'id', 'captures'));
  const value = fc.jsonValue({ maxDepth: 2 });
  /** A valid body bent one way: a field added (maybe reserved), replaced with any JSON, or removed; or any JSON. */
  const bent = (base: Record<string, unknown>) =>
    fc.oneof(
      fc.tuple(key, value).map(([k, v]) => ({ ...base, [k]: v })),
      fc.tuple(fc.constantFrom(...Object.keys(base)), value).map(([k, v]) => ({ ...base, [k]: v })),
      fc.constantFrom(...Object.keys(base)).map((k) => Object.fromEntries(Object.entries(base).filter(([f]) => f !== k))),
      fc.tuple(fc.constantFrom(...Object.keys(base)), key, value).map(([k, inner, v]) => ({ ...base, [k]: { [inner]: v } })),
      value,
    );
  const body = (base: Record<string, unknown>) => bent(base).map((b) => JSON.stringify(b));
  // Path parameters as they may arrive: any text with `/ ? #` encoded, `%` left raw (malformed encodings included).
  const param = fc
    .oneof(fc.string({ maxLength: 20 }), fc.constantFrom('%', '%ZZ', '%E0%A4%A', '%2F..%2F', '%00', 'run_00000000-0000-0000-0000-000000000000'))
    .map((s) => s.replace(/[/?#\s\\]/g, (c) => encodeURIComponent(c)))
    .filter((s) => s.length > 0);
  const queryString = fc
    .dictionary(
      fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('limit', 'next', 'from', 'to', 'model', 'tag.constructor', 'tag.a')),
      fc.string({ maxLength: 30 }),
      { maxKeys: 3 },
    )
    .map((q) => {
      const s = new URLSearchParams(q).toString();
      return s ? `?${s}` : '';
    });
  type Request = { method: string; path: string; tenant: string; body?: string };
  const request: fc.Arbitrary<Request> = fc.oneof(
    body(capture({ id: 'fuzz-1' })).map((b) => ({ method: 'POST', path: '/v1/captures', tenant: 'fuzz-cap', body: b })),
    fc
      .array(bent(capture()), { minLength: 1, maxLength: 3 })
      .map((items) => ({ method: 'POST', path: '/v1/captures', tenant: 'fuzz-cap', body: JSON.stringify({ captures: items }) })),
    // This tenant has no captures, so a body bent into a valid non-dry request ends 422: no run starts.
    body({ candidate_models: ['gpt-4o-mini'], dry_run: true, captures: { tags: { a: 'b' } }, budget_usd: 1 }).map((b) => ({
      method: 'POST',
      path: '/v1/replays',
      tenant: 'fuzz-rep',
      body: b,
    })),
    // Always one unknown field or broken shape: a valid analysis would call every model.
    fc
      .tuple(
        key.filter((k) => !['prompt', 'user_id'].includes(k)),
        value,
      )
      .map(([k, v]) => ({
        method: 'POST',
        path: '/v1/analyze',
        tenant: 'fuzz-rep',
        body: JSON.stringify({ prompt: 'hi', user_id: 'u', [k === 'models' ? 'modelz' : k]: v }),
      })),
    fc.tuple(param, queryString).map(([p, q]) => ({ method: 'GET', path: `/v1/replays/${p}${q}`, tenant: 'fuzz-get' })),
    fc.tuple(param, queryString).map(([p, q]) => ({ method: 'GET', path: `/v1/replays/${p}/results${q}`, tenant: 'fuzz-get' })),
    param.map((p) => ({ method: 'GET', path: `/v1/replays/${p}/report`, tenant: 'fuzz-get' })),
    fc.tuple(param, queryString).map(([p, q]) => ({ method: 'GET', path: `/v1/captures/${p}${q}`, tenant: 'fuzz-get' })),
    fc.tuple(param, queryString).map(([p, q]) => ({ method: 'GET', path: `/v1/users/${p}/history${q}`, tenant: 'fuzz-get' })),
    queryString.map((q) => ({ method: 'GET', path: `/v1/captures${q}`, tenant: 'fuzz-get' })),
    queryString.map((q) => ({ method: 'GET', path: `/v1/replays${q}`, tenant: 'fuzz-get' })),
  );

  it('never answers 5xx, and a 4xx (429 included) writes nothing', async () => {
    // The snapshot after each request is the next one's before: one table scan per request.
    let current = await tenantItems(FUZZ_TENANTS);
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const res = await raw(r.method, r.path, r.tenant, r.body);
        await res.arrayBuffer();
        const what = `${r.method} ${r.path} ${r.body ?? ''}`;
        expect(res.status, what).toBeLessThan(500);
        const after = await tenantItems(FUZZ_TENANTS);
        if (res.status >= 400) expect(after, what).toEqual(current);
        current = after;
      }),
      { numRuns: 120, seed: Number(process.env.FC_SEED ?? Date.now() % 2 ** 31) },
    );
  }, 120_000);
});
