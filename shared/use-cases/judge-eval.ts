// judge-eval: runs the configured pairwise judge on human-labelled pairs, in both orders, and reports how often it
// agrees with the humans and how often its verdict survives swapping the answers (position consistency).
import type { ModelSpec } from '../config/models.js';
import type { ChatMessage } from '../domain/judge.js';
import { escalatePairwise } from '../domain/judge-cascade.js';
import { buildPairwiseJudgeMessages, combineBothOrders, type PairwiseChoice, parsePairwiseVerdict } from '../domain/pairwise.js';
import type { LlmGateway } from '../ports/index.js';

export type LabelledPair = { id: string; conversation: ChatMessage[]; a: string; b: string; label: PairwiseChoice };

export type JudgeEvalReport = {
  n: number;
  judged: number;
  unparseable: number;
  /** both orders combined (a win needs both orders to agree) vs the human label */
  agreement: number;
  /** the same, over pairs the humans did not call a tie */
  agreement_non_tie: number;
  /** the first order alone vs the human label (what a single-order judge would score) */
  agreement_single_order: number;
  /** share of pairs where both orders pick the same answer */
  position_consistency: number;
  /** with a cascade: the cheap judge, and the pairs it passed to the strong judge (orders disagreed, a tie, unparseable) */
  cascade?: { cheap_model: string; escalated: number; escalated_share: number };
};

/** One pairwise verdict, with one re-ask when the reply cannot be parsed; null when it never can. */
export async function askPairwise(
  llm: LlmGateway,
  judge: ModelSpec,
  conversation: readonly ChatMessage[],
  a: string,
  b: string,
  trace: { runId: string; captureId: string },
  timeoutMs = 60_000,
  /** 1 + re-asks when the reply cannot be parsed */
  attempts = 2,
): Promise<PairwiseChoice | null> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    const outcome = await llm.complete({
      model: judge,
      messages: buildPairwiseJudgeMessages(conversation, a, b),
      maxTokens: 50,
      temperature: 0,
      trace: { ...trace, purpose: 'judge' },
      timeoutMs,
    });
    if (!outcome.ok) continue;
    const verdict = parsePairwiseVerdict(outcome.text);
    if (verdict) return verdict;
  }
  return null;
}

export async function evaluateJudge(
  llm: LlmGateway,
  judge: ModelSpec,
  pairs: readonly LabelledPair[],
  concurrency = 8,
  onProgress?: (done: number, total: number) => void,
  /** cheap-judge-first: `cheap` judges both orders; `judge` is asked only where escalatePairwise says so */
  cheap?: ModelSpec,
): Promise<JudgeEvalReport> {
  let escalated = 0;
  let done = 0;
  let judged = 0;
  let unparseable = 0;
  let agree = 0;
  let agreeNonTie = 0;
  let nonTie = 0;
  let agreeSingle = 0;
  let consistent = 0;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, pairs.length) }, async () => {
      while (next < pairs.length) {
        const pair = pairs[next++]!;
        // Order 1: the first answer as A. Order 2: swapped.
        const trace = { runId: 'judge-eval', captureId: pair.id };
        const bothOrders = (model: ModelSpec, attempts: number) =>
          Promise.all([
            askPairwise(llm, model, pair.conversation, pair.a, pair.b, trace, 60_000, attempts),
            askPairwise(llm, model, pair.conversation, pair.b, pair.a, trace, 60_000, attempts),
          ]);
        let [first, second] = cheap ? await bothOrders(cheap, 1) : await bothOrders(judge, 2);
        if (cheap && escalatePairwise(first, second)) {
          escalated++;
          [first, second] = await bothOrders(judge, 2);
        }
        onProgress?.(++done, pairs.length);
        if (!first || !second) {
          unparseable++;
          continue;
        }
        judged++;
        const { outcome, consistent: same } = combineBothOrders(first, second);
        const combined: PairwiseChoice = outcome === 'win' ? 'A' : outcome === 'loss' ? 'B' : 'tie';
        if (same) consistent++;
        if (combined === pair.label) agree++;
        if (first === pair.label) agreeSingle++;
        if (pair.label !== 'tie') {
          nonTie++;
          if (combined === pair.label) agreeNonTie++;
        }
      }
    }),
  );
  const rate = (k: number, n: number) => (n === 0 ? 0 : Number((k / n).toFixed(4)));
  return {
    n: pairs.length,
    judged,
    unparseable,
    agreement: rate(agree, judged),
    agreement_non_tie: rate(agreeNonTie, nonTie),
    agreement_single_order: rate(agreeSingle, judged),
    position_consistency: rate(consistent, judged),
    ...(cheap ? { cascade: { cheap_model: cheap.id, escalated, escalated_share: rate(escalated, pairs.length) } } : {}),
  };
}
