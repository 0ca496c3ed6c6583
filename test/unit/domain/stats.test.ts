import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulatedRefusalRun } from '../../../bench/simulated-runs.js';
import { seededRandom } from '../../../shared/domain/random.js';
import {
  clusteredRelativeChange,
  mean,
  pairedProportionDifference,
  pairedRelativeChange,
  percentile,
  proportionDifference,
  wilson,
} from '../../../shared/domain/stats.js';

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
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (xs, p) => {
          const v = percentile(xs, p);
          expect(v).toBeGreaterThanOrEqual(Math.min(...xs));
          expect(v).toBeLessThanOrEqual(Math.max(...xs));
          expect(percentile(xs, Math.min(100, p + 1))).toBeGreaterThanOrEqual(v - 1e-9);
        },
      ),
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

describe('proportion intervals', () => {
  it('keeps Wilson intervals inside [0, 1] around the observed rate', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5000 }), fc.double({ min: 0, max: 1, noNaN: true }), (n, p) => {
        const k = Math.round(n * p);
        const [lo, hi] = wilson(k, n);
        expect(lo).toBeGreaterThanOrEqual(0);
        expect(hi).toBeLessThanOrEqual(1);
        expect(lo).toBeLessThanOrEqual(k / n + 1e-12);
        expect(hi).toBeGreaterThanOrEqual(k / n - 1e-12);
      }),
    );
  });

  it('brackets the difference of two rates (Newcombe)', () => {
    const d = proportionDifference(5, 100, 15, 100);
    expect(d.estimate).toBeCloseTo(0.1, 10);
    expect(d.ci95[0]).toBeGreaterThan(0);
    expect(d.ci95[1]).toBeLessThan(0.2);
    const none = proportionDifference(0, 50, 0, 50);
    expect(none.ci95[0]).toBeLessThan(0);
    expect(none.ci95[1]).toBeGreaterThan(0);
  });
});

describe('pairedProportionDifference', () => {
  const counts = fc.record({ both: fc.nat(300), firstOnly: fc.nat(300), secondOnly: fc.nat(300), neither: fc.nat(300) });

  it('brackets its estimate inside [-1, 1], and mirrors when the two models swap', () => {
    fc.assert(
      fc.property(counts, (c) => {
        const d = pairedProportionDifference(c);
        expect(d.ci95[0]).toBeLessThanOrEqual(d.estimate + 1e-12);
        expect(d.ci95[1]).toBeGreaterThanOrEqual(d.estimate - 1e-12);
        expect(d.ci95[0]).toBeGreaterThanOrEqual(-1);
        expect(d.ci95[1]).toBeLessThanOrEqual(1);
        const swapped = pairedProportionDifference({ ...c, firstOnly: c.secondOnly, secondOnly: c.firstOnly });
        expect(swapped.estimate).toBeCloseTo(-d.estimate, 12);
        expect(swapped.ci95[0]).toBeCloseTo(-d.ci95[1], 12);
        expect(swapped.ci95[1]).toBeCloseTo(-d.ci95[0], 12);
      }),
    );
  });

  it('is narrower than the independent-samples interval when the models refuse the same prompts', () => {
    // 200 prompts; both refuse 20, only the candidate 6, only the baseline 2.
    const paired = pairedProportionDifference({ both: 20, firstOnly: 2, secondOnly: 6, neither: 172 });
    const independent = proportionDifference(22, 200, 26, 200);
    expect(paired.estimate).toBeCloseTo(independent.estimate, 12);
    expect(paired.ci95[1] - paired.ci95[0]).toBeLessThan(independent.ci95[1] - independent.ci95[0]);
  });

  it('covers the true difference about 95% of the time on correlated paired refusals', () => {
    const rand = seededRandom(21);
    let covered = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      const n = 100 + Math.floor(rand() * 400);
      const { counts, truth } = simulatedRefusalRun(rand, n);
      const d = pairedProportionDifference(counts);
      if (d.ci95[0] <= truth && truth <= d.ci95[1]) covered++;
    }
    expect(covered / runs).toBeGreaterThan(0.93);
    expect(covered / runs).toBeLessThan(0.995);
  });
});

describe('clusteredRelativeChange', () => {
  it('widens the interval when answers come in correlated conversations', () => {
    const rand = seededRandom(8);
    const b: number[] = [];
    const c: number[] = [];
    const clusters: string[] = [];
    for (let g = 0; g < 40; g++) {
      const shift = rand() - 0.5; // shared by every turn of the conversation
      for (let t = 0; t < 10; t++) {
        b.push(0.7 + 0.1 * shift + 0.02 * rand());
        c.push(0.68 + 0.3 * shift + 0.02 * rand());
        clusters.push(`conv-${g}`);
      }
    }
    const naive = pairedRelativeChange(b, c, { resamples: 1000 });
    const clustered = clusteredRelativeChange(b, c, clusters, { resamples: 1000 });
    expect(clustered.estimate).toBeCloseTo(naive.estimate, 10);
    expect(clustered.clusters).toBe(40);
    expect(clustered.ci95[1] - clustered.ci95[0]).toBeGreaterThan(1.5 * (naive.ci95[1] - naive.ci95[0]));
  });
});

describe('clusteredRelativeChange with many clusters', () => {
  it('gives a normal interval close to the bootstrap one', () => {
    const rand = seededRandom(21);
    const b: number[] = [];
    const c: number[] = [];
    const clusters: string[] = [];
    for (let g = 0; g < 1500; g++) {
      const shift = 0.1 * (rand() - 0.5);
      for (let t = 0; t < 3; t++) {
        b.push(0.7 + shift + 0.05 * rand());
        c.push(0.66 + shift + 0.05 * rand());
        clusters.push(`k${g}`);
      }
    }
    const boot = clusteredRelativeChange(b, c, clusters, { resamples: 1500 });
    const normal = clusteredRelativeChange(b, c, clusters, { bootstrapBelow: 10 });
    expect(normal.estimate).toBeCloseTo(boot.estimate, 12);
    expect(Math.abs(normal.ci95[0] - boot.ci95[0])).toBeLessThan(0.003);
    expect(Math.abs(normal.ci95[1] - boot.ci95[1])).toBeLessThan(0.003);
  });
});
