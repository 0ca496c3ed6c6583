// Puts a gateway's calls under the run's hard budget: before each call the most it can cost (prompt tokens with a
// margin plus max_tokens, at the model's price) is reserved on the run item by a conditional update
// (reserved_usd + max ≤ budget_usd); after it, the reservation is settled to the actual cost. A call whose
// reservation fails is not made: it answers a `budget` failure and the run is marked budget_reached.
// Also meters what the calls cost (judge spend is added to the run as each call ends).
import type { Settings } from '../config/settings.js';
import { maxCallCost } from '../domain/budget.js';
import type { LlmFailure } from '../domain/llm.js';
import { computeCost } from '../domain/pricing.js';
import { countChatTokens, loadTokenizer } from '../domain/tokens.js';
import type { LlmGateway, RunStore } from '../ports/index.js';
import type { RunRef } from '../schemas/messages.js';
import { LimiterWaitExceededError } from './limited-llm.js';

export type BudgetedLlm = {
  llm: LlmGateway;
  /** what this wrapper's calls cost so far */
  usd: () => number;
  /** a call was refused by the budget */
  reached: () => boolean;
};

const BUDGET_REFUSED = (): LlmFailure => ({
  ok: false,
  kind: 'budget',
  retryable: false,
  status: null,
  retryAfterSeconds: null,
  latencyMs: 0,
  guardrailChecks: [],
});

export function budgetedLlm(
  inner: LlmGateway,
  ctx: {
    runs: Pick<RunStore, 'reserveBudget' | 'settleBudget' | 'addJudgeSpend' | 'markBudgetReached'>;
    ref: RunRef;
    /** the run's budget_usd; undefined: no cap (calls are only metered) */
    budgetUsd: number | undefined;
    priceOverrides: Settings['priceOverrides'];
    /** judge calls add their cost to the run's judge spend as each ends */
    recordJudgeSpend: boolean;
  },
): BudgetedLlm {
  let total = 0;
  let reached = false;
  return {
    usd: () => total,
    reached: () => reached,
    llm: {
      async complete(request) {
        const cap = ctx.budgetUsd;
        if (cap !== undefined) await loadTokenizer();
        // An unpriced model cannot be bounded in USD: it reserves nothing (the estimate lists it as unpriced).
        const max = cap === undefined ? 0 : (maxCallCost(request.model, countChatTokens(request.messages), request.maxTokens, ctx.priceOverrides) ?? 0);
        if (cap !== undefined) {
          // Once refused, later calls of this step are refused too (no write each): the run is at its cap.
          if (reached || !(await ctx.runs.reserveBudget(ctx.ref, max, cap))) {
            if (!reached) await ctx.runs.markBudgetReached(ctx.ref);
            reached = true;
            return BUDGET_REFUSED();
          }
        }
        let outcome: Awaited<ReturnType<LlmGateway['complete']>>;
        try {
          outcome = await inner.complete(request);
        } catch (error) {
          // No capacity under the provider limit: the call was never made, so its reservation is given back. Any other
          // failure keeps it (the provider may have billed the call).
          if (cap !== undefined && error instanceof LimiterWaitExceededError) await ctx.runs.settleBudget(ctx.ref, -max);
          throw error;
        }
        const usd = outcome.ok && outcome.usage ? (computeCost(outcome.usage, request.model, ctx.priceOverrides).usd ?? 0) : 0;
        total += usd;
        // A call that timed out may still have been billed: it keeps its reservation. Others settle to what they cost.
        if (cap !== undefined && !(!outcome.ok && outcome.kind === 'timeout')) await ctx.runs.settleBudget(ctx.ref, usd - max);
        if (ctx.recordJudgeSpend && usd > 0) await ctx.runs.addJudgeSpend(ctx.ref, usd);
        return outcome;
      },
    },
  };
}
