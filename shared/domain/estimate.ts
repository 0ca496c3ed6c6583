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

export type ReplayEstimate = {
  calls: number;
  judge_calls: Range;
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

export function estimateReplay(input: {
  captures: readonly EstimateCapture[];
  models: readonly ModelSpec[];
  judge: ModelSpec;
  maxTokens: number;
  priceOverrides?: Readonly<Record<string, PriceOverride>>;
  /** models whose answers are the captures' own (a captured baseline): judged, but never called */
  fromCaptures?: readonly string[];
}): ReplayEstimate {
  const fromCaptures = new Set(input.fromCaptures ?? []);
  const overrides = input.priceOverrides ?? {};
  const cost = (m: ModelSpec, inTok: number, outTok: number) => computeCost({ input_tokens: inTok, output_tokens: outTok }, m, overrides).usd;
  const perModel = new Map(input.models.map((m) => [m.id, { usd: zero(), priced: true }]));
  let judgeUsd: Range | null = zero();
  let promptTokens = 0;
  for (const c of input.captures) {
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
      if (judgeUsd) {
        const j = (answer: number, calls: number) => {
          const usd = cost(input.judge, prompt + answer + JUDGE_PROMPT_OVERHEAD_TOKENS, JUDGE_OUTPUT_TOKENS);
          return usd === null ? null : usd * calls;
        };
        // High end: every verdict re-asked once.
        const jl = j(out.low, 1);
        const je = j(out.expected, 1);
        const jh = j(out.high, 2);
        judgeUsd = jl === null || je === null || jh === null ? null : add(judgeUsd, { low: jl, expected: je, high: jh });
      }
    }
  }
  const calls = input.captures.length * input.models.filter((m) => !fromCaptures.has(m.id)).length;
  const judged = input.captures.length * input.models.length;
  const per_model = input.models.map((m) => {
    const e = perModel.get(m.id)!;
    return { model: m.id, usd: e.priced ? e.usd : null, priced: e.priced };
  });
  const provider = per_model.reduce((acc, m) => (m.usd ? add(acc, m.usd) : acc), zero());
  return {
    calls,
    judge_calls: { low: judged, expected: judged, high: judged * 2 },
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

/** The most a single call can cost: its prompt plus max_tokens of output (reserved against a budget). */
export function maxCallCost(model: ModelSpec, promptTokens: number, maxTokens: number, overrides: Readonly<Record<string, PriceOverride>> = {}): number | null {
  return computeCost({ input_tokens: promptTokens, output_tokens: maxTokens }, model, overrides).usd;
}
