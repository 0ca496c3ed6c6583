// POST /v1/replays and the schedule: pick captures, create the run, enqueue (capture, model) IDs, start aggregation.
import { randomUUID } from 'node:crypto';
import { resolveModel } from '../config/models.js';
import type { CaptureRef } from '../domain/capture.js';
import { estimateReplay, type ReplayEstimate } from '../domain/estimate.js';
import { seededSample } from '../domain/random.js';
import type { RunRecord } from '../domain/run.js';
import { newRunRecord } from '../domain/run.js';
import { loadTokenizer } from '../domain/tokens.js';
import { findReservedKey, type ReplayRequest, ReplayRequestSchema } from '../schemas/api.js';
import type { WorkItem } from '../schemas/messages.js';
import type { Needs } from './deps.js';
import { cascadeOf } from './judge-cascade.js';

export type StartReplayDeps = Needs<
  'captures' | 'runs' | 'queue' | 'workflow' | 'clock' | 'log',
  'priceOverrides' | 'simulated' | 'pairwiseJudging' | 'pairwiseSample' | 'judgeCascade' | 'sequentialJudging' | 'confirmRecommended'
>;

import { invalidRequest, problem, type RequestProblem, reservedKey } from './errors.js';

export type StartReplayOutcome =
  | {
      ok: true;
      run_id: string;
      status: 'running';
      captures: number;
      models: string[];
      expected: number;
      deadline: string;
      baseline_model: string;
      budget_usd: number | null;
    }
  | { ok: true; dry_run: true; captures: number; models: string[]; baseline_model: string; estimate: ReplayEstimate }
  | { ok: false; problem: RequestProblem };

/** Candidate pool size when a seeded sample is asked for: the sample is drawn from up to this many captures. */
const SAMPLE_POOL = 10_000;

