import { describe, expect, it } from 'vitest';
import { RunComparison } from '../../../shared/domain/comparison.js';
import { CRITERIA, DEFAULT_POLICY, measuredCriteria, PolicySchema, type RecommendationPolicy } from '../../../shared/domain/criteria/index.js';
import { pairedP95Change } from '../../../shared/domain/criteria/latency-p95.js';
import type { ModelMetrics } from '../../../shared/domain/metrics.js';
import { ModelAccumulator } from '../../../shared/domain/metrics.js';
import { seededRandom } from '../../../shared/domain/random.js';
import { policyRequirements, RecommendationRecordSchema, recommendSwitch } from '../../../shared/domain/recommendation.js';
import type { ReplayResult } from '../../../shared/domain/result.js';

const result = (model: string, i: number, over: Partial<ReplayResult>): ReplayResult => ({
  run_id: 'r',
  capture_id: `c${i}`,
  model,
  status: 'ok',
  answer: '',
  finish_reason: 'stop',
  refusal: 'none',
  refusal_signals: [],
  usage: { input_tokens: 10, output_tokens: 10 },
  cost_usd: 0.001,
  latency_ms: 100,
  gateway_latency_ms: null,
  error_kind: null,
  error_status: null,
  guardrail_checks: [],
  attempts: 1,
  stored_at: '2026-01-01T00:00:00Z',
  judge_status: 'scored',
  quality: 0.8,
  ...over,
});

/** A baseline and one candidate over n prompts; the candidate's latency is the baseline's times `slowdown`. */
function simulateRun(n: number, slowdown: number, policy: RecommendationPolicy) {
  const rand = seededRandom(5);
  const base: ReplayResult[] = [];
  const cand: ReplayResult[] = [];
  for (let i = 0; i < n; i++) {
    const latency = 200 + 800 * rand();
    const quality = 0.6 + 0.3 * rand();
    base.push(result('base', i, { latency_ms: latency, quality, cost_usd: 0.002 }));
    cand.push(result('cand', i, { latency_ms: latency * slowdown, quality: quality + 0.01, cost_usd: 0.001 }));
  }
  const accB = new ModelAccumulator('base', true);
  const accC = new ModelAccumulator('cand', false);
  const comparison = new RunComparison(measuredCriteria(policy));
  for (const r of base) {
    accB.add(r);
    comparison.addBaseline(r);
  }
  const candidate = comparison.candidate();
  for (const r of cand) {
    accC.add(r);
    candidate.add(r);
  }
  const baseline: ModelMetrics = accB.finish();
  const metrics = accC.finish();
  const { overall } = candidate.finish('cand', { candidate: metrics, baseline });
  return recommendSwitch({
    baseline,
    candidates: [metrics],
    comparisons: new Map([['cand', overall]]),
    policy,
    simulated: true,
    now: new Date('2026-01-01T00:00:00Z'),
  });
}

const withLatency: RecommendationPolicy = { ...DEFAULT_POLICY, criteria: [...DEFAULT_POLICY.criteria, 'latency_p95'] };

describe('criteria registry', () => {
  it('gives every criterion its own id, comparison key and policy keys', () => {
    const ids = CRITERIA.map((c) => c.id);
    const keys = CRITERIA.map((c) => c.key);
    const configKeys = CRITERIA.flatMap((c) => Object.keys(c.config.shape));
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(configKeys).size).toBe(configKeys.length);
    for (const c of CRITERIA) expect(c.config.safeParse(c.defaults).success).toBe(true);
  });

  it('states the default policy in the words of the seed record', () => {
    expect(policyRequirements(DEFAULT_POLICY)).toBe(
      'keeps quality within -5% at 95% confidence while cutting cost by at least 30% with refusals up ≤1 point and errors ≤1%',
    );
    expect(policyRequirements(withLatency)).toContain('and p95 latency up ≤20%');
  });

  it('reads a policy from configuration, defaulting the criteria list and rejecting unknown criteria', () => {
    const parsed = PolicySchema.parse({ ...DEFAULT_POLICY, criteria: undefined });
    expect(parsed.criteria).toEqual(DEFAULT_POLICY.criteria);
    expect(PolicySchema.safeParse({ ...DEFAULT_POLICY, criteria: ['p99_cost'] }).success).toBe(false);
  });
});

describe('latency_p95 criterion', () => {
  it('estimates the relative change of p95 latency on paired prompts, with an interval around it', () => {
    const rand = seededRandom(11);
    const b = Float64Array.from({ length: 400 }, () => 100 + 900 * rand());
    const c = b.map((x) => x * 1.3);
    const s = pairedP95Change(b, c);
    expect(s.estimate).toBeCloseTo(0.3, 10);
    expect(s.ci95[0]).toBeLessThanOrEqual(0.3 + 1e-9);
    expect(s.ci95[1]).toBeGreaterThanOrEqual(0.3 - 1e-9);
    expect(s.n).toBe(400);
  });

  it('is measured and described only when the policy lists it', () => {
    const record = simulateRun(300, 1.3, DEFAULT_POLICY);
    const alt = record.alternatives[0]!;
    expect(alt.qualifies).toBe(true);
    expect('latency_p95_change_percent' in alt).toBe(false);
  });

  it('rejects a candidate whose p95 latency rises by more than the limit, naming the reason', () => {
    const record = simulateRun(300, 1.3, withLatency);
    const alt = record.alternatives[0]!;
    expect(alt.latency_p95_change_percent).toBeCloseTo(30, 0);
    expect(alt.qualifies).toBe(false);
    expect(alt.reason).toMatch(/^p95 latency rises by 30(\.\d)?% \(limit 20%\)$/);
    expect(record.recommended_model).toBeNull();
    expect(record.reasoning).toContain('p95 latency up ≤20%');
  });

  it('lets a candidate through when its p95 latency stays within the limit', () => {
    const record = simulateRun(300, 1.1, withLatency);
    expect(record.alternatives[0]!.latency_p95_change_percent).toBeCloseTo(10, 0);
    expect(record.recommended_model).toBe('cand');
  });

  it('keeps the record readable back through its schema, latency fields included', () => {
    const record = simulateRun(50, 1.3, withLatency);
    const read = RecommendationRecordSchema.parse(JSON.parse(JSON.stringify(record)));
    expect(read.alternatives[0]).toEqual(record.alternatives[0]);
    // Read back in the order it was written: the verdict, the criteria's fields, then the candidate's numbers.
    expect(Object.keys(read.alternatives[0]!)).toEqual(Object.keys(record.alternatives[0]!));
    expect(read.policy.criteria).toContain('latency_p95');
  });
});
