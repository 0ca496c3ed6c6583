// The run's hard budget: what a call may cost at most (reserved before it starts) and how the run's spend reads.
import type { ModelSpec } from './model.js';
import { computeCost, type PriceOverride } from './pricing.js';

/**
 * Prompt tokens are counted with one tokenizer (o200k); a provider may count more. The reservation takes this much
 * more than our count, so a call's actual cost stays inside what was reserved for it.
 */
export const PROMPT_TOKEN_MARGIN = 1.25;

/** The most a call can cost: its prompt (with the margin) plus `maxTokens` of output, at the model's price; null when unpriced. */
export function maxCallCost(model: ModelSpec, promptTokens: number, maxTokens: number, overrides: Readonly<Record<string, PriceOverride>> = {}): number | null {
  return computeCost({ input_tokens: Math.ceil(promptTokens * PROMPT_TOKEN_MARGIN), output_tokens: maxTokens }, model, overrides).usd;
}

export type Spend = { provider_usd: number; judge_usd: number; total_usd: number };

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

/** The run's spend as the API shows it: provider calls (replays) and judge calls (rubric, pairwise, second opinions, confirmation). */
export function spendOf(run: { cost_usd: number; judge_cost_usd: number }): Spend {
  return { provider_usd: round6(run.cost_usd), judge_usd: round6(run.judge_cost_usd), total_usd: round6(run.cost_usd + run.judge_cost_usd) };
}

export type BudgetBlock = Spend & { budget_usd: number | null; reached: boolean; remaining_usd: number | null };

/** The record's budget block: the cap, the spend against it, and whether a call was not made because of the cap. */
export function budgetBlock(run: {
  cost_usd: number;
  judge_cost_usd: number;
  skipped: number;
  budget_reached: boolean;
  request: { budget_usd?: number | undefined };
}): BudgetBlock {
  const spend = spendOf(run);
  const cap = run.request.budget_usd ?? null;
  return {
    budget_usd: cap,
    ...spend,
    remaining_usd: cap === null ? null : round6(Math.max(0, cap - spend.total_usd)),
    reached: run.budget_reached || run.skipped > 0,
  };
}

/** The reason a run that hit its cap ends partial with, or null. */
export function budgetReason(run: { budget_reached: boolean; request: { budget_usd?: number | undefined } }): string | null {
  return run.budget_reached ? `budget: judge calls stopped at the $${run.request.budget_usd} cap (some answers left unjudged)` : null;
}

export type EvaluationSpend = { replay_usd: number; judge_usd: number; total_usd: number; payback_days: number | null };

/**
 * What the evaluation itself cost, and how many days of the projected monthly saving pay it back (30-day month);
 * null when the recommendation saves nothing.
 */
export function evaluationSpend(run: { cost_usd: number; judge_cost_usd: number }, monthlySavingUsd: number | null | undefined): EvaluationSpend {
  const spend = spendOf(run);
  const perDay = monthlySavingUsd && monthlySavingUsd > 0 ? monthlySavingUsd / 30 : null;
  return {
    replay_usd: spend.provider_usd,
    judge_usd: spend.judge_usd,
    total_usd: spend.total_usd,
    payback_days: perDay === null ? null : Math.round((spend.total_usd / perDay) * 100) / 100,
  };
}
