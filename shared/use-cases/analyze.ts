// POST /v1/analyze (the seed's one-prompt flow): the prompt is stored in the user's history, replayed across the
// models through the same path as any replay (queue, limits, retries, guardrails, budget, judge, recommendation), and
// the answers come back side by side — at once when the run finishes within the wait, otherwise as a run to poll.
import { randomUUID } from 'node:crypto';
import { resolveModel, SEED_MODELS } from '../config/models.js';
import { flattenMessages } from '../domain/capture.js';
import type { RecommendationRecord } from '../domain/recommendation.js';
import { AnalyzeRequestSchema, findReservedKey } from '../schemas/api.js';
import type { RunRef } from '../schemas/messages.js';
import { captureTooLarge } from './capture-traffic.js';
import type { Needs } from './deps.js';
import { invalidRequest, problem, type RequestProblem, reservedKey } from './errors.js';
import { type StartReplayDeps, startReplay } from './start-replay.js';

export type AnalyzeDeps = StartReplayDeps & Needs<'results'>;

export type AnalyzeAnswer = {
  model: string;
  answer: string | null;
  cost_usd: number | null;
  quality: number | null;
  refusal: string | null;
  latency_ms: number | null;
  error: string | null;
};

export type AnalyzeOutcome =
  | { ok: true; done: true; capture_id: string; run_id: string; results: AnalyzeAnswer[]; recommendation: RecommendationRecord | null }
  | { ok: true; done: false; capture_id: string; run_id: string; status: string; poll: string }
  | { ok: false; problem: RequestProblem };

const TERMINAL = new Set(['completed', 'partial', 'failed']);
/** The `source` tag of prompts stored by POST /v1/analyze. */
export const ANALYZE_SOURCE = 'analyze';

export async function analyze(
  deps: AnalyzeDeps,
  tenantId: string,
  body: unknown,
  options: { waitMs: number; pollMs?: number; sleep?: (ms: number) => Promise<void> },
): Promise<AnalyzeOutcome> {
  const reserved = findReservedKey(body);
  if (reserved) return { ok: false, problem: reservedKey(reserved) };
  const parsed = AnalyzeRequestSchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, problem: invalidRequest(parsed.error.issues, 'invalid_analyze_request') };
  const req = parsed.data;
  const models = req.models ?? [...SEED_MODELS];
  const baseline = req.baseline_model ?? (models[0] as string);
  // Everything that can be wrong with the request is checked before the prompt is stored: no half-written analysis.
  const named: [string, string][] = [
    ...models.map((m, i): [string, string] => [`models.${i}`, m]),
    ['baseline_model', baseline],
    ['judge_model', req.judge_model],
  ];
  for (const [field, model] of named) {
    if (!resolveModel(model)) return { ok: false, problem: problem(400, 'unknown_model', `${field}: unknown model "${model.slice(0, 200)}"`, { field }) };
  }
  if (!models.some((m) => m !== baseline)) {
    return { ok: false, problem: problem(400, 'invalid_analyze_request', 'models: name at least one model besides the baseline', { field: 'models' }) };
  }
  const messages = req.messages ? flattenMessages(req.messages) : [{ role: 'user' as const, content: req.prompt as string }];
  const tooLarge = captureTooLarge({ messages, completion: '' }, req.messages ? 'messages' : 'prompt');
  if (tooLarge) return { ok: false, problem: tooLarge };
  const capturedAt = new Date(deps.clock.now()).toISOString();
  const id = `an-${randomUUID()}`;
  // The prompt joins the user's history first; the answers are the run's results for it.
  await deps.captures.put(tenantId, {
    id,
    model: baseline,
    messages,
    completion: '',
    usage: null,
    latency_ms: null,
    // Marked, so replays of production traffic leave these out unless they ask for them (captures.tags.source).
    tags: { ...req.tags, source: ANALYZE_SOURCE },
    conversation_id: null,
    user: req.user_id,
    metadata: {},
    captured_at: capturedAt,
  });
  const started = await startReplay(
    deps,
    tenantId,
    {
      baseline_model: baseline,
      candidate_models: models.filter((m) => m !== baseline),
      judge_model: req.judge_model,
      max_tokens: req.max_tokens,
      budget_usd: req.budget_usd,
      guardrails: req.guardrails,
      portkey_config: req.portkey_config,
      deadline_minutes: 10,
    },
    [{ id, model: baseline, captured_at: capturedAt, tags: {} }],
  );
  if (!started.ok) return started;
  if (!('run_id' in started)) return { ok: false, problem: problem(400, 'invalid_analyze_request', 'dry runs are not offered here', { field: '(body)' }) };
  const ref: RunRef = { tenant_id: tenantId, run_id: started.run_id };
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const until = deps.clock.now() + options.waitMs;
  let status = 'running';
  for (;;) {
    const run = await deps.runs.get(ref);
    status = run?.status ?? 'failed';
    if (TERMINAL.has(status) || deps.clock.now() >= until) break;
    await sleep(options.pollMs ?? 250);
  }
  if (!TERMINAL.has(status)) return { ok: true, done: false, capture_id: id, run_id: started.run_id, status, poll: `/v1/replays/${started.run_id}` };
  const [results, recommendation] = await Promise.all([
    Promise.all(started.models.map((m) => deps.results.get(started.run_id, m, id))),
    deps.runs.getRecommendation(ref),
  ]);
  return {
    ok: true,
    done: true,
    capture_id: id,
    run_id: started.run_id,
    results: started.models.map((model, i) => {
      const r = results[i];
      return {
        model,
        answer: r ? r.answer : null,
        cost_usd: r?.cost_usd ?? null,
        quality: r?.quality ?? null,
        refusal: r?.refusal ?? null,
        latency_ms: r?.latency_ms ?? null,
        error: !r ? 'no result' : r.status === 'error' || r.status === 'skipped' || r.status === 'guardrail_blocked' ? (r.error_kind ?? r.status) : null,
      };
    }),
    recommendation,
  };
}
