import { describe, expect, it } from 'vitest';
import { ComparisonSchema } from '../../../shared/domain/criteria/index.js';

describe('stored comparisons', () => {
  it('restore an undefined interval (NaN, stored by JSON as null) as NaN, and reject a wrong shape', () => {
    const stored = JSON.parse(
      JSON.stringify({ model: 'm', quality: { estimate: 0.1, ci95: [Number.NaN, Number.NaN], n: 1 }, cost: null, refusal: { estimate: 0, ci95: [-0.1, 0.1] } }),
    );
    expect(stored.quality.ci95).toEqual([null, null]);
    const read = ComparisonSchema.parse(stored);
    expect(read.quality!.ci95.every(Number.isNaN)).toBe(true);
    expect(read.refusal!.ci95).toEqual([-0.1, 0.1]);
    expect(ComparisonSchema.safeParse({ model: 'm', quality: { estimate: 'x' } }).success).toBe(false);
  });
});
