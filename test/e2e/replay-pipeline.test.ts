// The whole local stack over HTTP: capture → replay → SQS → worker → Portkey gateway → simulator → state machine → GET.
import { calcPrice } from '@pydantic/genai-prices';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SwitchyardClient } from '../../local/client.js';
import { sampleTraffic, UNSAFE_TAG } from '../../local/sample-traffic.js';
import { expectedQuality, profileById, SEED_MODELS } from '../../local/simulator/profiles.js';
import type { LocalStack } from '../../local/stack.js';
import { resolveModel } from '../../shared/config/models.js';
import type { ModelMetrics } from '../../shared/domain/metrics.js';
import type { RecommendationRecord } from '../../shared/domain/recommendation.js';
import { DEFAULT_POLICY } from '../../shared/domain/recommendation.js';
import { clientFor, startTestStack } from '../helpers/stack.js';

const CAPTURES = 150;
let stack: LocalStack;
let client: SwitchyardClient;
let result: Record<string, unknown>;
let traffic: ReturnType<typeof sampleTraffic>;
const realizedTruth = new Map<string, number>();

beforeAll(async () => {
  stack = await startTestStack();
  client = await clientFor(stack, 'acme');
  traffic = sampleTraffic({ count: CAPTURES, seed: 11 });
  const captured = await client.captureAll(traffic);
  expect(captured).toEqual({ stored: CAPTURES, duplicates: 0, rejected: 0 });
  // A refusal's true quality depends on its prompt (justified or not), not only on its text.
  const promptOf = new Map(traffic.map((c) => [String(c.id), c.messages.map((m) => String(m.content)).join('\n')]));
  const replay = await client.request('POST', '/v1/replays', {
    candidate_models: SEED_MODELS.filter((m) => m !== 'claude-3.5-sonnet'),
    judge_model: 'gpt-4o',
    captures: { limit: CAPTURES },
  });
  expect(replay.status).toBe(202);
  result = await client.waitForReplay(String(replay.body.run_id), { timeoutMs: 170_000 });
  for (const model of SEED_MODELS) {
    let cursor: string | null = null;
    let sum = 0;
    let n = 0;
    do {
      const page = await stack.deps.results.page(String(replay.body.run_id), model, cursor, 200);
      for (const r of page.items) {
        if (r.judge_status !== 'scored') continue;
        const truth = r.answer ? stack.simulator!.trueQuality(r.answer, promptOf.get(r.capture_id) ?? '') : undefined;
        // An empty answer is a refusal signalled by the provider; the simulator's judge grades it by the prompt.
        sum += truth ?? r.quality ?? 0;
        n++;
      }
      cursor = page.cursor;
    } while (cursor);
    realizedTruth.set(model, sum / n);
  }
}, 180_000);

afterAll(async () => {
  await stack?.stop();
});

