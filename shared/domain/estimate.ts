// Spend estimate for a replay before any model is called: provider calls plus judge calls, as a range.

import type { ChatMessage } from './judge.js';
import type { ModelSpec } from './model.js';
import { computeCost, type PriceOverride, type TokenUsage } from './pricing.js';
import { countChatTokens, countTextTokens } from './tokens.js';

/** Tokens the rubric judge adds around the conversation and answer (instructions and delimiters). */
export const JUDGE_PROMPT_OVERHEAD_TOKENS = 260;
/** Tokens of a judge verdict (a small JSON object). */
export const JUDGE_OUTPUT_TOKENS = 40;

export type EstimateCapture = { messages: readonly ChatMessage[]; completion: string; usage: TokenUsage | null };
export type Range = { low: number; expected: number; high: number };

/** Which judge calls a run makes besides the rubric verdict on every answer (the run's settings and request). */
export type JudgePlan = {
  pairwise: boolean;
  secondOpinions: boolean;
  confirmation: boolean;
  /** pairwise verdicts on each candidate's first N prompts only; null or absent: on every prompt */
  pairwiseSample?: number | null;
  /** a cheap-judge-first cascade: rubric and pairwise verdicts priced at this judge; high: each also escalated */
  cheapJudge?: ModelSpec | null;
};
/** Tokens of a pairwise verdict and of a refusal second opinion. */
export const PAIRWISE_OUTPUT_TOKENS = 20;
export const SECOND_OPINION_OUTPUT_TOKENS = 5;
/** Expected share of answers whose refusal verdict is borderline (asked of the judge); the high end asks of every answer. */
export const SECOND_OPINION_EXPECTED_SHARE = 0.1;

export type JudgeItem = { calls: Range; usd: Range | null; note: string };

export type ReplayEstimate = {
  calls: number;
  judge_calls: Range;
  /** every kind of judge call the run will make; judge_calls and judge_usd are their sums (confirmation is inside rubric/pairwise) */
  judge_items: { rubric: JudgeItem; pairwise: JudgeItem; second_opinion: JudgeItem; confirmation: JudgeItem };
  prompt_tokens: number;
  per_model: { model: string; usd: Range | null; priced: boolean }[];
  provider_usd: Range;
  judge_usd: Range | null;
  total_usd: Range;
  unpriced_models: string[];
  method: string;
};

const add = (a: Range, b: Range): Range => ({ low: a.low + b.low, expected: a.expected + b.expected, high: a.high + b.high });
const zero = (): Range => ({ low: 0, expected: 0, high: 0 });
const round = (r: Range): Range => ({ low: Math.round(r.low), expected: Math.round(r.expected * 10) / 10, high: Math.round(r.high) });

/** Adds up one kind of judge call; its USD becomes null once any call of it is unpriced. */
function judgeItem() {
  let calls = zero();
  let usd: Range | null = zero();
  return {
    add(low: number | null, expected: number | null, high: number | null, n: Range) {
      calls = add(calls, n);
      usd = usd === null || low === null || expected === null || high === null ? null : add(usd, { low, expected, high });
    },
    done: (note: string): JudgeItem => ({ calls: round(calls), usd, note }),
  };
}

