// What the per-tenant rate limit in front of every HTTP handler needs: the shared bucket, its settings, the clock.
import type { Settings } from '../../config/settings.js';
import type { Clock, TenantRateLimiter } from '../../ports/index.js';
import { tenantRateLimiter } from '../build/dynamo.js';
import { clock, settings, type Wiring } from '../wiring.js';

export type RateLimitDeps = { rateLimiter: TenantRateLimiter; settings: Pick<Settings, 'tenantRateLimit'>; clock: Clock };
export const rateLimitWiring: Wiring<RateLimitDeps> = { rateLimiter: tenantRateLimiter, settings, clock };
