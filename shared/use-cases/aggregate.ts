// The aggregate state machine's steps. Each takes and returns keys and counts only (256 KiB state limit).
import { resolveModel } from '../config/models.js';
import { buildRubricJudgeMessages, parseRubricVerdict, weightedQuality, type ChatMessage } from '../domain/judge.js';
import { ModelAccumulator, NumberColumn } from '../domain/metrics.js';
import { recommendSwitch, type Comparison, type TrafficVolume } from '../domain/recommendation.js';
import { clusteredRelativeChange, pairedProportionDifference, pairedRelativeChange, type PairedCounts } from '../domain/stats.js';
import type { Progress, RecommendStep, RunRef, ScoringStep } from '../schemas/messages.js';
import { addPair, emptyPairStats, sequentialDecision, type PairStats } from '../domain/sequential.js';
import { combineBothOrders } from '../domain/pairwise.js';
import { askPairwise } from './judge-eval.js';
import type { ModelMetrics, ReplayResult, RunRecord, StoredCapture } from '../ports/index.js';
import type { Deps } from './deps.js';
import { limitedLlm } from './limited-llm.js';
import { meteredLlm } from './metered-llm.js';

/** Thrown when a step is given a run that does not exist: a bug in wiring, not user input. */
export class RunNotFoundError extends Error {
  constructor(ref: RunRef) {
    super(`run ${ref.run_id} not found`);
    this.name = 'RunNotFoundError';
  }
}

async function loadRun(deps: Deps, ref: RunRef): Promise<RunRecord> {
  const run = await deps.runs.get(ref);
  if (!run) throw new RunNotFoundError(ref);
  return run;
}

/** CheckProgress: done when every work item has a result, or the deadline has passed. */
export async function checkProgress(deps: Deps, ref: RunRef): Promise<Progress> {
  const run = await loadRun(deps, ref);
  const base = { ...ref, stored: run.stored, expected: run.expected };
  if (run.status !== 'running') return { ...base, done: true, reasons: run.reasons };
  let stored = run.stored;
  if (stored < run.expected && deps.clock.now() >= Date.parse(run.deadline)) {
    // The counter can lag a crashed worker's write; count what is really stored before calling it partial.
    stored = await countStored(deps, run);
  }
  const reasons: string[] = [];
  if (run.skipped > 0) reasons.push(`budget: ${run.skipped} of ${run.expected} work items skipped at the $${run.request.budget_usd} cap`);
  if (run.dead_lettered > 0) reasons.push(`dead-lettered: ${run.dead_lettered} work items reached the dead-letter queue`);
  if (stored >= run.expected) {
    await deps.runs.beginAggregation(ref, reasons);
    return { ...base, stored, done: true, reasons };
  }
  if (deps.clock.now() >= Date.parse(run.deadline)) {
    reasons.push(`deadline: ${run.expected - stored} of ${run.expected} work items had no result`);
    await deps.runs.beginAggregation(ref, reasons);
    return { ...base, stored, done: true, reasons };
  }
  return { ...base, done: false, reasons: [] };
}

async function countStored(deps: Deps, run: RunRecord): Promise<number> {
  let n = 0;
  for (const model of run.models) {
    let cursor: string | null = null;
    do {
      const page = await deps.results.page(run.run_id, model, cursor, 500);
      n += page.items.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return n;
}

/** Judges one answer; an unparseable verdict gets one re-ask, then the result is 'unscored'. */
async function judgeOne(deps: Deps, run: RunRecord, capture: StoredCapture, result: ReplayResult) {
  const judge = resolveModel(run.request.judge_model);
  if (!judge) return { quality: null, judge: null, judge_status: 'unscored' as const };
  const messages: ChatMessage[] = buildRubricJudgeMessages(capture.messages, result.answer);
  for (let attempt = 0; attempt < 2; attempt++) {
    const outcome = await deps.llm.complete({
      model: judge,
      messages: attempt === 0 ? messages : [...messages, { role: 'user', content: 'Your reply was not valid. Reply with the JSON object only.' }],
      maxTokens: 200,
      temperature: 0,
      trace: { runId: run.run_id, captureId: capture.id, purpose: 'judge' },
      timeoutMs: deps.settings.callTimeoutMs,
    });
    if (!outcome.ok) continue;
    const verdict = parseRubricVerdict(outcome.text);
    if (verdict) return { quality: weightedQuality(verdict, deps.settings.rubricWeights), judge: verdict, judge_status: 'scored' as const };
  }
  return { quality: null, judge: null, judge_status: 'unscored' as const };
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  });
  await Promise.all(workers);
}

/**
 * ScoreQuality: one look per invocation. Judges the next page of captures — the baseline's answer and the answers of
 * every candidate whose quality decision is not settled yet — then updates each candidate's paired sums and, with
 * sequential judging on, settles candidates whose interval (alpha spent over looks) clears or misses the threshold.
 * Hands back a cursor so the state machine loops; finished when every capture is judged or every candidate settled.
 */
