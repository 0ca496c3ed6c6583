// API tokens: their wire format, scopes, expiry, and the authorizer's decision. Pure: no crypto, no I/O.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';

/** `capture`: may only send traffic (POST /v1/captures); `full`: every route of its tenant. */
export const TOKEN_SCOPES = ['capture', 'full'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** The only route a capture-scoped token may call (the HTTP API's route key). */
export const CAPTURE_ROUTE_KEY = 'POST /v1/captures';

/** What is stored for a token: never the secret, only its SHA-256 hash. */
export const TokenRecordSchema = onFirstUse(() =>
  z.object({
    id: z.string(),
    tenantId: z.string(),
    label: z.string(),
    scope: z.enum(TOKEN_SCOPES),
    secretHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
    createdAt: z.string(),
    /** ISO time after which the token no longer authenticates; null: never expires */
    expiresAt: z.nullable(z.string()),
    /** ISO time of revocation; null while active */
    revokedAt: z.nullable(z.string()),
  }),
);
export type TokenRecord = z.infer<typeof TokenRecordSchema>;

/** A token as listed (no hash). */
export type TokenSummary = Omit<TokenRecord, 'secretHash'> & { status: 'active' | 'expired' | 'revoked' };

const ID = /^tok_[a-z0-9]{20}$/;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
/** Tokens issued before ids existed: `sy_` + 32 base64url characters, looked up by the hash of the whole token. */
const LEGACY = /^sy_[A-Za-z0-9_-]{20,64}$/;

export type ParsedToken = { kind: 'current'; id: string; secret: string } | { kind: 'legacy'; token: string };

export const isTokenId = (id: string): boolean => ID.test(id);

export const formatToken = (id: string, secret: string): string => `sy_${id}_${secret}`;

/** Reads `Authorization: Bearer …`; null when it is missing or malformed. */
export function parseBearer(authorization: string | undefined): ParsedToken | null {
  const match = authorization?.match(/^Bearer\s+(\S+)$/);
  const token = match?.[1];
  if (!token) return null;
  // `sy_tok_<20>_<43>`: the id never contains `_` after its prefix, the secret may.
  const current = /^sy_(tok_[a-z0-9]{20})_(.+)$/.exec(token);
  if (current && SECRET.test(current[2] as string)) return { kind: 'current', id: current[1] as string, secret: current[2] as string };
  return LEGACY.test(token) ? { kind: 'legacy', token } : null;
}

export function tokenStatus(record: Pick<TokenRecord, 'expiresAt' | 'revokedAt'>, now: number): TokenSummary['status'] {
  if (record.revokedAt !== null) return 'revoked';
  if (record.expiresAt !== null && Date.parse(record.expiresAt) <= now) return 'expired';
  return 'active';
}

export type AuthDecision = { kind: 'allow'; tenantId: string; scope: TokenScope } | { kind: 'unauthenticated' } | { kind: 'forbidden'; tenantId: string };

/** A known token: revoked or expired → unauthenticated (401); a route outside its scope → forbidden (403). */
export function decide(record: Pick<TokenRecord, 'tenantId' | 'scope' | 'expiresAt' | 'revokedAt'>, routeKey: string | undefined, now: number): AuthDecision {
  if (tokenStatus(record, now) !== 'active') return { kind: 'unauthenticated' };
  if (record.scope === 'capture' && routeKey !== CAPTURE_ROUTE_KEY) return { kind: 'forbidden', tenantId: record.tenantId };
  return { kind: 'allow', tenantId: record.tenantId, scope: record.scope };
}

const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `--expires`: a duration (`90m`, `12h`, `30d`, `2w`) from now, or an ISO date/time in the future. */
export function parseExpiry(text: string, now: number): { ok: true; expiresAt: string } | { ok: false; message: string } {
  const duration = /^(\d{1,6})([mhdw])$/.exec(text.trim());
  if (duration) {
    const ms = Number(duration[1]) * (UNITS[duration[2] as string] as number);
    if (ms <= 0) return { ok: false, message: 'expiry: the duration must be positive' };
    return { ok: true, expiresAt: new Date(now + ms).toISOString() };
  }
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const at = Date.parse(text);
    if (Number.isNaN(at)) return { ok: false, message: `expiry: "${text}" is not a valid date` };
    if (at <= now) return { ok: false, message: `expiry: ${new Date(at).toISOString()} is in the past` };
    if (at > now + 10 * 366 * 86_400_000) return { ok: false, message: 'expiry: at most 10 years ahead' };
    return { ok: true, expiresAt: new Date(at).toISOString() };
  }
  return { ok: false, message: `expiry: "${text}" is neither a duration (e.g. 30d, 12h) nor an ISO date` };
}