function mostCommonModel(captures: readonly CaptureRef[]): string | undefined {
  const counts = new Map<string, number>();
  for (const c of captures) counts.set(c.model, (counts.get(c.model) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

/** Starts a replay of the captures the request selects, or of `pinned` captures (POST /v1/analyze's one prompt). */
export async function startReplay(deps: StartReplayDeps, tenantId: string, body: unknown, pinned?: readonly CaptureRef[]): Promise<StartReplayOutcome> {
  const reserved = findReservedKey(body);
  if (reserved) return { ok: false, problem: reservedKey(reserved) };
  const parsed = ReplayRequestSchema.safeParse(body ?? {});
  if (!parsed.success) return { ok: false, problem: invalidRequest(parsed.error.issues, 'invalid_replay_request') };
  const request: ReplayRequest = parsed.data;
  // A saved config carries its own guardrails; two sources would leave unclear which one applies.
  if (request.portkey_config && request.guardrails)
    return {
      ok: false,
      problem: problem(400, 'invalid_replay_request', 'portkey_config: give either a saved Portkey config or inline guardrails, not both', {
        field: 'portkey_config',
      }),
    };
  for (const [i, m] of [...request.candidate_models.entries()]) {
    if (!resolveModel(m))
      return {
        ok: false,
        problem: problem(400, 'unknown_model', `candidate_models.${i}: unknown model "${m}" (use a catalog name or "provider/model")`, {
          field: `candidate_models.${i}`,
        }),
      };
  }
  if (!resolveModel(request.judge_model))
    return { ok: false, problem: problem(400, 'unknown_model', `judge_model: unknown model "${request.judge_model}"`, { field: 'judge_model' }) };
  // A captured baseline is never called: it may be a retired or fine-tuned model the catalog does not know.
  const captured = request.baseline === 'captured';
  if (request.baseline_model && !captured && !resolveModel(request.baseline_model)) {
    return { ok: false, problem: problem(400, 'unknown_model', `baseline_model: unknown model "${request.baseline_model}"`, { field: 'baseline_model' }) };
  }
  const from = request.captures.from ? new Date(request.captures.from).toISOString() : undefined;
  const to = request.captures.to ? new Date(request.captures.to).toISOString() : undefined;
  if (from && to && from > to)
    return { ok: false, problem: problem(400, 'invalid_replay_request', 'captures.from: must not be after captures.to', { field: 'captures.from' }) };

  const sample = request.captures.sample;
  const pool =
    pinned ??
    (await deps.captures.list(tenantId, {
      from,
      to,
      tags: request.captures.tags,
      limit: sample ? SAMPLE_POOL : request.captures.limit,
    }));
  // Prompts asked through POST /v1/analyze are not production traffic: left out unless the selection asks for them.
  const asked = request.captures.tags?.source === 'analyze';
  const production = pinned || asked ? pool : pool.filter((c) => c.tags.source !== 'analyze');
  // A captured baseline is one model's captured answers: only captures of that model take part.
  const eligible = request.baseline === 'captured' && request.baseline_model ? production.filter((c) => c.model === request.baseline_model) : production;
  const chosen = sample ? seededSample(eligible, Math.min(sample.size, request.captures.limit), sample.seed) : eligible;
  if (chosen.length === 0)
    return { ok: false, problem: problem(422, 'no_captures', 'no captures match the selection (time window, tags)', { field: 'captures' }) };

  const baseline = request.baseline_model ?? mostCommonModel(chosen);
  if (!baseline || (!captured && !resolveModel(baseline))) {
    return {
      ok: false,
      problem: problem(422, 'unknown_model', `baseline model "${baseline}" of the captures is not in the catalog; name baseline_model as "provider/model"`, {
        field: 'baseline_model',
      }),
    };
  }
  // With a captured baseline, every baseline answer must be that model's own: other models' captures take no part.
  const selected = captured ? chosen.filter((c) => c.model === baseline) : chosen;
  if (selected.length === 0)
    return {
      ok: false,
      problem: problem(422, 'no_captures', `no captures of the baseline model "${baseline}" match the selection`, { field: 'baseline_model' }),
    };
  if (captured && request.candidate_models.includes(baseline)) {
    const i = request.candidate_models.indexOf(baseline);
    return {
      ok: false,
      problem: problem(
        400,
        'invalid_replay_request',
        `candidate_models.${i}: "${baseline}" is the captured baseline; a replayed copy of it is not supported yet`,
        { field: `candidate_models.${i}` },
      ),
    };
  }
  const models = [...new Set([baseline, ...request.candidate_models])];
  if (request.dry_run) {
    const loaded = await mapConcurrent(selected, 16, (c) => deps.captures.get(tenantId, c.id));
    await loadTokenizer();
    const estimate = estimateReplay({
      captures: loaded.filter((c): c is NonNullable<typeof c> => c !== null),
      // A captured baseline is priced as its captures' own model (or not at all when the catalog does not know it).
      models: models.map((m) => resolveModel(m) ?? { id: m, provider: 'captured', apiModel: m, price: null, wire: 'openai' as const }),
      judge: resolveModel(request.judge_model)!,
      maxTokens: request.max_tokens,
      priceOverrides: deps.settings.priceOverrides,
      fromCaptures: captured ? [baseline] : [],
      baseline,
      // Every judge call the run will make: rubric, pairwise (both orders), second opinions, the confirmation pass.
      judging: {
        pairwise: deps.settings.pairwiseJudging,
        secondOpinions: request.refusal_second_opinion,
        confirmation: deps.settings.sequentialJudging && deps.settings.confirmRecommended,
        pairwiseSample: deps.settings.pairwiseSample,
        cheapJudge: cascadeOf({ request }, deps.settings.judgeCascade)?.cheap ?? null,
      },
    });
    return { ok: true, dry_run: true, captures: selected.length, models, baseline_model: baseline, estimate };
  }
  const now = deps.clock.now();
  const run = newRunRecord({
    tenantId,
    runId: `run_${randomUUID()}`,
    request: { ...request, baseline_model: baseline },
    models,
    captures: selected.length,
    now,
    simulated: deps.settings.simulated,
    traffic: pinned ? null : trafficOf(pool, sample ? SAMPLE_POOL : request.captures.limit),
  });
  await deps.runs.create(run);
  const items: WorkItem[] = [];
  for (const c of selected) for (const model of models) items.push({ v: 1, tenant_id: tenantId, run_id: run.run_id, capture_id: c.id, model });
  const ref = { tenant_id: tenantId, run_id: run.run_id };
  // The state machine first: whatever happens next, it ends the run (at the latest at its deadline).
  await deps.workflow.startAggregation(ref);
  try {
    await deps.queue.enqueue(items);
  } catch (error) {
    // Some work items may be queued: the run ends failed or partial, never silently hangs.
    await deps.runs.setStatus(ref, 'failed', ['enqueue failed: the work items could not all be queued'], new Date(deps.clock.now()).toISOString());
    throw error;
  }
  deps.log.info('replay started', { runId: run.run_id, captures: selected.length, models: models.length });
  return {
    ok: true,
    run_id: run.run_id,
    status: 'running',
    captures: selected.length,
    models,
    expected: run.expected,
    deadline: run.deadline,
    baseline_model: baseline,
    budget_usd: request.budget_usd ?? null,
  };
}

/** How much traffic the selection window held: the basis of monthly projections. */
function trafficOf(pool: readonly CaptureRef[], cap: number): RunRecord['traffic'] {
  if (pool.length === 0) return null;
  const times = pool.map((c) => c.captured_at).sort();
  return { matched: pool.length, first_at: times[0]!, last_at: times[times.length - 1]!, capped: pool.length >= cap };
}

async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i] as T);
      }
    }),
  );
  return out;
}
