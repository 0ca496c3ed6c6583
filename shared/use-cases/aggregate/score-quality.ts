// State ScoreQuality (and ConfirmRecommended): one sequential look of LLM-as-judge scoring per invocation.
import { type ModelSpec, resolveModel } from '../../config/models.js';
import type { StoredCapture } from '../../domain/capture.js';
import { buildRubricJudgeMessages, type ChatMessage, parseRubricVerdict, weightedQuality } from '../../domain/judge.js';
import { emptyTierCounts, escalatePairwise, escalateRubric, type JudgeTierCounts } from '../../domain/judge-cascade.js';
import { combineBothOrders } from '../../domain/pairwise.js';
import type { QualityScore, ReplayResult } from '../../domain/result.js';
import type { RunRecord } from '../../domain/run.js';
import { addPair, emptyPairStats, type PairStats, sequentialDecision } from '../../domain/sequential.js';
import type { LlmGateway } from '../../ports/index.js';
import type { ScoringStep } from '../../schemas/messages.js';
import { budgetedLlm } from '../budgeted-llm.js';
import { cachedJudgeLlm } from '../cached-judge-llm.js';
import type { Needs } from '../deps.js';
import { cascadeOf } from '../judge-cascade.js';
import { askPairwise } from '../judge-eval.js';
import { limitedLlm } from '../limited-llm.js';
import { loadRun } from './load-run.js';

export type ScoreQualityDeps = Needs<
  'runs' | 'results' | 'captures' | 'llm' | 'limiter' | 'judgeCache' | 'clock',
  | 'providerLimits'
  | 'callTimeoutMs'
  | 'priceOverrides'
  | 'rubricWeights'
  | 'judgeLook'
  | 'judgeBatch'
  | 'judgeConcurrency'
  | 'pairwiseJudging'
  | 'pairwiseSample'
  | 'sequentialJudging'
  | 'policy'
  | 'cacheJudgeReplies'
  | 'judgeCascade'
>;

/**
 * A judge call failed for a passing reason (timeout, rate limit, 5xx, connection). Recording the answer 'unscored'
 * would make the record depend on the machine's load, so the step fails instead and the state machine's Retry runs
 * it again; scores already stored are kept and not asked again.
 */
export class JudgeUnavailableError extends Error {
  constructor(kind: string) {
    super(`judge call failed (${kind}); the step is retried`);
    this.name = 'JudgeUnavailableError';
  }
}

/** Turns a judge call's retryable failure into a JudgeUnavailableError; lasting failures stay values. */
function failOnTransient(inner: LlmGateway): LlmGateway {
  return {
    async complete(request) {
      const outcome = await inner.complete(request);
      if (!outcome.ok && outcome.retryable) throw new JudgeUnavailableError(outcome.kind);
      return outcome;
    },
  };
}

type Score = QualityScore;
const UNSCORED: Score = { quality: null, judge: null, judge_status: 'unscored' };

/**
 * Judges one answer with `judge`; an unparseable verdict (or a lasting failure) gets `attempts - 1` re-asks, then the
 * result is 'unscored'. The stored verdict names its judge, so a later pair is scored by the same one.
 */
async function judgeOne(deps: ScoreQualityDeps, run: RunRecord, capture: StoredCapture, result: ReplayResult, judge: ModelSpec, attempts = 2): Promise<Score> {
  const messages: ChatMessage[] = buildRubricJudgeMessages(capture.messages, result.answer);
  for (let attempt = 0; attempt < attempts; attempt++) {
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
    if (verdict) return { quality: weightedQuality(verdict, deps.settings.rubricWeights), judge: { ...verdict, judged_by: judge.id }, judge_status: 'scored' };
  }
  return UNSCORED;
}

/**
 * Awaits every promise, then throws the first rejection. A judge outage fails the step, but the calls already in
 * flight end and store their scores first: none keeps running behind the retried step, which would ask (and pay for)
 * the same answers again, so the run's judge spend does not depend on when the outage hit.
 */
async function settleAll<T>(promises: readonly Promise<T>[]): Promise<T[]> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}

async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !failed) {
      const item = items[next++] as T;
      await fn(item).catch((error: unknown) => {
        failed = true;
        throw error;
      });
    }
  });
  await settleAll(workers);
}

/**
 * ScoreQuality: one look per invocation. Judges the next page of captures — the baseline's answer and the answers of
 * every candidate whose quality decision is not settled yet — then updates each candidate's paired sums and, with
 * sequential judging on, settles candidates whose interval (alpha spent over looks) clears or misses the threshold.
 * Hands back a cursor so the state machine loops; finished when every capture is judged or every candidate settled.
 */
