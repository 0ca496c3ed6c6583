import { describe, expect, it } from 'vitest';
import { CAPTURE_ROUTE_KEY, decide, formatToken, parseBearer, parseExpiry, tokenStatus } from '../../../shared/domain/api-token.js';
import { fullBucket, leaseSize, refill, take } from '../../../shared/domain/rate-limit.js';

const ID = 'tok_abcdefghij0123456789';
const SECRET = `${'A'.repeat(20)}_-${'b'.repeat(21)}`;
const NOW = Date.parse('2026-06-01T12:00:00Z');

describe('parseBearer', () => {
  it.each([
    ['a current token', `Bearer ${formatToken(ID, SECRET)}`, { kind: 'current', id: ID, secret: SECRET }],
    ['a legacy token', 'Bearer sy_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345', { kind: 'legacy', token: 'sy_ABCDEFGHIJKLMNOPQRSTUVWXYZ012345' }],
    ['no header', undefined, null],
    ['another scheme', `Basic ${formatToken(ID, SECRET)}`, null],
    ['a token without the prefix', `Bearer ${ID}_${SECRET}`, null],
    ['a secret of the wrong length (not a legacy token either: too long)', `Bearer sy_${ID}_${SECRET}${'x'.repeat(30)}`, null],
  ])('reads %s', (_, header, expected) => {
    expect(parseBearer(header)).toEqual(expected);
  });
});

describe('decide', () => {
  const token = { tenantId: 'acme', scope: 'full' as const, expiresAt: null, revokedAt: null };
  it.each([
    ['an active full token on any route', token, 'GET /v1/replays', { kind: 'allow', tenantId: 'acme', scope: 'full' }],
    ['a capture token on POST /v1/captures', { ...token, scope: 'capture' as const }, CAPTURE_ROUTE_KEY, { kind: 'allow', tenantId: 'acme', scope: 'capture' }],
    ['a capture token elsewhere', { ...token, scope: 'capture' as const }, 'GET /v1/captures', { kind: 'forbidden', tenantId: 'acme' }],
    ['a capture token without a route', { ...token, scope: 'capture' as const }, undefined, { kind: 'forbidden', tenantId: 'acme' }],
    ['a revoked token', { ...token, revokedAt: '2026-05-01T00:00:00Z' }, CAPTURE_ROUTE_KEY, { kind: 'unauthenticated' }],
    ['an expired token', { ...token, expiresAt: '2026-06-01T11:59:59Z' }, CAPTURE_ROUTE_KEY, { kind: 'unauthenticated' }],
    ['a token expiring later', { ...token, expiresAt: '2026-06-01T12:00:01Z' }, CAPTURE_ROUTE_KEY, { kind: 'allow', tenantId: 'acme', scope: 'full' }],
  ])('%s', (_, record, route, expected) => {
    expect(decide(record, route, NOW)).toEqual(expected);
  });

  it('calls a token expired at its expiry instant and revoked before expired', () => {
    expect(tokenStatus({ expiresAt: new Date(NOW).toISOString(), revokedAt: null }, NOW)).toBe('expired');
    expect(tokenStatus({ expiresAt: '2000-01-01T00:00:00Z', revokedAt: '1999-01-01T00:00:00Z' }, NOW)).toBe('revoked');
  });
});

describe('parseExpiry', () => {
  it.each([
    ['30d', '2026-07-01T12:00:00.000Z'],
    ['12h', '2026-06-02T00:00:00.000Z'],
    ['90m', '2026-06-01T13:30:00.000Z'],
    ['2w', '2026-06-15T12:00:00.000Z'],
    ['2027-01-31', '2027-01-31T00:00:00.000Z'],
    ['2026-06-01T13:00:00+01:00', null],
  ])('reads %s', (text, expected) => {
    const out = parseExpiry(text, NOW);
    if (expected === null) expect(out.ok).toBe(false);
    else expect(out).toEqual({ ok: true, expiresAt: expected });
  });

  it.each(['0d', 'soon', '2020-01-01', '2026-13-45', '3000-01-01'])('refuses %s', (text) => {
    expect(parseExpiry(text, NOW).ok).toBe(false);
  });
});

describe('token bucket', () => {
  const limit = { ratePerSecond: 10, burst: 20 };

  it('starts full, refills at the rate and never beyond the burst', () => {
    expect(refill(fullBucket(limit, 0), limit, 60_000)).toBe(20);
    expect(refill({ tokens: 0, at: 0 }, limit, 500)).toBe(5);
  });

  it('grants up to what is available and says when the next token comes', () => {
    expect(take({ tokens: 3.5, at: 0 }, limit, 5, 0)).toEqual({ ok: true, granted: 3, next: { tokens: 0.5, at: 0 } });
    expect(take({ tokens: 0.5, at: 0 }, limit, 5, 0)).toEqual({ ok: false, retryAfterSeconds: 1 });
    expect(take({ tokens: 0, at: 0 }, { ratePerSecond: 0.1, burst: 1 }, 1, 0)).toEqual({ ok: false, retryAfterSeconds: 10 });
  });

  it('admits no more than burst + rate × time over any run of takes', () => {
    let state = fullBucket(limit, 0);
    let admitted = 0;
    for (let t = 0; t <= 10_000; t += 7) {
      const out = take(state, limit, leaseSize(limit), t);
      if (out.ok) {
        admitted += out.granted;
        state = out.next;
      }
    }
    expect(admitted).toBeLessThanOrEqual(20 + 10 * 10);
    expect(admitted).toBeGreaterThanOrEqual(10 * 10);
  });

  it.each([
    [{ ratePerSecond: 50, burst: 200 }, 5],
    [{ ratePerSecond: 1, burst: 3 }, 1],
    [{ ratePerSecond: 100_000, burst: 200_000 }, 10_000],
  ])('leases about 100 ms of the rate at a time (%o → %i)', (l, expected) => {
    expect(leaseSize(l)).toBe(expected);
  });
});
