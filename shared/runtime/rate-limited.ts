// Per-tenant throttling in front of an HTTP handler: over the tenant's rate → 429 with Retry-After (seconds).
import { type HttpEvent, type HttpResult, json, tenantOf } from './http.js';
import type { RateLimitDeps } from './wiring/rate-limit.js';

type Handler = (event: HttpEvent) => Promise<HttpResult>;

export function rateLimited(getDeps: () => Promise<RateLimitDeps>, handler: Handler): Handler {
  return async (event) => {
    const tenant = tenantOf(event);
    // No tenant: the handler answers 401 itself; nothing to count against.
    if (!tenant) return handler(event);
    const deps = await getDeps();
    const decision = await deps.rateLimiter.take(tenant, deps.settings.tenantRateLimit, deps.clock.now());
    if (decision.allowed) return handler(event);
    const { ratePerSecond, burst } = deps.settings.tenantRateLimit;
    const answer = json(429, {
      error: 'rate_limited',
      message: `too many requests for this tenant (${ratePerSecond}/s, bursts of ${burst}); retry after ${decision.retryAfterSeconds} s`,
      retry_after_seconds: decision.retryAfterSeconds,
    });
    return { ...answer, headers: { ...answer.headers, 'retry-after': String(decision.retryAfterSeconds) } };
  };
}