describe('a replay of seven models on the local stack', () => {
  it('completes with one result per (capture, model), judging until each decision is settled', () => {
    expect(result.status).toBe('completed');
    expect(result.baseline_model).toBe('claude-3.5-sonnet');
    expect(result.simulated).toBe(true);
    const metrics = result.metrics as ModelMetrics[];
    expect(metrics.map((m) => m.model).sort()).toEqual([...SEED_MODELS].sort());
    for (const m of metrics) {
      expect(m.results).toBe(CAPTURES);
      expect(m.errors).toBe(0);
      expect(m.scored + m.unscored + m.not_judged).toBe(m.ok + m.refused);
      expect(m.unscored).toBe(0);
      expect(m.scored).toBeGreaterThanOrEqual(30);
    }
    // Sequential judging: clear-cut candidates stop early, so fewer judge calls than answers ...
    const record = result.recommendation as RecommendationRecord;
    const judging = record.judging!;
    expect(judging.judged).toBeLessThan(judging.answers);
    // ... but the model it recommends is judged on every answer (the confirmation pass), so its interval is the full sample's.
    const chosen = metrics.find((m) => m.model === record.recommended_model)!;
    expect(chosen.not_judged).toBe(0);
    expect(metrics.some((m) => m.not_judged > 0)).toBe(true);
    expect(judging.saved_fraction).toBeCloseTo(1 - judging.judged / judging.answers, 10);
    expect(result.progress).toEqual({ expected: CAPTURES * 7, stored: CAPTURES * 7, skipped: 0, dead_lettered: 0, judge_verdicts: expect.any(Number) });
    // Every rubric verdict the record counts, plus the pairwise ones (two orders each).
    expect((result.progress as { judge_verdicts: number }).judge_verdicts).toBeGreaterThanOrEqual(judging.judged);
    expect(result.suspected_double_calls).toBe(0);
    expect(Number(result.judge_spend_usd)).toBeGreaterThan(0);
    expect(Number(result.spend_usd)).toBeCloseTo(
      (result.metrics as ModelMetrics[]).reduce((s, m) => s + (m.cost_usd_total ?? 0), 0),
      8,
    );
    // Latency split where the provider reports its own processing time (OpenAI wire), not where it does not.
    const byModel = new Map((result.metrics as ModelMetrics[]).map((m) => [m.model, m]));
    const openai = byModel.get('gpt-4o-mini')!;
    expect(openai.gateway_latency_ms_p50).toBeGreaterThan(0);
    expect(openai.gateway_latency_ms_p50!).toBeLessThan(openai.latency_ms_p50!);
    expect(byModel.get('claude-3.5-haiku')!.gateway_latency_ms_p50).toBeNull();
    expect(openai.latency_ms_p99).toBeGreaterThanOrEqual(openai.latency_ms_p95!);
  });

  it("recovers each model's true quality from the simulated judge", () => {
    const harmfulShare = traffic.filter((t) => t.tags?.use_case === UNSAFE_TAG).length / traffic.length;
    for (const m of result.metrics as ModelMetrics[]) {
      // Against the qualities the simulator gave these very answers: only judge noise separates them.
      expect(Math.abs((m.quality_mean ?? 0) - realizedTruth.get(m.model)!), m.model).toBeLessThan(0.01);
      // Against the profile's expectation: sampling noise of the judged prompts on top.
      if (m.scored >= 100) expect(Math.abs((m.quality_mean ?? 0) - expectedQuality(profileById(m.model)!, harmfulShare)), m.model).toBeLessThan(0.05);
    }
  });

  it('prices every call from genai-prices on the usage the providers reported', () => {
    for (const m of result.metrics as ModelMetrics[]) {
      const price = resolveModel(m.model)!.price!;
      const perToken = calcPrice({ input_tokens: 1_000_000, output_tokens: 0 }, price.modelId, { providerId: price.providerId })!;
      const perOut = calcPrice({ input_tokens: 0, output_tokens: 1_000_000 }, price.modelId, { providerId: price.providerId })!;
      const expected = (m.input_tokens * perToken.total_price + m.output_tokens * perOut.total_price) / 1_000_000;
      expect(m.cost_usd_total).toBeCloseTo(expected, 8);
    }
  });

  it("recommends what the simulator's known truth implies", () => {
    const record = result.recommendation as RecommendationRecord;
    const metrics = result.metrics as ModelMetrics[];
    const baseline = metrics.find((m) => m.is_baseline)!;
    const baseQuality = realizedTruth.get(baseline.model)!;
    // Truth: the true quality of the answers given; cost from prices × the tokens each model emitted.
    const truth = metrics
      .filter((m) => !m.is_baseline)
      .map((m) => ({
        model: m.model,
        quality: (realizedTruth.get(m.model)! - baseQuality) / baseQuality,
        saving: 1 - m.cost_per_1k_requests_usd! / baseline.cost_per_1k_requests_usd!,
        refusalUp: (m.refusal_rate - baseline.refusal_rate) * 100,
      }));
    const policy = DEFAULT_POLICY;
    // Clearly good: well inside the quality threshold, cheap enough, no more refusals.
    const clear = truth.filter((c) => c.quality > -0.02 && c.saving * 100 > policy.minCostReductionPercent && c.refusalUp <= policy.maxRefusalIncreasePoints);
    expect(clear.length).toBeGreaterThan(0);
    const chosen = truth.find((c) => c.model === record.recommended_model);
    expect(chosen, `recommended ${record.recommended_model}`).toBeDefined();
    // Never a model whose true quality loss is past the threshold, never one that leaves a clearly good, cheaper option.
    expect(chosen!.quality * 100).toBeGreaterThan(policy.minQualityImpactPercent);
    expect(chosen!.saving).toBeGreaterThanOrEqual(Math.max(...clear.map((c) => c.saving)) - 1e-9);
    for (const c of truth.filter((t) => t.quality < -0.08)) expect(record.alternatives.find((a) => a.model === c.model)!.qualifies).toBe(false);

    expect(record.reasoning).toMatch(
      new RegExp(
        `^Switching from claude-3\\.5-sonnet to ${chosen!.model.replace(/\./g, '\\.')} reduces cost by \\d+\\.\\d% with -?\\d+\\.\\d% quality impact$`,
      ),
    );
    expect(record.alternatives).toHaveLength(6);
    for (const a of record.alternatives) expect(a.reason.length).toBeGreaterThan(0);
    expect(record.quality_impact_ci95![0]).toBeGreaterThanOrEqual(policy.minQualityImpactPercent);
    expect(record.quality_impact_ci95![0]).toBeLessThanOrEqual(record.quality_impact_percent!);
    expect(record.quality_impact_ci95![1]).toBeGreaterThanOrEqual(record.quality_impact_percent!);
    expect(record.sample_size).toBeGreaterThan(CAPTURES * 0.8);
    expect(record.projected_monthly?.saving_usd).toBeGreaterThan(0);
    expect(record.pareto_frontier.map((p) => p.model)).toContain(record.recommended_model);
    // Pairwise verdicts against the baseline, both orders: the much weaker models lose more than they win.
    for (const weak of truth.filter((t) => t.quality < -0.15)) {
      const p = record.alternatives.find((a) => a.model === weak.model)!.pairwise!;
      expect(p.n).toBeGreaterThan(0);
      expect(p.loss_rate).toBeGreaterThan(p.win_rate);
    }
  });
});
