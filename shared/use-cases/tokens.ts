// Bearer tokens: created, listed, revoked and rotated by the CLI; stored only as a SHA-256 hash of their secret;
// resolved to a tenant and a scope by the authorizer.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import {
  type AuthDecision,
  decide,
  formatToken,
  isTokenId,
  parseBearer,
  type TokenRecord,
  type TokenScope,
  type TokenSummary,
  tokenStatus,
} from '../domain/api-token.js';
import type { Clock, TokenStore } from '../ports/index.js';

const TENANT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export const hashToken = (token: string): string => createHash('sha256').update(token, 'utf8').digest('hex');

const newId = (): string => `tok_${[...randomBytes(20)].map((b) => ID_ALPHABET[b % ID_ALPHABET.length]).join('')}`;

export type NewToken = { tenantId: string; label: string; scope?: TokenScope; expiresAt?: string | null };
export type IssuedToken = { token: string; record: TokenSummary };

const summary = (r: TokenRecord, now: number): TokenSummary => {
  const { secretHash: _, ...rest } = r;
  return { ...rest, status: tokenStatus(r, now) };
};

export async function createToken(deps: { tokens: TokenStore; clock: Clock }, input: NewToken): Promise<IssuedToken> {
  if (!TENANT.test(input.tenantId)) throw new Error('tenant id: lowercase letters, digits and dashes, at most 63 characters');
  const now = deps.clock.now();
  const secret = randomBytes(32).toString('base64url');
  const record: TokenRecord = {
    id: newId(),
    tenantId: input.tenantId,
    label: input.label,
    scope: input.scope ?? 'full',
    secretHash: hashToken(secret),
    createdAt: new Date(now).toISOString(),
    expiresAt: input.expiresAt ?? null,
    revokedAt: null,
  };
  await deps.tokens.put(record);
  return { token: formatToken(record.id, secret), record: summary(record, now) };
}

export async function listTokens(deps: { tokens: TokenStore; clock: Clock }, tenantId: string): Promise<TokenSummary[]> {
  const now = deps.clock.now();
  return (await deps.tokens.list(tenantId)).map((r) => summary(r, now));
}

/** false when the tenant has no token with this id. Takes effect within the authorizer cache's TTL. */
export async function revokeToken(deps: { tokens: TokenStore; clock: Clock }, tenantId: string, id: string): Promise<boolean> {
  if (!isTokenId(id)) return false;
  return deps.tokens.revoke(tenantId, id, new Date(deps.clock.now()).toISOString());
}

/** A new token with the old one's label, scope and expiry; the old one is revoked once the new one is stored. */
export async function rotateToken(deps: { tokens: TokenStore; clock: Clock }, tenantId: string, id: string): Promise<IssuedToken | null> {
  const old = isTokenId(id) ? await deps.tokens.get(id) : null;
  if (!old || old.tenantId !== tenantId || old.revokedAt !== null) return null;
  const issued = await createToken(deps, { tenantId, label: old.label, scope: old.scope, expiresAt: old.expiresAt });
  await revokeToken(deps, tenantId, id);
  return issued;
}

const sameHash = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a, 'hex'), Buffer.from(b, 'hex'));

/**
 * The authorizer's decision for an Authorization header on a route: unknown, malformed, revoked or expired tokens
 * are unauthenticated (401); a capture-scoped token outside POST /v1/captures is forbidden (403). Tokens issued before
 * ids existed keep working with the full scope.
 */
export async function authenticate(tokens: TokenStore, authorization: string | undefined, routeKey: string | undefined, now: number): Promise<AuthDecision> {
  const parsed = parseBearer(authorization);
  if (!parsed) return { kind: 'unauthenticated' };
  if (parsed.kind === 'legacy') {
    const tenantId = await tokens.findTenant(hashToken(parsed.token));
    return tenantId ? { kind: 'allow', tenantId, scope: 'full' } : { kind: 'unauthenticated' };
  }
  const record = await tokens.get(parsed.id);
  if (!record || !sameHash(record.secretHash, hashToken(parsed.secret))) return { kind: 'unauthenticated' };
  return decide(record, routeKey, now);
}
