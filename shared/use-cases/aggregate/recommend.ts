// States Recommend and RecommendFinal: apply the policy to the stored metrics, write the record, end the run.
import { budgetBlock, budgetReason, evaluationSpend } from '../../domain/budget.js';
import { recommendSwitch, type TrafficVolume } from '../../domain/recommendation.js';
import type { RunRecord } from '../../domain/run.js';
import type { RecommendStep } from '../../schemas/messages.js';
import type { Needs } from '../deps.js';
import { cascadeOf } from '../judge-cascade.js';
import { loadRun, RunNotFoundError } from './load-run.js';

export type RecommendDeps = Needs<'runs' | 'clock' | 'log', 'policy' | 'confirmRecommended' | 'judgeCascade'>;

/** Requests a month at the captured rate: matched captures over their time span (at least a day). */
function trafficVolume(run: RunRecord): TrafficVolume | null {
  if (!run.traffic) return null;
  const days = Math.max(1, (Date.parse(run.traffic.last_at) - Date.parse(run.traffic.first_at)) / 86_400_000);
  return {
    requests_per_month: (run.traffic.matched / days) * 30,
    basis: `${run.traffic.matched}${run.traffic.capped ? '+' : ''} captured requests over ${days.toFixed(1)} days, scaled to 30 days${run.traffic.capped ? ' (the selection hit its limit: a lower bound)' : ''}`,
  };
}

/**
 * Recommend: applies the policy to the stored metrics, writes the record, and ends the run. With sequential judging
 * the chosen model may have been settled on a few dozen prompts; unless this is already the decision after a
 * confirmation pass, it hands that model back (`confirm`) so its remaining answers are judged and the decision is
 * made again on the full sample — the interval a user acts on is then the tightest the run allows.
 */
export async function recommend(
  deps: RecommendDeps,
  step: RecommendStep,
): Promise<{ status: string; recommended_model: string | null; confirm: string | null }> {
  const ref = { tenant_id: step.tenant_id, run_id: step.run_id };
  const run = await loadRun(deps, ref);
  const stored = await deps.runs.getMetrics(ref);
  const baseline = stored?.models.find((m) => m.is_baseline);
  if (!stored || !baseline) throw new RunNotFoundError(ref);
  const record = recommendSwitch({
    baseline,
    candidates: stored.models.filter((m) => !m.is_baseline),
    comparisons: new Map(Object.entries(stored.comparisons)),
    segments: new Map(Object.entries(stored.segments).map(([seg, byModel]) => [seg, new Map(Object.entries(byModel))])),
    traffic: trafficVolume(run),
    judging: stored.judging,
    policy: deps.settings.policy,
    simulated: run.simulated,
    baselineSource: run.request.baseline,
    now: new Date(deps.clock.now()),
  });
  const chosen = stored.models.find((m) => m.model === record.recommended_model);
  if (deps.settings.confirmRecommended && !step.confirm && chosen && chosen.not_judged > 0) {
    deps.log.info('confirming the recommendation on the full sample', { runId: ref.run_id, model: chosen.model, notJudged: chosen.not_judged });
    return { status: 'confirming', recommended_model: chosen.model, confirm: chosen.model };
  }
  if (step.confirm && record.judging) record.judging = { ...record.judging, confirmed_model: step.confirm };
  record.budget = budgetBlock(run);
  record.evaluation_spend = evaluationSpend(run, record.projected_monthly?.saving_usd);
  const cascade = cascadeOf(run, deps.settings.judgeCascade);
  record.judge_cascade = cascade
    ? {
        cheap_model: cascade.cheap.id,
        strong_model: run.request.judge_model,
        margin: cascade.margin,
        escalate_pairwise: cascade.escalatePairwise,
        rubric_cheap: run.judge_rubric_cheap,
        rubric_escalated: run.judge_rubric_escalated,
        pairwise_cheap: run.judge_pairwise_cheap,
        pairwise_escalated: run.judge_pairwise_escalated,
      }
    : null;
  await deps.runs.putRecommendation(ref, record);
  const budgetStop = budgetReason(run);
  const reasons = budgetStop && !run.reasons.some((r) => r.startsWith('budget: judge')) ? [...run.reasons, budgetStop] : run.reasons;
  // A run where nothing could be answered ends failed: there is nothing to recommend from.
  const answered = stored.models.reduce((n, m) => n + m.ok + m.refused, 0);
  if (answered === 0) {
    await deps.runs.setStatus(ref, 'failed', [...reasons, 'no model returned an answer'], new Date(deps.clock.now()).toISOString());
    return { status: 'failed', recommended_model: null, confirm: null };
  }
  const status = reasons.length > 0 ? 'partial' : 'completed';
  await deps.runs.setStatus(ref, status, reasons, new Date(deps.clock.now()).toISOString());
  deps.log.info('run finished', { runId: ref.run_id, status, recommended: record.recommended_model });
  return { status, recommended_model: record.recommended_model, confirm: null };
}
