import { describe, expect, it } from 'vitest';
import type { ModelMetrics } from '../../../shared/domain/metrics.js';
import { type Comparison, DEFAULT_POLICY, recommendSwitch, SEED_POLICY } from '../../../shared/domain/recommendation.js';

const metrics = (model: string, over: Partial<ModelMetrics> = {}): ModelMetrics => ({
  model,
  is_baseline: false,
  results: 100,
  ok: 98,
  refused: 1,
  partial_refusals: 0,
  guardrail_blocked: 0,
  errors: 1,
  error_kinds: {},
  skipped: 0,
  scored: 99,
  unscored: 0,
  not_judged: 0,
  pairwise: { win: 10, tie: 80, loss: 9 },
  quality_mean: 0.8,
  cost_known: true,
  cost_usd_total: 1,
  cost_per_1k_requests_usd: 10,
  input_tokens: 0,
  output_tokens: 0,
  latency_ms_p50: 100,
  latency_ms_p95: 200,
  latency_ms_p99: 300,
  gateway_latency_ms_p50: null,
  gateway_latency_ms_p95: null,
  refusal_rate: 0.01,
  error_rate: 0.01,
  guardrail_block_rate: 0,
  ...over,
});

const cmp = (model: string, quality: number, cost: number | null): Comparison => ({
  model,
  quality: { estimate: quality, ci95: [quality - 0.02, quality + 0.02], n: 100 },
  cost: cost === null ? null : { estimate: cost, ci95: [cost - 0.01, cost + 0.01], n: 100 },
  refusal: { estimate: 0, ci95: [-0.01, 0.01] },
  error: { estimate: 0.004, ci95: [-0.006, 0.015] },
});

const run = (candidates: [string, number, number | null][]) =>
  recommendSwitch({
    baseline: metrics('gpt-4o-mini', { is_baseline: true }),
    candidates: candidates.map(([m, , cost]) => metrics(m, cost === null ? { cost_known: false, cost_usd_total: null, cost_per_1k_requests_usd: null } : {})),
    comparisons: new Map(candidates.map(([m, q, c]) => [m, cmp(m, q, c)])),
    policy: SEED_POLICY,
    simulated: false,
    now: new Date('2026-01-01T00:00:00Z'),
  });

describe('recommendSwitch (seed rule)', () => {
  it('reports refusal- and error-rate changes in percentage points with their intervals', () => {
    const alt = run([['a', -0.01, -0.5]]).alternatives[0]!;
    expect(alt.refusal_rate_change_points).toBe(0);
    expect(alt.refusal_rate_change_ci95).toEqual([-1, 1]);
    expect(alt.error_rate_change_points).toBe(0.4);
    expect(alt.error_rate_change_ci95).toEqual([-0.6, 1.5]);
  });

  it('picks the largest cost reduction among candidates over 30% cheaper and above -5% quality', () => {
    const r = run([
      ['a', -0.032, -0.421],
      ['b', -0.01, -0.35],
      ['c', -0.08, -0.9],
    ]);
    expect(r.recommended_model).toBe('a');
    expect(r.reasoning).toBe('Switching from gpt-4o-mini to a reduces cost by 42.1% with -3.2% quality impact');
    expect(r.projected_cost_saving_percent).toBe(42.1);
    expect(r.quality_impact_percent).toBe(-3.2);
    expect(r.quality_impact_ci95).toEqual([-5.2, -1.2]);
    expect(r.alternatives.find((x) => x.model === 'b')?.reason).toMatch(/saves less than a/);
    expect(r.alternatives.find((x) => x.model === 'c')?.reason).toMatch(/quality impact -8% is below -5%/);
  });

  it('writes a no-switch record with the reason when nothing qualifies', () => {
    const r = run([
      ['a', -0.1, -0.5],
      ['b', 0.01, -0.1],
    ]);
    expect(r.recommended_model).toBeNull();
    expect(r.reasoning).toMatch(/^Stay on gpt-4o-mini: no candidate keeps quality within -5%/);
    expect(r.alternatives.find((x) => x.model === 'b')?.reason).toMatch(/cost reduction 10% is below 30%/);
  });

  it('never compares cost with a model whose price is unknown', () => {
    const r = run([['private-model', 0.05, null]]);
    expect(r.recommended_model).toBeNull();
    expect(r.alternatives[0]?.projected_cost_saving_percent).toBeNull();
    expect(r.alternatives[0]?.reason).toMatch(/cost unknown/);
  });
});