export async function scoreQuality(base: Deps, step: ScoringStep): Promise<ScoringStep> {
  const run = await loadRun(base, step);
  // Judge calls share the provider limits with the fan-out; a long wait fails the step and the state machine retries it.
  const limited = limitedLlm(base.llm, base.limiter, base.settings.providerLimits, base.clock, { maxWaitMs: 120_000, leaseMs: base.settings.callTimeoutMs + 5_000 });
  const spend = meteredLlm(limited, base.settings.priceOverrides);
  const deps: Deps = { ...base, llm: spend.llm };
  try {
    return await scoreQualityLook(deps, run, step);
  } finally {
    await base.runs.addJudgeSpend(step, spend.usd());
  }
}

async function scoreQualityLook(deps: Deps, run: RunRecord, step: ScoringStep): Promise<ScoringStep> {
  const baselineModel = run.request.baseline_model;
  const candidates = run.models.filter((m) => m !== baselineModel);
  const open = step.confirm ? [step.confirm] : candidates.filter((m) => !step.settled[m]);
  const perPage = Math.max(1, Math.min(deps.settings.judgeLook, Math.floor(deps.settings.judgeBatch / Math.max(1, open.length + 1))));
  const page = await deps.results.page(run.run_id, baselineModel, step.cursor, perPage);
  const stats: Record<string, PairStats> = { ...step.stats };
  let judged = step.judged;

  const judgeable = (r: ReplayResult | null): r is ReplayResult => r !== null && (r.status === 'ok' || r.status === 'refused');
  const scoreOf = async (model: string, r: ReplayResult, capture: StoredCapture | null): Promise<number | null> => {
    if (r.judge_status === 'scored') return r.quality ?? null;
    if (r.judge_status === 'unscored') return null;
    const score = capture ? await judgeOne(deps, run, capture, r) : { quality: null, judge: null, judge_status: 'unscored' as const };
    await deps.results.setScore(run.run_id, model, r.capture_id, score);
    judged++;
    return score.quality;
  };

  await mapLimit(page.items, deps.settings.judgeConcurrency, async (base) => {
    const answers = await Promise.all(open.map((m) => deps.results.get(run.run_id, m, base.capture_id)));
    if (!judgeable(base) && !answers.some(judgeable)) return;
    const capture = await deps.captures.get(run.tenant_id, base.capture_id);
    const qb = judgeable(base) ? await scoreOf(baselineModel, base, capture) : null;
    await Promise.all(
      open.map(async (model, i) => {
        const r = answers[i] ?? null;
        if (!judgeable(r)) return;
        const qc = await scoreOf(model, r, capture);
        if (qb !== null && qc !== null) stats[model] = addPair(stats[model] ?? emptyPairStats(), qb, qc);
        if (deps.settings.pairwiseJudging && capture && judgeable(base) && r.pairwise == null) {
          const judge = resolveModel(run.request.judge_model)!;
          const trace = { runId: run.run_id, captureId: r.capture_id };
          // Both orders: the candidate first, then the baseline first.
          const [first, second] = await Promise.all([
            askPairwise(deps.llm, judge, capture.messages, r.answer, base.answer, trace, deps.settings.callTimeoutMs),
            askPairwise(deps.llm, judge, capture.messages, base.answer, r.answer, trace, deps.settings.callTimeoutMs),
          ]);
          judged += 2;
          if (first && second) await deps.results.setPairwise(run.run_id, model, r.capture_id, combineBothOrders(first, second).outcome);
        }
      }),
    );
  });

  const look = step.look + 1;
  const settled = { ...step.settled };
  if (deps.settings.sequentialJudging && !step.confirm) {
    for (const model of open) {
      const s = stats[model];
      if (!s) continue;
      const { verdict } = sequentialDecision(s, look, { thresholdFraction: deps.settings.policy.minQualityImpactPercent / 100, alpha: 0.05 });
      if (verdict !== 'undecided') settled[model] = verdict;
    }
  }
  const allSettled = !step.confirm && candidates.length > 0 && candidates.every((m) => settled[m]);
  return { ...step, cursor: page.cursor, look, judged, stats, settled, finished: page.cursor === null || allSettled };
}

type Pair = { quality: number | null; cost: number | null; refused: boolean; errored: boolean; attempted: boolean; segment: string | null; cluster: string };

function tally(t: PairedCounts, first: boolean, second: boolean): void {
  if (first && second) t.both++;
  else if (first) t.firstOnly++;
  else if (second) t.secondOnly++;
  else t.neither++;
}

const total = (t: PairedCounts): number => t.both + t.firstOnly + t.secondOnly + t.neither;

