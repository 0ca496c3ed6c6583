// The local API's authorizer cache, as API Gateway keeps one: results keyed by the identity sources (the
// Authorization header and the route key), kept for the TTL deployed (`api.authorizerCacheSeconds`, 60 s). So a
// revoked token keeps working locally for as long as it would deployed, and a hit costs no DynamoDB read.
import type { AuthorizerEvent, AuthorizerResult } from '../functions/authorizer/handler.js';
import type { Clock } from '../shared/ports/index.js';

type Authorizer = (event: AuthorizerEvent) => Promise<AuthorizerResult>;

/** Entries kept at most; the oldest are dropped first (a bound, not a policy: TTL decides freshness). */
const MAX_ENTRIES = 10_000;

export function cachedAuthorizer(authorizer: Authorizer, ttlSeconds: number, clock: Clock): Authorizer {
  if (ttlSeconds <= 0) return authorizer;
  // Failures ("Unauthorized") are cached too, as API Gateway does; a rejected promise is kept as one.
  const cache = new Map<string, { until: number; result: Promise<AuthorizerResult> }>();
  return (event) => {
    const key = `${event.routeKey ?? ''}\n${event.headers?.authorization ?? ''}`;
    const now = clock.now();
    const hit = cache.get(key);
    if (hit && hit.until > now) return hit.result;
    const result = authorizer(event);
    // An error of our own (not the authorizer's "Unauthorized") is not kept: API Gateway caches decisions only.
    result.catch((error: unknown) => {
      if (!(error instanceof Error && error.message === 'Unauthorized')) cache.delete(key);
    });
    cache.delete(key);
    cache.set(key, { until: now + ttlSeconds * 1000, result });
    if (cache.size > MAX_ENTRIES) cache.delete(cache.keys().next().value as string);
    return result;
  };
}