describe('recommendSwitch (default policy)', () => {
  const base = metrics('claude-3.5-sonnet', { is_baseline: true, cost_per_1k_requests_usd: 10, quality_mean: 0.85 });
  const make = (rows: [string, Partial<ModelMetrics>, Comparison][], extra: Partial<Parameters<typeof recommendSwitch>[0]> = {}) =>
    recommendSwitch({
      baseline: base,
      candidates: rows.map(([m, over]) => metrics(m, over)),
      comparisons: new Map(rows.map(([m, , c]) => [m, c])),
      policy: DEFAULT_POLICY,
      simulated: false,
      now: new Date('2026-01-01T00:00:00Z'),
      ...extra,
    });
  const c = (model: string, q: number, qci: [number, number], cost: number, refusal = 0): Comparison => ({
    model,
    quality: { estimate: q, ci95: qci, n: 200 },
    cost: { estimate: cost, ci95: [cost - 0.02, cost + 0.02], n: 200 },
    refusal: { estimate: refusal, ci95: [refusal - 0.01, refusal + 0.01] },
  });

  it('requires the lower 95% bound of quality to clear the threshold, not just the estimate', () => {
    const r = make([['wide', { cost_per_1k_requests_usd: 2, quality_mean: 0.83 }, c('wide', -0.02, [-0.07, 0.03], -0.8)]]);
    expect(r.recommended_model).toBeNull();
    expect(r.alternatives[0]!.reason).toMatch(/lower 95% bound -7% is below -5%/);
    expect(r.reasoning).toMatch(/at 95% confidence/);
  });

  it('rejects a candidate that refuses more than one point more often, or errors more than 1%', () => {
    const r = make([
      ['refuser', { cost_per_1k_requests_usd: 2 }, c('refuser', 0, [-0.01, 0.01], -0.8, 0.03)],
      ['flaky', { cost_per_1k_requests_usd: 2, error_rate: 0.05 }, c('flaky', 0, [-0.01, 0.01], -0.8)],
      ['steady', { cost_per_1k_requests_usd: 5 }, c('steady', 0, [-0.01, 0.01], -0.5)],
    ]);
    expect(r.recommended_model).toBe('steady');
    expect(r.alternatives.find((a) => a.model === 'refuser')!.reason).toMatch(/refusal rate rises by 3 points/);
    expect(r.alternatives.find((a) => a.model === 'flaky')!.reason).toMatch(/error rate 5% is above 1%/);
  });

  it('reports the Pareto frontier, a significant upgrade, segments that disagree, and the monthly saving', () => {
    const segments = new Map([
      ['support', new Map([['cheap', c('cheap', 0, [-0.02, 0.02], -0.8)]])],
      ['coding', new Map([['cheap', c('cheap', -0.2, [-0.25, -0.15], -0.8)]])],
    ]);
    const r = make(
      [
        ['cheap', { cost_per_1k_requests_usd: 2, quality_mean: 0.84 }, c('cheap', -0.01, [-0.03, 0.01], -0.8)],
        ['premium', { cost_per_1k_requests_usd: 30, quality_mean: 0.95 }, c('premium', 0.1, [0.06, 0.14], 2)],
        ['dominated', { cost_per_1k_requests_usd: 20, quality_mean: 0.8 }, c('dominated', -0.06, [-0.08, -0.04], 1)],
      ],
      { segments, traffic: { requests_per_month: 100_000, basis: 'test' } },
    );
    expect(r.recommended_model).toBe('cheap');
    expect(r.pareto_frontier.map((p) => p.model)).toEqual(['cheap', 'claude-3.5-sonnet', 'premium']);
    expect(r.upgrade).toMatchObject({ model: 'premium', quality_gain_percent: 10, cost_change_percent: 200 });
    expect(r.segments.map((s) => [s.segment, s.recommended_model])).toEqual([
      ['support', 'cheap'],
      ['coding', null],
    ]);
    expect(r.projected_monthly).toMatchObject({ requests: 100_000, baseline_cost_usd: 1000, saving_usd: 800 });
  });
});