/** Paired columns for one candidate against the baseline (overall or within one segment). */
class PairedColumns {
  readonly qb = new NumberColumn();
  readonly qc = new NumberColumn();
  readonly clusters: string[] = [];
  readonly cb = new NumberColumn();
  readonly cc = new NumberColumn();
  /** refusals and errors of the two models on the same attempted prompts (paired 2×2 tables) */
  readonly refusals: PairedCounts = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 };
  readonly errors: PairedCounts = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 };

  add(b: Pair, c: Pair): void {
    if (b.quality !== null && c.quality !== null) {
      this.qb.push(b.quality);
      this.qc.push(c.quality);
      this.clusters.push(b.cluster);
    }
    if (b.cost !== null && c.cost !== null) {
      this.cb.push(b.cost);
      this.cc.push(c.cost);
    }
    if (b.attempted && c.attempted) {
      tally(this.refusals, b.refused, c.refused);
      tally(this.errors, b.errored, c.errored);
    }
  }

  compare(model: string, priced: boolean): Comparison {
    const clustered = new Set(this.clusters).size < this.clusters.length;
    return {
      model,
      quality:
        this.qb.length === 0
          ? null
          : clustered
            ? clusteredRelativeChange(this.qb.view(), this.qc.view(), this.clusters)
            : pairedRelativeChange(this.qb.view(), this.qc.view()),
      cost: priced && this.cb.length > 0 ? pairedRelativeChange(this.cb.view(), this.cc.view()) : null,
      refusal: total(this.refusals) > 0 ? pairedProportionDifference(this.refusals) : null,
      error: total(this.errors) > 0 ? pairedProportionDifference(this.errors) : null,
    };
  }
}

/** ComputeMetrics: streams every result page by page; stores per-model metrics and paired comparisons (overall and per segment). */
export async function computeMetrics(deps: Deps, ref: RunRef): Promise<{ models: number; results: number }> {
  const run = await loadRun(deps, ref);
  const baselineModel = run.request.baseline_model;
  const baseline = new Map<string, Pair>();
  const models: ModelMetrics[] = [];
  const comparisons: Record<string, Comparison> = {};
  const segments: Record<string, Record<string, Comparison>> = {};
  let total = 0;
  const ordered = [baselineModel, ...run.models.filter((m) => m !== baselineModel)];
  for (const model of ordered) {
    const acc = new ModelAccumulator(model, model === baselineModel);
    const overall = new PairedColumns();
    const bySegment = new Map<string, PairedColumns>();
    let cursor: string | null = null;
    do {
      const page = await deps.results.page(run.run_id, model, cursor, 500);
      for (const r of page.items) {
        acc.add(r);
        total++;
        const answered = r.status === 'ok' || r.status === 'refused';
        const pair: Pair = {
          quality: r.judge_status === 'scored' && typeof r.quality === 'number' ? r.quality : null,
          cost: answered ? r.cost_usd : null,
          refused: r.status === 'refused',
          errored: r.status === 'error',
          attempted: r.status !== 'skipped',
          segment: r.segment ?? null,
          cluster: r.conversation_id ?? r.capture_id,
        };
        if (model === baselineModel) {
          baseline.set(r.capture_id, pair);
          continue;
        }
        const b = baseline.get(r.capture_id);
        if (!b) continue;
        overall.add(b, pair);
        if (b.segment !== null) {
          const seg = bySegment.get(b.segment) ?? new PairedColumns();
          bySegment.set(b.segment, seg);
          seg.add(b, pair);
        }
      }
      cursor = page.cursor;
    } while (cursor);
    const m = acc.finish();
    models.push(m);
    if (model !== baselineModel) {
      const priced = m.cost_known && (models[0]?.cost_known ?? false);
      comparisons[model] = overall.compare(model, priced);
      for (const [segment, cols] of bySegment) (segments[segment] ??= {})[model] = cols.compare(model, priced);
    }
  }
  const answers = models.reduce((n, m) => n + m.ok + m.refused, 0);
  const judgedCount = models.reduce((n, m) => n + m.scored + m.unscored, 0);
  const judging = { answers, judged: judgedCount, saved_fraction: answers === 0 ? 0 : 1 - judgedCount / answers };
  await deps.runs.putMetrics(ref, { models, comparisons, segments, judging });
  return { models: models.length, results: total };
}

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
export async function recommend(deps: Deps, step: RecommendStep): Promise<{ status: string; recommended_model: string | null; confirm: string | null }> {
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
    now: new Date(deps.clock.now()),
  });
  const chosen = stored.models.find((m) => m.model === record.recommended_model);
  if (deps.settings.confirmRecommended && !step.confirm && chosen && chosen.not_judged > 0) {
    deps.log.info('confirming the recommendation on the full sample', { runId: ref.run_id, model: chosen.model, notJudged: chosen.not_judged });
    return { status: 'confirming', recommended_model: chosen.model, confirm: chosen.model };
  }
  if (step.confirm && record.judging) record.judging = { ...record.judging, confirmed_model: step.confirm };
  await deps.runs.putRecommendation(ref, record);
  const reasons = run.reasons;
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

/** MarkFailed: the state machine's catch-all, so every run terminates. */
export async function markFailed(deps: Deps, ref: RunRef, cause: string): Promise<{ status: 'failed' }> {
  await deps.runs.setStatus(ref, 'failed', [`aggregate failed: ${cause.slice(0, 200)}`], new Date(deps.clock.now()).toISOString());
  return { status: 'failed' };
}