export function estimateReplay(input: {
  captures: readonly EstimateCapture[];
  models: readonly ModelSpec[];
  judge: ModelSpec;
  maxTokens: number;
  priceOverrides?: Readonly<Record<string, PriceOverride>>;
  /** models whose answers are the captures' own (a captured baseline): judged, but never called */
  fromCaptures?: readonly string[];
  /** the baseline (pairwise verdicts compare each candidate with it); the first model when absent */
  baseline?: string;
  /** the judge calls beyond the rubric; all on when absent (the defaults) */
  judging?: JudgePlan;
}): ReplayEstimate {
  const plan: JudgePlan = input.judging ?? { pairwise: true, secondOpinions: false, confirmation: true };
  const baselineId = input.baseline ?? input.models[0]?.id;
  const fromCaptures = new Set(input.fromCaptures ?? []);
  const overrides = input.priceOverrides ?? {};
  const cost = (m: ModelSpec, inTok: number, outTok: number) => computeCost({ input_tokens: inTok, output_tokens: outTok }, m, overrides).usd;
  const perModel = new Map(input.models.map((m) => [m.id, { usd: zero(), priced: true }]));
  const items = {
    rubric: judgeItem(),
    pairwise: judgeItem(),
    second_opinion: judgeItem(),
  };
  let promptTokens = 0;
  const cheap = plan.cheapJudge ?? null;
  for (const [index, c] of input.captures.entries()) {
    const prompt = countChatTokens(c.messages);
    promptTokens += prompt;
    const observed = c.usage?.output_tokens ?? countTextTokens(c.completion);
    const out: Range = {
      low: Math.min(input.maxTokens, Math.round(observed * 0.5)),
      expected: Math.min(input.maxTokens, observed),
      high: Math.min(input.maxTokens, Math.max(observed * 2, 16)),
    };
    for (const m of input.models) {
      const entry = perModel.get(m.id)!;
      if (fromCaptures.has(m.id)) {
        // No provider call: only its judge calls below.
      } else {
        const low = cost(m, prompt, out.low);
        const exp = cost(m, prompt, out.expected);
        const high = cost(m, prompt, out.high);
        if (low === null || exp === null || high === null) entry.priced = false;
        else entry.usd = add(entry.usd, { low, expected: exp, high });
      }
      const j = (inTok: number, outTok: number, calls: number, judge: ModelSpec = input.judge) => {
        const usd = cost(judge, inTok, outTok);
        return usd === null ? null : usd * calls;
      };
      // With a cascade a verdict costs the cheap judge's price; at the high end it is also escalated to the run's judge.
      const sum = (a: number | null, b: number | null) => (a === null || b === null ? null : a + b);
      const verdicts = (inTok: (a: number) => number, outTok: number, n: number) =>
        cheap
          ? ([
              j(inTok(out.low), outTok, n, cheap),
              j(inTok(out.expected), outTok, n, cheap),
              sum(j(inTok(out.high), outTok, n, cheap), j(inTok(out.high), outTok, 2 * n)),
            ] as const)
          : ([j(inTok(out.low), outTok, n), j(inTok(out.expected), outTok, n), j(inTok(out.high), outTok, 2 * n)] as const);
      const highCalls = (n: number) => (cheap ? 3 * n : 2 * n);
      // Rubric: one verdict per answer; high end: every verdict re-asked once (and escalated, with a cascade).
      items.rubric.add(...verdicts((a) => prompt + a + JUDGE_PROMPT_OVERHEAD_TOKENS, JUDGE_OUTPUT_TOKENS, 1), { low: 1, expected: 1, high: highCalls(1) });
      // Pairwise: each candidate against the baseline, in both orders, on the sample; high end: each order re-asked once.
      const sampled = plan.pairwiseSample == null || index < plan.pairwiseSample;
      if (plan.pairwise && sampled && m.id !== baselineId) {
        items.pairwise.add(...verdicts((a) => prompt + 2 * a + JUDGE_PROMPT_OVERHEAD_TOKENS, PAIRWISE_OUTPUT_TOKENS, 2), {
          low: 2,
          expected: 2,
          high: highCalls(2),
        });
      }
      // Refusal second opinions: asked for borderline verdicts of replayed answers only.
      if (plan.secondOpinions && !fromCaptures.has(m.id)) {
        const share = SECOND_OPINION_EXPECTED_SHARE;
        items.second_opinion.add(
          0,
          j(prompt + out.expected + JUDGE_PROMPT_OVERHEAD_TOKENS, SECOND_OPINION_OUTPUT_TOKENS, share),
          j(prompt + out.high + JUDGE_PROMPT_OVERHEAD_TOKENS, SECOND_OPINION_OUTPUT_TOKENS, 1),
          { low: 0, expected: share, high: 1 },
        );
      }
    }
  }
  const calls = input.captures.length * input.models.filter((m) => !fromCaptures.has(m.id)).length;
  const candidates = input.models.filter((m) => m.id !== baselineId).length;
  const byWhom = cheap ? ` by ${cheap.id} first; high: each also asked of ${input.judge.id}, twice` : '; high: each re-asked once';
  const rubric = items.rubric.done(`one verdict per answer (sequential judging may stop earlier)${byWhom}`);
  const pairwise = items.pairwise.done(
    plan.pairwise
      ? `each candidate's answer against the baseline's, both orders${plan.pairwiseSample == null ? '' : `, on the first ${plan.pairwiseSample} prompts`}${byWhom}`
      : 'pairwise judging is off',
  );
  const secondOpinion = items.second_opinion.done(
    plan.secondOpinions
      ? `borderline refusal verdicts of replayed answers (expected ${SECOND_OPINION_EXPECTED_SHARE * 100}% of answers, high: all)`
      : 'refusal second opinions are off',
  );
  // The confirmation pass judges the recommended model's answers that sequential judging left unjudged: those calls
  // are part of the rubric and pairwise counts above (every answer is judged at most once), shown here for one candidate.
  const perCandidate = (x: number) => (candidates === 0 ? 0 : x / Math.max(1, input.models.length));
  const confirmation: JudgeItem = plan.confirmation
    ? {
        calls: { low: 0, expected: 0, high: Math.round(perCandidate(rubric.calls.high) + (candidates === 0 ? 0 : pairwise.calls.high / candidates)) },
        usd:
          rubric.usd && pairwise.usd
            ? { low: 0, expected: 0, high: perCandidate(rubric.usd.high) + (candidates === 0 ? 0 : pairwise.usd.high / candidates) }
            : null,
        note: "the recommended model's answers left unjudged by sequential judging; counted within rubric and pairwise",
      }
    : { calls: zero(), usd: zero(), note: 'the confirmation pass is off' };
  const summed = [rubric, pairwise, secondOpinion];
  const judgeCalls = summed.reduce((acc, i) => add(acc, i.calls), zero());
  const judgeUsd = summed.every((i) => i.usd !== null) ? summed.reduce((acc, i) => add(acc, i.usd!), zero()) : null;
  const per_model = input.models.map((m) => {
    const e = perModel.get(m.id)!;
    return { model: m.id, usd: e.priced ? e.usd : null, priced: e.priced };
  });
  const provider = per_model.reduce((acc, m) => (m.usd ? add(acc, m.usd) : acc), zero());
  return {
    calls,
    judge_calls: judgeCalls,
    judge_items: { rubric, pairwise, second_opinion: secondOpinion, confirmation },
    prompt_tokens: promptTokens,
    per_model,
    provider_usd: provider,
    judge_usd: judgeUsd,
    total_usd: judgeUsd ? add(provider, judgeUsd) : provider,
    unpriced_models: per_model.filter((m) => !m.priced).map((m) => m.model),
    method:
      "prompt tokens counted with gpt-tokenizer (o200k); output tokens from each capture's own completion (0.5×–2×, capped by max_tokens); prices from genai-prices or overrides; unpriced models are left out of the sums",
  };
}

/** The most a single call can cost (reserved against a budget): see ./budget.ts. */
export { maxCallCost } from './budget.js';
