import { beforeAll, describe, expect, it } from 'vitest';
import { resolveModel } from '../../../shared/config/models.js';
import { budgetBlock, budgetReason, evaluationSpend, maxCallCost, PROMPT_TOKEN_MARGIN, spendOf } from '../../../shared/domain/budget.js';
import { estimateReplay } from '../../../shared/domain/estimate.js';
import { loadTokenizer } from '../../../shared/domain/tokens.js';

beforeAll(() => loadTokenizer());

const mini = resolveModel('gpt-4o-mini')!;
const gpt4 = resolveModel('gpt-4')!;
const overrides = { 'gpt-4o-mini': { input_mtok: 1, output_mtok: 2 } };

describe('maxCallCost', () => {
  it('reserves the prompt with the margin plus max_tokens of output, at the model price', () => {
    // 1,000 prompt tokens → 1,250 reserved at $1/M; 500 output tokens at $2/M.
    expect(maxCallCost(mini, 1000, 500, overrides)).toBeCloseTo(1250 * 1e-6 + 500 * 2e-6, 12);
    expect(PROMPT_TOKEN_MARGIN).toBeGreaterThan(1);
  });

  it('is null for an unpriced model (it cannot be bounded in USD)', () => {
    expect(maxCallCost(resolveModel('together-ai/private-model')!, 100, 100)).toBeNull();
  });
});

describe('spend and the budget block', () => {
  const run = { cost_usd: 0.0123456789, judge_cost_usd: 0.02, skipped: 0, budget_reached: false, request: { budget_usd: 0.05 } };

  it('adds provider and judge spend', () => {
    expect(spendOf(run)).toEqual({ provider_usd: 0.012346, judge_usd: 0.02, total_usd: 0.032346 });
  });

  it('reports the cap, what is left and whether it was reached (a skipped replay or a refused judge call)', () => {
    expect(budgetBlock(run)).toMatchObject({ budget_usd: 0.05, remaining_usd: 0.017654, reached: false });
    expect(budgetBlock({ ...run, skipped: 2 }).reached).toBe(true);
    expect(budgetBlock({ ...run, budget_reached: true }).reached).toBe(true);
    expect(budgetBlock({ ...run, request: {} })).toMatchObject({ budget_usd: null, remaining_usd: null });
  });

  it('gives a partial-run reason only when a judge call was refused', () => {
    expect(budgetReason(run)).toBeNull();
    expect(budgetReason({ ...run, budget_reached: true })).toMatch(/^budget: judge calls stopped at the \$0.05 cap/);
  });
});

describe('estimateReplay judge items', () => {
  const captures = Array.from({ length: 4 }, (_, i) => ({
    messages: [{ role: 'user' as const, content: `Question number ${i} about queues and workers.` }],
    completion: 'A fairly short answer of a dozen words or so, for the estimate.',
    usage: null,
  }));
  const models = [mini, resolveModel('gpt-3.5-turbo')!, resolveModel('llama-3.3-70b')!];

  it('counts rubric, pairwise (both orders, candidates only) and second opinions, and sums them', () => {
    const e = estimateReplay({ captures, models, judge: gpt4, maxTokens: 256, judging: { pairwise: true, secondOpinions: true, confirmation: true } });
    expect(e.judge_items.rubric.calls).toEqual({ low: 12, expected: 12, high: 24 });
    expect(e.judge_items.pairwise.calls).toEqual({ low: 16, expected: 16, high: 32 });
    expect(e.judge_items.second_opinion.calls.high).toBe(12);
    expect(e.judge_calls.high).toBe(24 + 32 + 12);
    const sum = e.judge_items.rubric.usd!.expected + e.judge_items.pairwise.usd!.expected + e.judge_items.second_opinion.usd!.expected;
    expect(e.judge_usd!.expected).toBeCloseTo(sum, 12);
    expect(e.total_usd.expected).toBeCloseTo(e.provider_usd.expected + sum, 12);
    // The confirmation pass re-judges nothing: its calls are inside rubric and pairwise.
    expect(e.judge_items.confirmation.calls.expected).toBe(0);
  });

  it('leaves pairwise and second opinions out when they are off (the rubric alone)', () => {
    const on = estimateReplay({ captures, models, judge: gpt4, maxTokens: 256, judging: { pairwise: true, secondOpinions: false, confirmation: false } });
    const off = estimateReplay({ captures, models, judge: gpt4, maxTokens: 256, judging: { pairwise: false, secondOpinions: false, confirmation: false } });
    expect(off.judge_items.pairwise.calls.high).toBe(0);
    expect(off.judge_calls.expected).toBe(12);
    expect(on.judge_usd!.expected).toBeGreaterThan(off.judge_usd!.expected * 1.5);
  });

  it('counts pairwise verdicts on the sample only, and prices a cascade at the cheap judge (the strong one at the high end)', () => {
    const plan = { pairwise: true, secondOpinions: false, confirmation: false };
    const strong = estimateReplay({ captures, models, judge: gpt4, maxTokens: 256, judging: plan });
    const sampled = estimateReplay({ captures, models, judge: gpt4, maxTokens: 256, judging: { ...plan, pairwiseSample: 1 } });
    // 2 candidates × 1 sampled prompt × both orders
    expect(sampled.judge_items.pairwise.calls.expected).toBe(4);
    const cascade = estimateReplay({ captures, models, judge: gpt4, maxTokens: 256, judging: { ...plan, cheapJudge: mini } });
    expect(cascade.judge_items.rubric.calls).toEqual({ low: 12, expected: 12, high: 36 });
    expect(cascade.judge_usd!.expected).toBeLessThan(strong.judge_usd!.expected / 10);
    expect(cascade.judge_usd!.high).toBeGreaterThan(strong.judge_usd!.high);
  });
});

describe('evaluationSpend', () => {
  it('pays back the replay and judge spend from the projected monthly saving', () => {
    // $3 of evaluation against $90 a month saved ($3 a day): one day.
    expect(evaluationSpend({ cost_usd: 1, judge_cost_usd: 2 }, 90)).toEqual({ replay_usd: 1, judge_usd: 2, total_usd: 3, payback_days: 1 });
  });

  it('has no payback without a saving', () => {
    expect(evaluationSpend({ cost_usd: 1, judge_cost_usd: 2 }, null).payback_days).toBeNull();
    expect(evaluationSpend({ cost_usd: 1, judge_cost_usd: 2 }, -5).payback_days).toBeNull();
  });
});
