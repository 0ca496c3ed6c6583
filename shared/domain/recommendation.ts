// The recommendation policy and the record it writes (ARCHITECTURE: "Recommendation record").
import type { ModelMetrics } from '../ports/index.js';
import type { Interval } from './stats.js';

export type RecommendationPolicy = {
  /** minimum projected cost reduction, percent */
  minCostReductionPercent: number;
  /** quality impact must stay above this, percent (negative) */
  minQualityImpactPercent: number;
  /** when true, the lower 95% bound of quality impact must clear the threshold; else the point estimate */
  useQualityLowerBound: boolean;
  /** maximum increase of refusal rate vs baseline, percentage points */
  maxRefusalIncreasePoints: number;
  /** maximum error rate, percent */
  maxErrorRatePercent: number;
};

/** The seed's rule: cost reduction > 30% and quality impact > -5% (point estimates). */
export const SEED_POLICY: RecommendationPolicy = {
  minCostReductionPercent: 30,
  minQualityImpactPercent: -5,
  useQualityLowerBound: false,
  maxRefusalIncreasePoints: 100,
  maxErrorRatePercent: 100,
};

export type Comparison = {
  model: string;
  /** relative quality change vs baseline, as a fraction, paired by capture */
  quality: { estimate: number; ci95: Interval; n: number } | null;
  /** relative cost change vs baseline, as a fraction (negative = cheaper), paired by capture; null when a price is unknown */
  cost: { estimate: number; ci95: Interval; n: number } | null;
};

export type Alternative = {
  model: string;
  qualifies: boolean;
  reason: string;
  projected_cost_saving_percent: number | null;
  projected_cost_saving_ci95: Interval | null;
  quality_impact_percent: number | null;
  quality_impact_ci95: Interval | null;
  expected_reliability: { success_rate: number; refusal_rate: number; error_rate: number; guardrail_block_rate: number };
  cost_per_1k_requests_usd: number | null;
  quality_mean: number | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  sample_size: number;
};

