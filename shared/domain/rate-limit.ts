// A token bucket per tenant: `ratePerSecond` refill, `burst` capacity. Pure arithmetic; the store keeps the state.

import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';

export const RateLimitSchema = onFirstUse(() => z.object({ ratePerSecond: z.number().check(z.positive()), burst: z.number().check(z.int(), z.gte(1)) }));
export type RateLimit = z.infer<typeof RateLimitSchema>;

/** Bucket state: tokens left at time `at` (ms). */
export type BucketState = { tokens: number; at: number };

export const fullBucket = (limit: RateLimit, now: number): BucketState => ({ tokens: limit.burst, at: now });

/** Tokens available at `now` (refilled since `at`, capped at the burst). */
export function refill(state: BucketState, limit: RateLimit, now: number): number {
  const elapsed = Math.max(0, now - state.at) / 1000;
  return Math.min(limit.burst, state.tokens + elapsed * limit.ratePerSecond);
}

export type BucketTake = { ok: true; granted: number; next: BucketState } | { ok: false; retryAfterSeconds: number };

/**
 * Takes up to `want` whole tokens (at least one). A container takes a small lease of tokens at a time so most
 * requests are admitted without a write; the whole fleet still admits no more than the bucket allows.
 */
export function take(state: BucketState, limit: RateLimit, want: number, now: number): BucketTake {
  const available = refill(state, limit, now);
  if (available < 1) {
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - available) / limit.ratePerSecond)) };
  }
  const granted = Math.max(1, Math.min(want, Math.floor(available)));
  return { ok: true, granted, next: { tokens: available - granted, at: now } };
}

/** Tokens one container leases at a time: about 100 ms of the tenant's rate, at least 1, at most a tenth of the burst. */
export const leaseSize = (limit: RateLimit): number => Math.max(1, Math.min(Math.ceil(limit.ratePerSecond / 10), Math.floor(limit.burst / 10)));
