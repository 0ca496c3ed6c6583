import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mean, pairedRelativeChange, percentile } from '../../../shared/domain/stats.js';
import { seededRandom } from '../../../shared/domain/random.js';

describe('percentile', () => {
  it.each([
    [[1, 2, 3, 4, 5], 50, 3],
    [[1, 2, 3, 4], 50, 2.5],
    [[10], 95, 10],
    [[1, 2, 3, 4, 5], 0, 1],
    [[1, 2, 3, 4, 5], 100, 5],
  ])('percentile(%j, %d) = %d', (xs, p, expected) => {
    expect(percentile(xs, p)).toBeCloseTo(expected, 10);
  });

  it('is NaN for no data', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(mean([])).toBeNaN();
  });

  it('lies between min and max and is monotone in p', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }), fc.double({ min: 0, max: 100, noNaN: true }), (xs, p) => {
        const v = percentile(xs, p);
        expect(v).toBeGreaterThanOrEqual(Math.min(...xs));
        expect(v).toBeLessThanOrEqual(Math.max(...xs));
        expect(percentile(xs, Math.min(100, p + 1))).toBeGreaterThanOrEqual(v - 1e-9);
      }),
    );
  });
});

describe('pairedRelativeChange', () => {
  it('estimates the relative change of paired means', () => {
    const b = [1, 1, 1, 1];
    const c = [0.9, 0.9, 0.9, 0.9];
    const r = pairedRelativeChange(b, c);
    expect(r.estimate).toBeCloseTo(-0.1, 10);
    expect(r.n).toBe(4);
  });

  it('is reproducible with the same seed', () => {
    const rand = seededRandom(3);
    const b = Array.from({ length: 200 }, () => 0.8 + 0.1 * rand());
    const c = b.map((x) => x - 0.05 + 0.05 * rand());
    expect(pairedRelativeChange(b, c, { seed: 9 })).toEqual(pairedRelativeChange(b, c, { seed: 9 }));
  });

  it('brackets the estimate, for bootstrap and normal intervals alike', () => {
    fc.assert(
      fc.property(fc.integer({ min: 5, max: 6000 }), fc.integer(), (n, seed) => {
        const rand = seededRandom(seed);
        const b = Array.from({ length: n }, () => 0.5 + 0.4 * rand());
        const c = b.map((x) => Math.min(1, Math.max(0, x - 0.03 + 0.2 * (rand() - 0.5))));
        const r = pairedRelativeChange(b, c, { resamples: 200 });
        expect(r.ci95[0]).toBeLessThanOrEqual(r.estimate + 1e-9);
        expect(r.ci95[1]).toBeGreaterThanOrEqual(r.estimate - 1e-9);
      }),
      { numRuns: 25 },
    );
  });

  it('covers a known true difference about 95% of the time', () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const rand = seededRandom(1000 + t);
      const gauss = () => Math.sqrt(-2 * Math.log(Math.max(1e-12, rand()))) * Math.cos(2 * Math.PI * rand());
      const b = Array.from({ length: 150 }, () => 0.8 + 0.08 * gauss());
      const c = Array.from({ length: 150 }, () => 0.76 + 0.08 * gauss());
      const truth = (0.76 - 0.8) / 0.8;
      const r = pairedRelativeChange(b, c, { seed: t, resamples: 400 });
      if (r.ci95[0] <= truth && truth <= r.ci95[1]) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.99);
  });
});
