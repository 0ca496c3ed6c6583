// Cheap-judge-first cascade: a small judge answers first; the strong judge (the run's judge_model) is asked only where
// the cheap verdict could change the decision — a pair of rubric scores too close to call, pairwise orders that
// disagree or tie, or a reply the cheap judge could not get into shape. Pure decisions; the calls live in use cases.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import type { PairwiseChoice } from './pairwise.js';

export const JudgeCascadeSchema = onFirstUse(() =>
  z.strictObject({
    /** the small judge asked first (e.g. gpt-4o-mini); the run's judge_model is the strong judge */
    cheap_model: z.string().check(z.minLength(1), z.maxLength(100)),
    /**
     * a capture's rubric scores are escalated when any candidate's cheap score is within this of the baseline's (a
     * near-tie the cheap judge's noise could flip); 0 escalates only unparseable replies (not even exact ties, which
     * coarse real judges give often)
     */
    margin: z._default(z.number().check(z.gte(0), z.lte(1)), 0.03),
    /**
     * ask the strong judge again when the cheap pairwise orders disagree or tie; false: only when a reply cannot be
     * parsed (pairwise verdicts are reported, never part of the decision, so a cheap tie cannot change it)
     */
    escalate_pairwise: z._default(z.boolean(), true),
  }),
);
export type JudgeCascade = z.infer<typeof JudgeCascadeSchema>;

/** Counts of the cascade's work, kept on the run and shown in the record. */
export type JudgeTierCounts = {
  /** answers whose rubric score came from the cheap judge alone */
  rubric_cheap: number;
  /** answers re-scored by the strong judge after the cheap judge */
  rubric_escalated: number;
  /** candidate-vs-baseline pairs decided by the cheap judge (both orders agreed) */
  pairwise_cheap: number;
  /** pairs asked again, both orders, of the strong judge */
  pairwise_escalated: number;
};

export const emptyTierCounts = (): JudgeTierCounts => ({ rubric_cheap: 0, rubric_escalated: 0, pairwise_cheap: 0, pairwise_escalated: 0 });

/**
 * Rubric escalation for one capture, decided on the cheap scores: every answer of a capture is scored by one judge,
 * so a paired difference never mixes two judges' scales. Escalate when the baseline or any candidate got no cheap
 * score, or when any candidate's score is within `margin` of the baseline's.
 */
export function escalateRubric(baseline: number | null, candidates: readonly (number | null)[], margin: number): boolean {
  if (baseline === null) return true;
  return candidates.some((q) => q === null || (margin > 0 && Math.abs(q - baseline) <= margin));
}

/**
 * Pairwise escalation: the cheap judge decides only a win or a loss both orders agree on; with `onDisagreement` false,
 * its tie or split stands too (combined as a tie) and only an unparseable reply goes to the strong judge.
 */
export function escalatePairwise(candidateFirst: PairwiseChoice | null, candidateSecond: PairwiseChoice | null, onDisagreement = true): boolean {
  if (candidateFirst === null || candidateSecond === null) return true;
  if (!onDisagreement) return false;
  if (candidateFirst === 'tie' || candidateSecond === 'tie') return true;
  // Candidate as A then as B: A then B is the same answer winning both times.
  return !((candidateFirst === 'A' && candidateSecond === 'B') || (candidateFirst === 'B' && candidateSecond === 'A'));
}
