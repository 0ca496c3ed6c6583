// Browsing replays: the tenant's runs (newest first), and the answers of one run — a page of one model's answers with
// cost, scores and refusal verdicts, or, for one capture, every model's answer beside the baseline's.

import { REFUSAL_CLASSES } from '../domain/refusal-classes.js';
import type { RunSummary } from '../domain/run.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { type AnswerView, answerView } from './browse-captures.js';
import type { Needs } from './deps.js';
import { invalidRequest, problem, type RequestProblem } from './errors.js';

export type BrowseReplaysDeps = Needs<'runs' | 'results' | 'captures'>;
type Outcome<T> = { ok: true; body: T } | { ok: false; problem: RequestProblem };

const RUN_ID = /^run_[0-9a-f-]{36}$/;
const MAX_PAGES_PER_REQUEST = 10;
const Next = onFirstUse(() => z.string().check(z.minLength(1), z.maxLength(400)));

const invalid = (error: z.core.$ZodError): RequestProblem => invalidRequest(error.issues, 'invalid_query', '', '(query)');

const ListQuery = onFirstUse(() => z.strictObject({ limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 20), next: z.optional(Next) }));

/** GET /v1/replays: status, created, models, the headline sentence and the spend of each run. */
export async function listReplays(
  deps: Pick<BrowseReplaysDeps, 'runs'>,
  tenantId: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<Outcome<{ items: (RunSummary & { spend_usd: number })[]; next: string | null }>> {
  const parsed = ListQuery.safeParse(query);
  if (!parsed.success) return { ok: false, problem: invalid(parsed.error) };
  let after: string | null = null;
  if (parsed.data.next) {
    after = Buffer.from(parsed.data.next, 'base64url').toString('utf8');
    if (!/^\d{4}-\d\d-\d\dT[^#]+#run_[0-9a-f-]{36}$/.test(after))
      return { ok: false, problem: problem(400, 'invalid_query', 'next: not a cursor this API returned', { field: 'next' }) };
  }
  const page = await deps.runs.list(tenantId, parsed.data.limit, after);
  return {
    ok: true,
    body: {
      items: page.items.map((r) => ({ ...r, spend_usd: r.cost_usd + r.judge_cost_usd })),
      next: page.next ? Buffer.from(page.next).toString('base64url') : null,
    },
  };
}

const ResultsQuery = onFirstUse(() =>
  z.strictObject({
    model: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    capture: z.optional(z.string().check(z.minLength(1), z.maxLength(128))),
    refusal: z.optional(z.enum(REFUSAL_CLASSES)),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(100)), 50),
    next: z.optional(Next),
  }),
);

type SideBySide = { capture_id: string; prompt: { role: string; content: string }[] | null; baseline: AnswerView | null; answers: AnswerView[] };

/**
 * GET /v1/replays/{id}/results: with `capture`, every model's answer to it beside the baseline's; otherwise a page of
 * one model's answers (default: the baseline), optionally only those with a given refusal verdict.
 */
export async function listResults(
  deps: BrowseReplaysDeps,
  tenantId: string,
  runId: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<Outcome<SideBySide | { model: string; items: (AnswerView & { capture_id: string })[]; next: string | null }>> {
  if (!RUN_ID.test(runId)) return { ok: false, problem: problem(404, 'not_found', 'replay not found') };
  const parsed = ResultsQuery.safeParse(query);
  if (!parsed.success) return { ok: false, problem: invalid(parsed.error) };
  const run = await deps.runs.get({ tenant_id: tenantId, run_id: runId });
  if (!run) return { ok: false, problem: problem(404, 'not_found', `replay ${runId} not found`) };
  const q = parsed.data;
  if (q.model && !run.models.includes(q.model)) {
    return {
      ok: false,
      problem: problem(400, 'invalid_query', `model: ${q.model.slice(0, 80)} was not replayed in this run (${run.models.join(', ')})`, { field: 'model' }),
    };
  }
  const baselineModel = run.request.baseline_model;
  if (q.capture) {
    const capture = await deps.captures.get(tenantId, q.capture);
    const results = await Promise.all(run.models.map((m) => deps.results.get(runId, m, q.capture as string)));
    const found = results.filter((r) => r !== null);
    if (!capture && found.length === 0) return { ok: false, problem: problem(404, 'not_found', `capture ${q.capture.slice(0, 80)} is not in this replay`) };
    const baseline = found.find((r) => r.model === baselineModel);
    return {
      ok: true,
      body: {
        capture_id: q.capture,
        prompt: capture?.messages ?? null,
        baseline: baseline ? answerView(baseline) : null,
        answers: found.filter((r) => r.model !== baselineModel).map(answerView),
      },
    };
  }
  const model = q.model ?? baselineModel;
  // Pages of the (run, model) partition; a refusal filter may need several of them to fill one page.
  const items: (AnswerView & { capture_id: string })[] = [];
  let cursor: string | null = q.next ? Buffer.from(q.next, 'base64url').toString('utf8') : null;
  // A rare verdict could mean reading the whole partition: at most a few pages per request, then `next` goes on.
  let pages = 0;
  do {
    pages++;
    let page: Awaited<ReturnType<typeof deps.results.page>>;
    try {
      page = await deps.results.page(runId, model, cursor, q.limit);
    } catch (error) {
      if (error instanceof RangeError)
        return { ok: false, problem: problem(400, 'invalid_query', 'next: not a cursor this API returned for this model', { field: 'next' }) };
      throw error;
    }
    for (const r of page.items) if (!q.refusal || r.refusal === q.refusal) items.push({ capture_id: r.capture_id, ...answerView(r) });
    cursor = page.cursor;
  } while (cursor && items.length < q.limit && pages < MAX_PAGES_PER_REQUEST);
  return { ok: true, body: { model, items, next: cursor ? Buffer.from(cursor).toString('base64url') : null } };
}
