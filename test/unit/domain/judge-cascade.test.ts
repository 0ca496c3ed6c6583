import { describe, expect, it } from 'vitest';
import { escalatePairwise, escalateRubric } from '../../../shared/domain/judge-cascade.js';

describe('judge cascade: when the strong judge is asked', () => {
  it('keeps a capture with the cheap judge when every candidate is clearly apart from the baseline', () => {
    expect(escalateRubric(0.6, [0.8, 0.4, 0.75], 0.03)).toBe(false);
  });

  it('escalates a capture when any candidate is within the margin of the baseline', () => {
    expect(escalateRubric(0.6, [0.8, 0.62], 0.03)).toBe(true);
    expect(escalateRubric(0.6, [0.8, 0.62], 0.01)).toBe(false);
  });

  it('escalates when the cheap judge gave no score (unparseable) for the baseline or a candidate', () => {
    expect(escalateRubric(null, [0.9], 0.03)).toBe(true);
    expect(escalateRubric(0.5, [0.9, null], 0.03)).toBe(true);
  });

  it('margin 0 escalates only unparseable replies', () => {
    expect(escalateRubric(0.5, [0.5 + 1e-9, 0.7], 0)).toBe(false);
    expect(escalateRubric(0.5, [0.5, 0.7], 0)).toBe(false);
    expect(escalateRubric(0.5, [0.5, null], 0)).toBe(true);
  });

  it('a pairwise verdict stays cheap only when both orders pick the same answer', () => {
    // candidate as A, then candidate as B: A then B is the candidate winning twice; B then A losing twice
    expect(escalatePairwise('A', 'B')).toBe(false);
    expect(escalatePairwise('B', 'A')).toBe(false);
    expect(escalatePairwise('A', 'A')).toBe(true);
    expect(escalatePairwise('B', 'B')).toBe(true);
    expect(escalatePairwise('tie', 'B')).toBe(true);
    expect(escalatePairwise('A', null)).toBe(true);
  });

  it('without escalation on disagreement, a cheap tie or split stands and only an unparseable order is escalated', () => {
    expect(escalatePairwise('A', 'A', false)).toBe(false);
    expect(escalatePairwise('tie', 'B', false)).toBe(false);
    expect(escalatePairwise('A', 'B', false)).toBe(false);
    expect(escalatePairwise(null, 'B', false)).toBe(true);
    expect(escalatePairwise('A', null, false)).toBe(true);
  });
});
