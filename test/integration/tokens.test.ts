// Token lifecycle over HTTP against the local stack: create → works; revoke → 401 once the authorizer cache's TTL
// has passed; expiry; capture scope; rotate; legacy tokens; the per-tenant rate limit (429 with Retry-After).
import { Writable } from 'node:stream';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION, LOCAL_TABLE } from '../../local/names.js';
import type { LocalStack } from '../../local/stack.js';
import { tokenCommand } from '../../local/tokens-command.js';
import { createDocumentClient } from '../../shared/adapters/dynamodb/client.js';
import { hashToken } from '../../shared/use-cases/tokens.js';
import { startTestStack } from '../helpers/stack.js';

let stack: LocalStack;
/** The stack's clock runs `offset` ms ahead of real time: expiry, the authorizer cache and the buckets follow it. */
let offset = 0;
const TTL_SECONDS = 60;

beforeAll(async () => {
  stack = await startTestStack({
    clock: { now: () => Date.now() + offset },
    authorizerCacheSeconds: TTL_SECONDS,
    // One request every 5 s after a burst of 4: slow enough that a loaded machine still sees the 429.
    settings: { tenantRateLimit: { ratePerSecond: 0.2, burst: 4 } },
  });
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

const capture = (id: string) => ({ id, model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello?' }], completion: 'Hi.' });

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as Record<string, unknown> };
}

/** Runs `switchyard token …` in process against the stack's DynamoDB. */
async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await tokenCommand([...args, '--endpoint', stack.dynamo.endpoint], {
    out: sink((s) => (out += s)),
    err: sink((s) => (err += s)),
    clock: { now: () => Date.now() + offset },
  });
  return { code, out, err };
}

describe('switchyard token', () => {
  it('creates a token that works, lists it, and revokes it: 401 once the cache TTL has passed', async () => {
    const created = await cli('create', '--tenant', 'tok-a', '--label', 'ci');
    expect(created.code).toBe(0);
    const token = created.out.trim();
    expect(token).toMatch(/^sy_tok_[a-z0-9]{20}_[A-Za-z0-9_-]{43}$/);
    expect((await call(token, 'POST', '/v1/captures', capture('a-1'))).status).toBe(201);

    const listed = await cli('list', '--tenant', 'tok-a', '--json');
    const [entry] = JSON.parse(listed.out) as { id: string; label: string; scope: string; status: string }[];
    expect(entry).toMatchObject({ label: 'ci', scope: 'full', status: 'active' });
    expect(listed.out).not.toContain(token.slice(-43));

    expect((await cli('revoke', '--tenant', 'tok-a', '--id', entry!.id)).code).toBe(0);
    // Within the TTL the cached decision stands, as API Gateway's does (the README says so).
    expect((await call(token, 'POST', '/v1/captures', capture('a-2'))).status).toBe(201);
    offset += (TTL_SECONDS + 1) * 1000;
    expect((await call(token, 'POST', '/v1/captures', capture('a-3'))).status).toBe(401);
    expect(JSON.parse((await cli('list', '--tenant', 'tok-a', '--json')).out)[0].status).toBe('revoked');
    expect((await cli('revoke', '--tenant', 'other', '--id', entry!.id)).code).toBe(1);
  });

  it('stops an expired token', async () => {
    const token = (await cli('create', '--tenant', 'tok-b', '--expires', '2h')).out.trim();
    expect((await call(token, 'GET', '/v1/captures')).status).toBe(200);
    offset += 2 * 3_600_000;
    expect((await call(token, 'GET', '/v1/captures')).status).toBe(401);
    expect(JSON.parse((await cli('list', '--tenant', 'tok-b', '--json')).out)[0].status).toBe('expired');
  });

  it('lets a capture-scoped token only send captures (403 elsewhere)', async () => {
    const token = (await cli('create', '--tenant', 'tok-c', '--scope', 'capture')).out.trim();
    expect((await call(token, 'POST', '/v1/captures', capture('c-1'))).status).toBe(201);
    expect((await call(token, 'GET', '/v1/captures')).status).toBe(403);
    expect((await call(token, 'POST', '/v1/replays', { candidate_models: ['gpt-3.5-turbo'] })).status).toBe(403);
  });

  it('rotates: the new token works, the old one stops', async () => {
    const old = (await cli('create', '--tenant', 'tok-d', '--scope', 'capture', '--label', 'ingest')).out.trim();
    const id = /^sy_(tok_[a-z0-9]{20})_/.exec(old)?.[1] as string;
    const rotated = await cli('rotate', '--tenant', 'tok-d', '--id', id);
    expect(rotated.code).toBe(0);
    const fresh = rotated.out.trim();
    expect(fresh).not.toBe(old);
    offset += (TTL_SECONDS + 1) * 1000;
    expect((await call(old, 'POST', '/v1/captures', capture('d-1'))).status).toBe(401);
    expect((await call(fresh, 'POST', '/v1/captures', capture('d-2'))).status).toBe(201);
    expect((await call(fresh, 'GET', '/v1/captures')).status).toBe(403);
  });

  it('refuses bad arguments with exit code 2', async () => {
    expect((await cli('create', '--tenant', 'tok-e', '--scope', 'admin')).code).toBe(2);
    expect((await cli('create', '--tenant', 'tok-e', '--expires', 'yesterday')).code).toBe(2);
    expect((await cli('revoke', '--tenant', 'tok-e')).code).toBe(2);
  });
});

describe('tokens issued before ids existed', () => {
  it('keep working with the full scope', async () => {
    const legacy = 'sy_LEGACYtokenLEGACYtokenLEGACY01';
    const db = createDocumentClient({ region: LOCAL_REGION, endpoint: stack.dynamo.endpoint, credentials: LOCAL_CREDENTIALS });
    // The item exactly as the earlier token store wrote it.
    await db.send(
      new PutCommand({
        TableName: LOCAL_TABLE,
        Item: { pk: `TOKEN#${hashToken(legacy)}`, sk: 'TOKEN', tenant_id: 'tok-legacy', label: 'old', created_at: '2026-01-01T00:00:00Z' },
      }),
    );
    expect((await call(legacy, 'GET', '/v1/captures')).status).toBe(200);
    expect((await call(legacy, 'POST', '/v1/captures', capture('l-1'))).status).toBe(201);
  });
});

describe('per-tenant rate limit', () => {
  it('answers 429 with Retry-After past the tenant’s burst, and other tenants are not affected', async () => {
    const busy = await stack.createToken('tok-busy');
    const calm = await stack.createToken('tok-calm');
    const answers = [];
    for (let i = 0; i < 8; i++) answers.push(await call(busy, 'GET', '/v1/captures'));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.slice(0, 4).map((a) => a.status)).toEqual([200, 200, 200, 200]);
    expect(limited.length).toBeGreaterThanOrEqual(1);
    expect(Number(limited[0]?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited[0]?.body).toMatchObject({ error: 'rate_limited', retry_after_seconds: Number(limited[0]?.retryAfter) });
    expect((await call(calm, 'GET', '/v1/captures')).status).toBe(200);
    // After Retry-After, the bucket has refilled.
    offset += Number(limited[0]?.retryAfter) * 1000;
    expect((await call(busy, 'GET', '/v1/captures')).status).toBe(200);
  });
});
