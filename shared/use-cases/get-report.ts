// GET /v1/replays/{id}/report: the finished run as one HTML page, for its own tenant only. Reads the run, its metrics
// and recommendation, and a sample of prompts (the baseline's first results, then every other model's answer to them).
import type { ReplayResult } from '../domain/result.js';
import { type ReportSample, renderReportHtml } from '../report/render-html.js';
import type { Needs } from './deps.js';
import { problem, type RequestProblem } from './errors.js';
import { RUN_ID } from './get-replay.js';

export type GetReportDeps = Needs<'runs' | 'results' | 'captures'>;

/** Prompts shown with every model's answer. */
export const REPORT_SAMPLE_SIZE = 10;

const FINISHED = new Set(['completed', 'partial', 'failed']);

export async function getReport(
  deps: GetReportDeps,
  tenantId: string,
  runId: string,
  sampleSize = REPORT_SAMPLE_SIZE,
): Promise<{ ok: true; html: string } | { ok: false; problem: RequestProblem }> {
  if (!RUN_ID.test(runId)) return { ok: false, problem: problem(404, 'not_found', `replay ${runId.slice(0, 80)} not found`) };
  const ref = { tenant_id: tenantId, run_id: runId };
  const run = await deps.runs.get(ref);
  if (!run) return { ok: false, problem: problem(404, 'not_found', `replay ${runId} not found`) };
  if (!FINISHED.has(run.status)) {
    return {
      ok: false,
      problem: problem(
        409,
        'not_finished',
        `replay ${runId} is still ${run.status}: its report is available once it has finished (GET /v1/replays/${runId} shows progress)`,
      ),
    };
  }
  const [metrics, recommendation, samples] = await Promise.all([
    deps.runs.getMetrics(ref),
    deps.runs.getRecommendation(ref),
    sampleAnswers(deps, tenantId, runId, run.request.baseline_model, run.models, sampleSize),
  ]);
  return { ok: true, html: renderReportHtml({ run, metrics: metrics?.models ?? [], recommendation, samples }) };
}

/** The first `size` baseline results of the run, each with every other model's result and the capture's text. */
async function sampleAnswers(
  deps: GetReportDeps,
  tenantId: string,
  runId: string,
  baseline: string,
  models: readonly string[],
  size: number,
): Promise<ReportSample[]> {
  const first: ReplayResult[] = [];
  let cursor: string | null = null;
  do {
    const page = await deps.results.page(runId, baseline, cursor, size);
    first.push(...page.items);
    cursor = page.cursor;
  } while (cursor && first.length < size);
  const others = models.filter((m) => m !== baseline);
  return Promise.all(
    first.slice(0, size).map(async (base) => {
      const [capture, rest] = await Promise.all([
        deps.captures.get(tenantId, base.capture_id),
        Promise.all(others.map((m) => deps.results.get(runId, m, base.capture_id))),
      ]);
      return { capture_id: base.capture_id, capture, results: [base, ...rest.filter((r): r is ReplayResult => r !== null)] };
    }),
  );
}
