// State ComputeMetrics (and RecomputeMetrics): streams every result page by page into per-model accumulators and the
// paired comparison of each candidate with the baseline (every measured criterion, overall and per segment).
import { RunComparison } from '../../domain/comparison.js';
import { type Comparison, measuredCriteria } from '../../domain/criteria/index.js';
import { ModelAccumulator, type ModelMetrics } from '../../domain/metrics.js';
import type { RunRef } from '../../schemas/messages.js';
import type { Needs } from '../deps.js';
import { loadRun } from './load-run.js';

export type ComputeMetricsDeps = Needs<'runs' | 'results', 'policy'>;

export async function computeMetrics(deps: ComputeMetricsDeps, ref: RunRef): Promise<{ models: number; results: number }> {
  const run = await loadRun(deps, ref);
  const baselineModel = run.request.baseline_model;
  const comparison = new RunComparison(measuredCriteria(deps.settings.policy));
  const models: ModelMetrics[] = [];
  const comparisons: Record<string, Comparison> = {};
  const segments: Record<string, Record<string, Comparison>> = {};
  let total = 0;
  const ordered = [baselineModel, ...run.models.filter((m) => m !== baselineModel)];
  for (const model of ordered) {
    const isBaseline = model === baselineModel;
    const acc = new ModelAccumulator(model, isBaseline);
    const candidate = isBaseline ? null : comparison.candidate();
    let cursor: string | null = null;
    do {
      const page = await deps.results.page(run.run_id, model, cursor, 500);
      for (const r of page.items) {
        acc.add(r);
        total++;
        if (candidate) candidate.add(r);
        else comparison.addBaseline(r);
      }
      cursor = page.cursor;
    } while (cursor);
    const metrics = acc.finish();
    models.push(metrics);
    const baseline = models[0];
    if (candidate && baseline) {
      const { overall, segments: bySegment } = candidate.finish(model, { candidate: metrics, baseline });
      comparisons[model] = overall;
      for (const [segment, c] of bySegment) {
        segments[segment] ??= {};
        segments[segment][model] = c;
      }
    }
  }
  const answers = models.reduce((n, m) => n + m.ok + m.refused, 0);
  const judgedCount = models.reduce((n, m) => n + m.scored + m.unscored, 0);
  const judging = { answers, judged: judgedCount, saved_fraction: answers === 0 ? 0 : 1 - judgedCount / answers };
  await deps.runs.putMetrics(ref, { models, comparisons, segments, judging });
  return { models: models.length, results: total };
}
