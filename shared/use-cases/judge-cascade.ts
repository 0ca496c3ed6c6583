// Which judge cascade a run uses (its request's, else the deployment's default), resolved to catalog models.
import { type ModelSpec, resolveModel } from '../config/models.js';
import type { JudgeCascade } from '../domain/judge-cascade.js';
import { computeCost } from '../domain/pricing.js';
import type { RunRecord } from '../domain/run.js';

/** What a typical judge call (1,000 tokens in, 100 out) costs on `model`; null when it has no price. */
const typicalCallUsd = (model: ModelSpec) => computeCost({ input_tokens: 1000, output_tokens: 100 }, model).usd;

/**
 * The run's cascade: its request's, else the deployment's default; null when off, when its cheap model is unknown or
 * the run's judge itself, or when it is not cheaper than the run's judge (a run already judged by a small model).
 */
export function cascadeOf(
  run: { request: Pick<RunRecord['request'], 'judge_cascade' | 'judge_model'> },
  fallback: JudgeCascade | null,
): { cheap: ModelSpec; margin: number; escalatePairwise: boolean } | null {
  const chosen = run.request.judge_cascade === undefined ? fallback : run.request.judge_cascade;
  if (!chosen) return null;
  const cheap = resolveModel(chosen.cheap_model);
  if (!cheap || cheap.id === run.request.judge_model) return null;
  const strong = resolveModel(run.request.judge_model);
  const [cheapUsd, strongUsd] = [typicalCallUsd(cheap), strong ? typicalCallUsd(strong) : null];
  if (cheapUsd === null || strongUsd === null || cheapUsd >= strongUsd) return null;
  return { cheap, margin: chosen.margin, escalatePairwise: chosen.escalate_pairwise ?? true };
}