export async function scoreQuality(base: ScoreQualityDeps, step: ScoringStep): Promise<ScoringStep> {
  const run = await loadRun(base, step);
  // Judge calls share the provider limits with the fan-out; a long wait fails the step and the state machine retries it.
  const limited = limitedLlm(base.llm, base.limiter, base.settings.providerLimits, base.clock, {
    maxWaitMs: 120_000,
    leaseMs: base.settings.callTimeoutMs + 5_000,
  });
  // The run's budget bounds the judge too: each call reserves its maximum cost first and adds its cost as it ends.
  const spend = budgetedLlm(limited, {
    runs: base.runs,
    ref: { tenant_id: step.tenant_id, run_id: step.run_id },
    budgetUsd: run.request.budget_usd,
    priceOverrides: base.settings.priceOverrides,
    recordJudgeSpend: true,
  });
  // A verdict already paid for (same judge, prompt and answer, e.g. a scheduled re-run) is read, not bought again:
  // outside the budget, since a cached reply costs nothing.
  const cached = base.settings.cacheJudgeReplies ? cachedJudgeLlm(spend.llm, base.judgeCache, step.tenant_id) : null;
  const deps: ScoreQualityDeps = { ...base, llm: failOnTransient(cached?.llm ?? spend.llm) };
  let next: ScoringStep | undefined;
  // The cascade's counts cover verdicts stored, also by a look that then fails: its retry does not judge them again.
  const tiers = emptyTierCounts();
  try {
    next = await scoreQualityLook(deps, run, step, tiers);
    return next;
  } finally {
    await base.runs.addJudgeSpend(step, 0, next ? next.judged - step.judged : 0);
    if (Object.values(tiers).some((n) => n > 0)) await base.runs.addJudgeTiers(step, tiers);
  }
}

