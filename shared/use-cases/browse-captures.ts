// Browsing captured traffic: a filtered page of captures, one capture whole, and one end user's history with every
// replay answer their prompts got. Tenant-scoped; every list is served by an index (see docs/design.md).

import type { CaptureQuery, StoredCapture } from '../domain/capture.js';
import type { ReplayResult } from '../domain/result.js';
import { DateTime, RESERVED_KEYS } from '../schemas/api.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import type { Needs } from './deps.js';
import { invalidRequest, problem, type RequestProblem, reservedKey } from './errors.js';

export type BrowseDeps = Needs<'captures' | 'results'>;

type Outcome<T> = { ok: true; body: T } | { ok: false; problem: RequestProblem };

const MAX_PAGE = 100;
/** Dates a query may name: the same range captures are stored in. */
const When = onFirstUse(() =>
  z.pipe(
    DateTime,
    z.transform((d) => new Date(d).toISOString()),
  ),
);
const Cursor = onFirstUse(() =>
  z.pipe(
    z.string().check(z.maxLength(600)),
    z.transform((s, ctx) => {
      try {
        const parsed = z
          .strictObject({ captured_at: z.iso.datetime(), id: z.string().check(z.regex(/^[A-Za-z0-9._:-]{1,128}$/)) })
          .parse(JSON.parse(Buffer.from(s, 'base64url').toString('utf8')));
        return parsed;
      } catch {
        ctx.issues.push({ code: 'custom', message: 'not a cursor this API returned', input: s });
        return z.NEVER;
      }
    }),
  ),
);
const encodeCursor = (c: { captured_at: string; id: string } | null): string | null => (c ? Buffer.from(JSON.stringify(c)).toString('base64url') : null);

const ListFields = onFirstUse(() =>
  z.strictObject({
    user: z.optional(z.string().check(z.minLength(1), z.maxLength(256))),
    model: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    from: z.optional(When),
    to: z.optional(When),
    limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_PAGE)), 20),
    next: z.optional(Cursor),
  }),
);
const fromBeforeTo = (q: { from?: string; to?: string }) => !q.from || !q.to || q.from <= q.to;
const ListQuery = onFirstUse(() => ListFields.check(z.refine(fromBeforeTo, { message: 'must not be after to', path: ['from'] })));

const firstIssue = (error: z.core.$ZodError, prefix = ''): RequestProblem => invalidRequest(error.issues, 'invalid_query', prefix, '(query)');

/** Splits `tag.<key>=<value>` parameters from the rest; a tag key must be non-empty. */
function splitTags(query: Readonly<Record<string, string | undefined>>): { rest: Record<string, string>; tags: Record<string, string> } | RequestProblem {
  const rest: Record<string, string> = {};
  const tags: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (k.startsWith('tag.')) {
      const key = k.slice(4);
      if (RESERVED_KEYS.has(key)) return reservedKey(k);
      if (!key || key.length > 64 || v.length > 256)
        return problem(400, 'invalid_query', `${k}: a tag filter is tag.<key>=<value> (key ≤ 64, value ≤ 256 characters)`, { field: k });
      tags[key] = v;
    } else rest[k] = v;
  }
  if (Object.keys(tags).length > 20) return problem(400, 'invalid_query', 'tag.*: at most 20 tag filters', { field: 'tag' });
  return { rest, tags };
}

type ParsedList = { user?: string; model?: string; from?: string; to?: string; limit: number; next?: { captured_at: string; id: string } };

/** A browsing query string → the store's query, or the 400 naming the first bad parameter. */
function parseQuery(
  schema: z.ZodMiniType<ParsedList>,
  query: Readonly<Record<string, string | undefined>>,
): { query: CaptureQuery } | { problem: RequestProblem } {
  const split = splitTags(query);
  if ('status' in split) return { problem: split };
  const parsed = schema.safeParse(split.rest);
  if (!parsed.success) return { problem: firstIssue(parsed.error) };
  const q = parsed.data;
  return {
    query: {
      user: q.user,
      model: q.model,
      from: q.from,
      to: q.to,
      tags: Object.keys(split.tags).length ? split.tags : undefined,
      limit: q.limit,
      after: q.next,
    },
  };
}

export type CaptureSummary = { id: string; model: string; captured_at: string; tags: Record<string, string>; user?: string | null };

/** GET /v1/captures: newest first, filtered by user, model, tags and time; `next` continues after this page. */
export async function listCaptures(
  deps: Pick<BrowseDeps, 'captures'>,
  tenantId: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<Outcome<{ items: CaptureSummary[]; next: string | null }>> {
  const q = parseQuery(ListQuery, query);
  if ('problem' in q) return { ok: false, problem: q.problem };
  const page = await deps.captures.page(tenantId, q.query);
  return { ok: true, body: { items: page.items, next: encodeCursor(page.next) } };
}

const CAPTURE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** GET /v1/captures/{id}: the stored capture whole (messages, completion, usage, tags, metadata, user). */
export async function getCapture(deps: Pick<BrowseDeps, 'captures'>, tenantId: string, id: string): Promise<Outcome<StoredCapture>> {
  if (!CAPTURE_ID.test(id)) return { ok: false, problem: problem(404, 'not_found', 'capture not found') };
  const capture = await deps.captures.get(tenantId, id);
  return capture ? { ok: true, body: capture } : { ok: false, problem: problem(404, 'not_found', `capture ${id} not found`) };
}

export type AnswerView = Pick<
  ReplayResult,
  'run_id' | 'model' | 'status' | 'answer' | 'cost_usd' | 'latency_ms' | 'quality' | 'judge' | 'refusal' | 'refusal_signals' | 'error_kind' | 'pairwise'
>;

export const answerView = (r: ReplayResult): AnswerView => ({
  run_id: r.run_id,
  model: r.model,
  status: r.status,
  answer: r.answer,
  cost_usd: r.cost_usd,
  latency_ms: r.latency_ms,
  quality: r.quality ?? null,
  judge: r.judge ?? null,
  refusal: r.refusal,
  refusal_signals: r.refusal_signals,
  error_kind: r.error_kind,
  pairwise: r.pairwise ?? null,
});

const HistoryQuery = onFirstUse(() =>
  z
    .extend(z.omit(ListFields, { user: true }), { limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(50)), 10) })
    .check(z.refine(fromBeforeTo, { message: 'must not be after to', path: ['from'] })),
);

/** GET /v1/users/{user}/history: the user's prompts and answers, newest first, with every replay answer they got. */
export async function userHistory(
  deps: BrowseDeps,
  tenantId: string,
  user: string,
  query: Readonly<Record<string, string | undefined>>,
): Promise<Outcome<{ user: string; items: (StoredCapture & { replays: AnswerView[] })[]; next: string | null }>> {
  if (!user || user.length > 256) return { ok: false, problem: problem(400, 'invalid_user', 'user: 1 to 256 characters', { field: 'user' }) };
  const q = parseQuery(HistoryQuery, query);
  if ('problem' in q) return { ok: false, problem: q.problem };
  const page = await deps.captures.page(tenantId, { ...q.query, user });
  const items = await Promise.all(
    page.items.map(async (ref) => {
      const [capture, results] = await Promise.all([deps.captures.get(tenantId, ref.id), deps.results.forCapture(tenantId, ref.id, 100)]);
      return capture ? { ...capture, replays: results.map(answerView) } : null;
    }),
  );
  return { ok: true, body: { user, items: items.filter((i): i is NonNullable<typeof i> => i !== null), next: encodeCursor(page.next) } };
}
