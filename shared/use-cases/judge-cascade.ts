// Which judge cascade a run uses (its request's, else the deployment's default), resolved to catalog models.
import { type ModelSpec, resolveModel } from '../config/models.js';
import type { JudgeCascade } from '../domain/judge-cascade.js';
import type { RunRecord } from '../domain/run.js';

/**
 * The run's cascade: its request's, else the deployment's default; null when off, or when its cheap model is unknown
 * or is the run's judge itself (a run already judged by the small model).
 */
export function cascadeOf(
  run: { request: Pick<RunRecord['request'], 'judge_cascade' | 'judge_model'> },
  fallback: JudgeCascade | null,
): { cheap: ModelSpec; margin: number; escalatePairwise: boolean } | null {
  const chosen = run.request.judge_cascade === undefined ? fallback : run.request.judge_cascade;
  if (!chosen) return null;
  const cheap = resolveModel(chosen.cheap_model);
  if (!cheap || cheap.id === run.request.judge_model) return null;
  return { cheap, margin: chosen.margin, escalatePairwise: chosen.escalate_pairwise ?? true };
}