async function scoreQualityLook(deps: ScoreQualityDeps, run: RunRecord, step: ScoringStep, tiers: JudgeTierCounts): Promise<ScoringStep> {
  const baselineModel = run.request.baseline_model;
  const candidates = run.models.filter((m) => m !== baselineModel);
  const open = step.confirm ? [step.confirm] : candidates.filter((m) => !step.settled[m]);
  const perPage = Math.max(1, Math.min(deps.settings.judgeLook, Math.floor(deps.settings.judgeBatch / Math.max(1, open.length + 1))));
  const page = await deps.results.page(run.run_id, baselineModel, step.cursor, perPage);
  const stats: Record<string, PairStats> = { ...step.stats };
  let judged = step.judged;

  const judgeable = (r: ReplayResult | null): r is ReplayResult => r !== null && (r.status === 'ok' || r.status === 'refused');
  const pending = (r: ReplayResult) => r.judge_status !== 'scored' && r.judge_status !== 'unscored';
  const storedQuality = (r: ReplayResult) => (r.judge_status === 'scored' ? (r.quality ?? null) : null);
  const strong = resolveModel(run.request.judge_model);
  const cascade = cascadeOf(run, deps.settings.judgeCascade);

  /**
   * Scores this capture's unscored answers: with a cascade, the cheap judge first and the strong one if it is close.
   * Says which tier scored them; the caller counts it once the scores are stored.
   */
  const scoreCapture = async (
    capture: StoredCapture | null,
    base: ReplayResult,
    todo: { model: string; r: ReplayResult }[],
  ): Promise<{ scores: Map<string, Score>; tier: 'rubric_cheap' | 'rubric_escalated' | null }> => {
    if (todo.length === 0) return { scores: new Map(), tier: null };
    const judgeAll = async (judge: ModelSpec, attempts: number) =>
      new Map(await settleAll(todo.map(async (t) => [t.model, await judgeOne(deps, run, capture!, t.r, judge, attempts)] as const)));
    if (!capture || !strong) return { scores: new Map(todo.map((t) => [t.model, UNSCORED] as const)), tier: null };
    // A baseline scored earlier (a confirmation pass, a retried step) fixes the judge, so a pair is one judge's scale.
    const baseJudge = judgeable(base) && !pending(base) ? (base.judge?.judged_by ?? strong.id) : null;
    if (!cascade || baseJudge === strong.id) return { scores: await judgeAll(strong, 2), tier: null };
    const cheapScores = await judgeAll(cascade.cheap, 1);
    const quality = (model: string, r: ReplayResult) => (cheapScores.has(model) ? (cheapScores.get(model)?.quality ?? null) : storedQuality(r));
    const qb = judgeable(base) ? quality(baselineModel, base) : null;
    const qcs = todo.filter((t) => t.model !== baselineModel).map((t) => quality(t.model, t.r));
    const close = judgeable(base) ? escalateRubric(qb, qcs, cascade.margin) : qcs.some((q) => q === null);
    if (baseJudge === cascade.cheap.id || !close) return { scores: cheapScores, tier: 'rubric_cheap' };
    judged += todo.length;
    return { scores: await judgeAll(strong, 2), tier: 'rubric_escalated' };
  };

  /** Candidate vs baseline, both orders; with a cascade the strong judge is asked only when the cheap orders disagree. */
  const judgePair = async (capture: StoredCapture, model: string, base: ReplayResult, r: ReplayResult) => {
    const trace = { runId: run.run_id, captureId: r.capture_id };
    const bothOrders = (judge: ModelSpec, attempts: number) =>
      settleAll([
        askPairwise(deps.llm, judge, capture.messages, r.answer, base.answer, trace, deps.settings.callTimeoutMs, attempts),
        askPairwise(deps.llm, judge, capture.messages, base.answer, r.answer, trace, deps.settings.callTimeoutMs, attempts),
      ]).then(([a, b]) => [a ?? null, b ?? null] as const);
    let [first, second] = cascade ? await bothOrders(cascade.cheap, 1) : await bothOrders(strong!, 2);
    judged += 2;
    const escalated = cascade !== null && escalatePairwise(first, second, cascade.escalatePairwise);
    if (escalated) {
      [first, second] = await bothOrders(strong!, 2);
      judged += 2;
    }
    if (first && second) await deps.results.setPairwise(run.run_id, model, r.capture_id, combineBothOrders(first, second).outcome);
    if (cascade) tiers[escalated ? 'pairwise_escalated' : 'pairwise_cheap']++;
  };

  // Pairwise verdicts are reported, never part of the decision: each candidate gets them on its first
  // `pairwiseSample` paired prompts (whole pages, in the page order sequential judging uses), not on every pair.
  const sample = deps.settings.pairwiseSample;
  const inPairwiseSample = (model: string) => sample === null || (step.stats[model]?.n ?? 0) < sample;

  // Pairs are added in page order once the page is judged: floating-point sums must not depend on which judge call ended first.
  const pairs: { model: string; qb: number; qc: number }[][] = page.items.map(() => []);
  await mapLimit(page.items, deps.settings.judgeConcurrency, async (base) => {
    const answers = await Promise.all(open.map((m) => deps.results.get(run.run_id, m, base.capture_id)));
    if (!judgeable(base) && !answers.some(judgeable)) return;
    const capture = await deps.captures.get(run.tenant_id, base.capture_id);
    const todo: { model: string; r: ReplayResult }[] = [];
    if (judgeable(base) && pending(base)) todo.push({ model: baselineModel, r: base });
    open.forEach((model, i) => {
      const r = answers[i] ?? null;
      if (judgeable(r) && pending(r)) todo.push({ model, r });
    });
    const { scores, tier } = await scoreCapture(capture, base, todo);
    await Promise.all(todo.map((t) => deps.results.setScore(run.run_id, t.model, t.r.capture_id, scores.get(t.model) ?? UNSCORED)));
    if (tier) tiers[tier] += todo.length;
    judged += todo.length;
    const qualityOf = (model: string, r: ReplayResult) => (scores.has(model) ? (scores.get(model)?.quality ?? null) : storedQuality(r));
    const qb = judgeable(base) ? qualityOf(baselineModel, base) : null;
    await settleAll(
      open.map(async (model, i) => {
        const r = answers[i] ?? null;
        if (!judgeable(r)) return;
        const qc = qualityOf(model, r);
        if (qb !== null && qc !== null) pairs[page.items.indexOf(base)]!.push({ model, qb, qc });
        if (deps.settings.pairwiseJudging && inPairwiseSample(model) && capture && strong && judgeable(base) && r.pairwise == null)
          await judgePair(capture, model, base, r);
      }),
    );
  });

  for (const item of pairs)
    for (const model of open) {
      const pair = item.find((p) => p.model === model);
      if (pair) stats[model] = addPair(stats[model] ?? emptyPairStats(), pair.qb, pair.qc);
    }
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
