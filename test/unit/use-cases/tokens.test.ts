import { describe, expect, it } from 'vitest';
import type { TokenRecord } from '../../../shared/domain/api-token.js';
import type { TokenStore } from '../../../shared/ports/index.js';
import { authenticate, createToken, hashToken, listTokens, revokeToken, rotateToken } from '../../../shared/use-cases/tokens.js';

/** An in-memory token store (the port's contract; the DynamoDB adapter is tested against dynalite in integration). */
function memoryStore(legacy: Record<string, string> = {}): TokenStore & { records: Map<string, TokenRecord> } {
  const records = new Map<string, TokenRecord>();
  return {
    records,
    async put(r) {
      if (records.has(r.id)) throw new Error('exists');
      records.set(r.id, { ...r });
    },
    async get(id) {
      return records.get(id) ?? null;
    },
    async list(tenantId) {
      return [...records.values()].filter((r) => r.tenantId === tenantId);
    },
    async revoke(tenantId, id, at) {
      const r = records.get(id);
      if (!r || r.tenantId !== tenantId) return false;
      r.revokedAt ??= at;
      return true;
    },
    async findTenant(hash) {
      return legacy[hash] ?? null;
    },
  };
}

function setup() {
  let now = Date.parse('2026-06-01T00:00:00Z');
  const tokens = memoryStore();
  return { tokens, deps: { tokens, clock: { now: () => now } }, advance: (ms: number) => (now += ms), now: () => now };
}

describe('createToken', () => {
  it('returns sy_<id>_<secret> once and stores only the hash of the secret', async () => {
    const { deps, tokens } = setup();
    const issued = await createToken(deps, { tenantId: 'acme', label: 'ci', scope: 'capture' });
    const [, id, secret] = /^sy_(tok_[a-z0-9]{20})_([A-Za-z0-9_-]{43})$/.exec(issued.token) ?? [];
    expect(id).toBe(issued.record.id);
    const stored = tokens.records.get(id as string);
    expect(stored).toMatchObject({ tenantId: 'acme', label: 'ci', scope: 'capture', secretHash: hashToken(secret as string), revokedAt: null });
    expect(JSON.stringify(stored)).not.toContain(secret);
    expect(issued.record).not.toHaveProperty('secretHash');
  });

  it('refuses a malformed tenant id', async () => {
    await expect(createToken(setup().deps, { tenantId: 'Acme Corp', label: 'x' })).rejects.toThrow(/tenant id/);
  });
});

describe('authenticate', () => {
  it('allows its own token, refuses a wrong secret, and enforces scope per route', async () => {
    const { deps, tokens, now } = setup();
    const full = (await createToken(deps, { tenantId: 'acme', label: 'a' })).token;
    const capture = (await createToken(deps, { tenantId: 'acme', label: 'b', scope: 'capture' })).token;
    expect(await authenticate(tokens, `Bearer ${full}`, 'GET /v1/replays', now())).toEqual({ kind: 'allow', tenantId: 'acme', scope: 'full' });
    const tampered = `${full.slice(0, -1)}${full.endsWith('A') ? 'B' : 'A'}`;
    expect(await authenticate(tokens, `Bearer ${tampered}`, 'GET /v1/replays', now())).toEqual({ kind: 'unauthenticated' });
    expect(await authenticate(tokens, `Bearer ${capture}`, 'POST /v1/captures', now())).toMatchObject({ kind: 'allow' });
    expect(await authenticate(tokens, `Bearer ${capture}`, 'POST /v1/replays', now())).toEqual({ kind: 'forbidden', tenantId: 'acme' });
  });

  it('stops a token at its expiry and after revocation', async () => {
    const { deps, tokens, now, advance } = setup();
    const expiring = await createToken(deps, { tenantId: 'acme', label: 'a', expiresAt: new Date(now() + 60_000).toISOString() });
    const revoked = await createToken(deps, { tenantId: 'acme', label: 'b' });
    expect(await revokeToken(deps, 'acme', revoked.record.id)).toBe(true);
    expect(await authenticate(tokens, `Bearer ${revoked.token}`, 'POST /v1/captures', now())).toEqual({ kind: 'unauthenticated' });
    expect(await authenticate(tokens, `Bearer ${expiring.token}`, 'POST /v1/captures', now())).toMatchObject({ kind: 'allow' });
    advance(60_000);
    expect(await authenticate(tokens, `Bearer ${expiring.token}`, 'POST /v1/captures', now())).toEqual({ kind: 'unauthenticated' });
    expect((await listTokens(deps, 'acme')).map((t) => t.status).sort()).toEqual(['expired', 'revoked']);
  });

  it('keeps legacy tokens working with the full scope', async () => {
    const legacy = 'sy_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
    const tokens = memoryStore({ [hashToken(legacy)]: 'initech' });
    expect(await authenticate(tokens, `Bearer ${legacy}`, 'GET /v1/replays', 0)).toEqual({ kind: 'allow', tenantId: 'initech', scope: 'full' });
    expect(await authenticate(tokens, 'Bearer sy_ABCDEFGHIJKLMNOPQRSTUVWXYZ000000', 'GET /v1/replays', 0)).toEqual({ kind: 'unauthenticated' });
  });
});

describe('revokeToken and rotateToken', () => {
  it('cannot touch another tenant’s token', async () => {
    const { deps } = setup();
    const issued = await createToken(deps, { tenantId: 'acme', label: 'a' });
    expect(await revokeToken(deps, 'globex', issued.record.id)).toBe(false);
    expect(await rotateToken(deps, 'globex', issued.record.id)).toBeNull();
    expect(await revokeToken(deps, 'acme', 'not-an-id')).toBe(false);
  });

  it('rotates to a new token with the same label, scope and expiry, revoking the old one', async () => {
    const { deps, tokens, now } = setup();
    const expiresAt = new Date(now() + 86_400_000).toISOString();
    const old = await createToken(deps, { tenantId: 'acme', label: 'ingest', scope: 'capture', expiresAt });
    const rotated = await rotateToken(deps, 'acme', old.record.id);
    expect(rotated?.record).toMatchObject({ tenantId: 'acme', label: 'ingest', scope: 'capture', expiresAt, status: 'active' });
    expect(rotated?.record.id).not.toBe(old.record.id);
    expect(await authenticate(tokens, `Bearer ${old.token}`, 'POST /v1/captures', now())).toEqual({ kind: 'unauthenticated' });
    expect(await authenticate(tokens, `Bearer ${rotated?.token}`, 'POST /v1/captures', now())).toMatchObject({ kind: 'allow' });
    expect(await rotateToken(deps, 'acme', old.record.id)).toBeNull();
  });
});
