import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffSeconds } from '../../../shared/domain/retry.js';

describe('backoffSeconds', () => {
  it('grows exponentially with jitter up to the cap, and never comes before Retry-After', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.option(fc.integer({ min: 0, max: 600 })),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (attempt, retryAfter, r) => {
          const s = backoffSeconds({ attempt, retryAfterSeconds: retryAfter, baseSeconds: 2, maxSeconds: 300, random: () => r });
          const exp = Math.min(300, 2 * 2 ** (attempt - 1));
          expect(s).toBeGreaterThanOrEqual(retryAfter ?? 0);
          expect(s).toBeGreaterThanOrEqual(Math.min(exp * 0.5, s));
          expect(s).toBeLessThanOrEqual(Math.max(exp, retryAfter ?? 0));
        },
      ),
    );
  });
});