export type RecommendationRecord = {
  baseline_model: string;
  recommended_model: string | null;
  reasoning: string;
  projected_cost_saving_percent: number | null;
  quality_impact_percent: number | null;
  quality_impact_ci95: Interval | null;
  projected_cost_saving_ci95: Interval | null;
  expected_reliability: { success_rate: number; refusal_rate: number } | null;
  sample_size: number;
  policy: RecommendationPolicy;
  alternatives: Alternative[];
  simulated: boolean;
  generated_at: string;
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (x: number) => round1(x * 100);
const pctInterval = (i: Interval): Interval => [pct(i[0]), pct(i[1])];

function describe(m: ModelMetrics, c: Comparison | undefined, baseline: ModelMetrics, policy: RecommendationPolicy): Alternative {
  const attempted = m.results - m.skipped;
  const saving = c?.cost ? -c.cost.estimate : null;
  const savingCi: Interval | null = c?.cost ? [-c.cost.ci95[1], -c.cost.ci95[0]] : null;
  const quality = c?.quality ?? null;
  const reliability = {
    success_rate: attempted === 0 ? 0 : round1((m.ok / attempted) * 100),
    refusal_rate: pct(m.refusal_rate),
    error_rate: pct(m.error_rate),
    guardrail_block_rate: pct(m.guardrail_block_rate),
  };
  const reasons: string[] = [];
  if (saving === null) reasons.push(m.cost_known && baseline.cost_known ? 'no paired cost data' : 'cost unknown (no price for this model or the baseline): no cost comparison made');
  else if (saving * 100 < policy.minCostReductionPercent) reasons.push(`cost reduction ${pct(saving)}% is below ${policy.minCostReductionPercent}%`);
  if (!quality || !Number.isFinite(quality.estimate)) reasons.push('no paired quality scores');
  else {
    const q = policy.useQualityLowerBound ? quality.ci95[0] : quality.estimate;
    if (!Number.isFinite(q) || q * 100 < policy.minQualityImpactPercent)
      reasons.push(
        policy.useQualityLowerBound
          ? `quality impact's lower 95% bound ${pct(quality.ci95[0])}% is below ${policy.minQualityImpactPercent}%`
          : `quality impact ${pct(quality.estimate)}% is below ${policy.minQualityImpactPercent}%`,
      );
  }
  const refusalIncrease = (m.refusal_rate - baseline.refusal_rate) * 100;
  if (refusalIncrease > policy.maxRefusalIncreasePoints) reasons.push(`refusal rate rises by ${round1(refusalIncrease)} points (limit ${policy.maxRefusalIncreasePoints})`);
  if (m.error_rate * 100 > policy.maxErrorRatePercent) reasons.push(`error rate ${pct(m.error_rate)}% is above ${policy.maxErrorRatePercent}%`);
  return {
    model: m.model,
    qualifies: reasons.length === 0,
    reason: reasons.length === 0 ? 'meets every threshold' : reasons.join('; '),
    projected_cost_saving_percent: saving === null ? null : pct(saving),
    projected_cost_saving_ci95: savingCi ? pctInterval(savingCi) : null,
    quality_impact_percent: quality && Number.isFinite(quality.estimate) ? pct(quality.estimate) : null,
    quality_impact_ci95: quality && Number.isFinite(quality.ci95[0]) ? pctInterval(quality.ci95) : null,
    expected_reliability: reliability,
    cost_per_1k_requests_usd: m.cost_per_1k_requests_usd,
    quality_mean: m.quality_mean,
    latency_ms_p50: m.latency_ms_p50,
    latency_ms_p95: m.latency_ms_p95,
    sample_size: quality?.n ?? 0,
  };
}

export function switchSentence(baseline: string, candidate: string, savingPercent: number, qualityPercent: number): string {
  const verb = savingPercent >= 0 ? 'reduces' : 'increases';
  return `Switching from ${baseline} to ${candidate} ${verb} cost by ${Math.abs(savingPercent).toFixed(1)}% with ${qualityPercent.toFixed(1)}% quality impact`;
}

export function recommendSwitch(input: {
  baseline: ModelMetrics;
  candidates: readonly ModelMetrics[];
  comparisons: ReadonlyMap<string, Comparison>;
  policy: RecommendationPolicy;
  simulated: boolean;
  now: Date;
}): RecommendationRecord {
  const { baseline, policy } = input;
  const alternatives = input.candidates.map((m) => describe(m, input.comparisons.get(m.model), baseline, policy));
  const qualifying = alternatives
    .filter((a) => a.qualifies)
    .sort((a, b) => (b.projected_cost_saving_percent ?? 0) - (a.projected_cost_saving_percent ?? 0));
  const best = qualifying[0];
  const base = {
    baseline_model: baseline.model,
    policy,
    simulated: input.simulated,
    generated_at: input.now.toISOString(),
  };
  if (best && best.projected_cost_saving_percent !== null && best.quality_impact_percent !== null) {
    for (const a of alternatives) if (a !== best && a.qualifies) a.reason = `qualifies, but saves less than ${best.model}`;
    return {
      ...base,
      recommended_model: best.model,
      reasoning: switchSentence(baseline.model, best.model, best.projected_cost_saving_percent, best.quality_impact_percent),
      projected_cost_saving_percent: best.projected_cost_saving_percent,
      quality_impact_percent: best.quality_impact_percent,
      quality_impact_ci95: best.quality_impact_ci95,
      projected_cost_saving_ci95: best.projected_cost_saving_ci95,
      expected_reliability: { success_rate: best.expected_reliability.success_rate, refusal_rate: best.expected_reliability.refusal_rate },
      sample_size: best.sample_size,
      alternatives,
    };
  }
  const why =
    alternatives.length === 0
      ? 'no candidate models were replayed'
      : `no candidate keeps quality within ${policy.minQualityImpactPercent}%${policy.useQualityLowerBound ? ' at 95% confidence' : ''} while cutting cost by at least ${policy.minCostReductionPercent}%`;
  return {
    ...base,
    recommended_model: null,
    reasoning: `Stay on ${baseline.model}: ${why}`,
    projected_cost_saving_percent: null,
    quality_impact_percent: null,
    quality_impact_ci95: null,
    projected_cost_saving_ci95: null,
    expected_reliability: null,
    sample_size: Math.max(0, ...alternatives.map((a) => a.sample_size)),
    alternatives,
  };
}
