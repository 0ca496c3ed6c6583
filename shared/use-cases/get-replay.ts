// GET /v1/replays/{id}: the run's status, per-model metrics and recommendation record, for its own tenant only.
import { spendOf } from '../domain/budget.js';
import type { Needs } from './deps.js';
import { problem, type RequestProblem } from './errors.js';

export type GetReplayDeps = Needs<'runs'>;

export const RUN_ID = /^run_[0-9a-f-]{36}$/;

export async function getReplay(
  deps: GetReplayDeps,
  tenantId: string,
  runId: string,
): Promise<{ ok: true; body: Record<string, unknown> } | { ok: false; problem: RequestProblem }> {
  if (!RUN_ID.test(runId)) return { ok: false, problem: problem(404, 'not_found', `replay ${runId.slice(0, 80)} not found`) };
  const ref = { tenant_id: tenantId, run_id: runId };
  const run = await deps.runs.get(ref);
  if (!run) return { ok: false, problem: problem(404, 'not_found', `replay ${runId} not found`) };
  const finished = run.status === 'completed' || run.status === 'partial' || run.status === 'failed';
  const [stored, recommendation] = finished ? await Promise.all([deps.runs.getMetrics(ref), deps.runs.getRecommendation(ref)]) : [null, null];
  const metrics = stored?.models ?? [];
  return {
    ok: true,
    body: {
      run_id: run.run_id,
      status: run.status,
      reasons: run.reasons,
      simulated: run.simulated,
      baseline_model: run.request.baseline_model,
      models: run.models,
      judge_model: run.request.judge_model,
      captures: run.captures,
      progress: { expected: run.expected, stored: run.stored, skipped: run.skipped, dead_lettered: run.dead_lettered, judge_verdicts: run.judge_verdicts },
      spend_usd: run.cost_usd,
      judge_spend_usd: run.judge_cost_usd,
      budget_usd: run.request.budget_usd ?? null,
      /** provider calls + judge calls (rubric, pairwise, second opinions, confirmation); total_usd ≤ budget_usd */
      spend: spendOf(run),
      budget_reached: run.budget_reached || run.skipped > 0,
      suspected_double_calls: run.double_calls,
      created_at: run.created_at,
      deadline: run.deadline,
      finished_at: run.finished_at,
      metrics,
      recommendation,
    },
  };
}
