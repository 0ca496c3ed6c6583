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

/** Defaults: ≥30% cheaper, quality's lower 95% bound ≥ -5%, refusals up by ≤1 point, errors ≤1%. */
export const DEFAULT_POLICY: RecommendationPolicy = {
  minCostReductionPercent: 30,
  minQualityImpactPercent: -5,
  useQualityLowerBound: true,
  maxRefusalIncreasePoints: 1,
  maxErrorRatePercent: 1,
};

type Estimate = { estimate: number; ci95: Interval; n: number };

export type Comparison = {
  model: string;
  /** relative quality change vs baseline, as a fraction, paired by capture (clustered by conversation when known) */
  quality: (Estimate & { clusters?: number }) | null;
  /** relative cost change vs baseline, as a fraction (negative = cheaper), paired by capture; null when a price is unknown */
  cost: Estimate | null;
  /** refusal-rate change vs baseline, as a fraction (percentage points / 100) */
  refusal: { estimate: number; ci95: Interval } | null;
  /** error-rate change vs baseline, as a fraction (percentage points / 100); absent in records from older versions */
  error?: { estimate: number; ci95: Interval } | null;
};

export type Alternative = {
  model: string;
  qualifies: boolean;
  reason: string;
  projected_cost_saving_percent: number | null;
  projected_cost_saving_ci95: Interval | null;
  quality_impact_percent: number | null;
  quality_impact_ci95: Interval | null;
  refusal_rate_change_points: number | null;
  refusal_rate_change_ci95: Interval | null;
  error_rate_change_points: number | null;
  error_rate_change_ci95: Interval | null;
  expected_reliability: { success_rate: number; refusal_rate: number; error_rate: number; guardrail_block_rate: number };
  cost_per_1k_requests_usd: number | null;
  quality_mean: number | null;
  /** pairwise verdicts vs the baseline's answers, percent (a win or loss needs both orders to agree) */
  pairwise: { win_rate: number; tie_rate: number; loss_rate: number; n: number } | null;
  latency_ms_p50: number | null;
  latency_ms_p95: number | null;
  sample_size: number;
};

export type TrafficVolume = { requests_per_month: number; basis: string };

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
  projected_monthly: { requests: number; baseline_cost_usd: number; recommended_cost_usd: number | null; saving_usd: number | null; basis: string } | null;
  pareto_frontier: { model: string; cost_per_1k_requests_usd: number; quality_mean: number }[];
  upgrade: { model: string; quality_gain_percent: number; quality_gain_ci95: Interval; cost_change_percent: number | null; reasoning: string } | null;
  segments: { segment: string; sample_size: number; recommended_model: string | null; reasoning: string }[];
  /**
   * judge calls made against judging every answer (sequential judging stops once decisions are settled);
   * confirmed_model: the model whose remaining answers were judged after the sequential decision, before deciding again
   */
  judging: { answers: number; judged: number; saved_fraction: number; confirmed_model?: string | null } | null;
  policy: RecommendationPolicy;
  alternatives: Alternative[];
  simulated: boolean;
  generated_at: string;
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const pct = (x: number) => round1(x * 100);
const pctInterval = (i: Interval): Interval => [pct(i[0]), pct(i[1])];
const finite = (i: Interval | undefined | null): i is Interval => !!i && Number.isFinite(i[0]) && Number.isFinite(i[1]);

export function describeCandidate(m: ModelMetrics, c: Comparison | undefined, baseline: ModelMetrics, policy: RecommendationPolicy): Alternative {
  const attempted = m.results - m.skipped;
  const saving = c?.cost ? -c.cost.estimate : null;
  const savingCi: Interval | null = c?.cost && finite(c.cost.ci95) ? [-c.cost.ci95[1], -c.cost.ci95[0]] : null;
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
  else if (policy.useQualityLowerBound) {
    if (!finite(quality.ci95) || quality.ci95[0] * 100 < policy.minQualityImpactPercent)
      reasons.push(`quality impact's lower 95% bound ${finite(quality.ci95) ? pct(quality.ci95[0]) : '—'}% is below ${policy.minQualityImpactPercent}%`);
  } else if (quality.estimate * 100 < policy.minQualityImpactPercent) {
    reasons.push(`quality impact ${pct(quality.estimate)}% is below ${policy.minQualityImpactPercent}%`);
  }
  const refusalIncrease = (c?.refusal?.estimate ?? m.refusal_rate - baseline.refusal_rate) * 100;
  if (refusalIncrease > policy.maxRefusalIncreasePoints) reasons.push(`refusal rate rises by ${round1(refusalIncrease)} points (limit ${policy.maxRefusalIncreasePoints})`);
  if (m.error_rate * 100 > policy.maxErrorRatePercent) reasons.push(`error rate ${pct(m.error_rate)}% is above ${policy.maxErrorRatePercent}%`);
  return {
    model: m.model,
    qualifies: reasons.length === 0,
    reason: reasons.length === 0 ? 'meets every threshold' : reasons.join('; '),
    projected_cost_saving_percent: saving === null ? null : pct(saving),
    projected_cost_saving_ci95: savingCi ? pctInterval(savingCi) : null,
    quality_impact_percent: quality && Number.isFinite(quality.estimate) ? pct(quality.estimate) : null,
    quality_impact_ci95: quality && finite(quality.ci95) ? pctInterval(quality.ci95) : null,
    refusal_rate_change_points: c?.refusal ? pct(c.refusal.estimate) : null,
    refusal_rate_change_ci95: c?.refusal ? pctInterval(c.refusal.ci95) : null,
    error_rate_change_points: c?.error ? pct(c.error.estimate) : null,
    error_rate_change_ci95: c?.error ? pctInterval(c.error.ci95) : null,
    expected_reliability: reliability,
    cost_per_1k_requests_usd: m.cost_per_1k_requests_usd,
    quality_mean: m.quality_mean,
    pairwise: pairwiseRates(m),
    latency_ms_p50: m.latency_ms_p50,
    latency_ms_p95: m.latency_ms_p95,
    sample_size: quality?.n ?? 0,
  };
}

function pairwiseRates(m: ModelMetrics): Alternative['pairwise'] {
  const p = m.pairwise;
  const n = p ? p.win + p.tie + p.loss : 0;
  if (!p || n === 0) return null;
  return { win_rate: pct(p.win / n), tie_rate: pct(p.tie / n), loss_rate: pct(p.loss / n), n };
}

export function switchSentence(baseline: string, candidate: string, savingPercent: number, qualityPercent: number): string {
  const verb = savingPercent >= 0 ? 'reduces' : 'increases';
  return `Switching from ${baseline} to ${candidate} ${verb} cost by ${Math.abs(savingPercent).toFixed(1)}% with ${qualityPercent.toFixed(1)}% quality impact`;
}

/** Models no other model beats on both cost and quality (baseline included). */
export function paretoFrontier(models: readonly ModelMetrics[]): RecommendationRecord['pareto_frontier'] {
  const known = models.filter((m) => m.cost_per_1k_requests_usd !== null && m.quality_mean !== null) as (ModelMetrics & { cost_per_1k_requests_usd: number; quality_mean: number })[];
  return known
    .filter((m) => !known.some((o) => o !== m && o.cost_per_1k_requests_usd <= m.cost_per_1k_requests_usd && o.quality_mean >= m.quality_mean && (o.cost_per_1k_requests_usd < m.cost_per_1k_requests_usd || o.quality_mean > m.quality_mean)))
    .sort((a, b) => a.cost_per_1k_requests_usd - b.cost_per_1k_requests_usd)
    .map((m) => ({ model: m.model, cost_per_1k_requests_usd: m.cost_per_1k_requests_usd, quality_mean: m.quality_mean }));
}

/** Picks the qualifying candidate with the largest saving, or explains why none qualifies. */
export function chooseCandidate(baseline: string, alternatives: Alternative[], policy: RecommendationPolicy): { best: Alternative | null; reasoning: string } {
  const qualifying = alternatives.filter((a) => a.qualifies).sort((a, b) => (b.projected_cost_saving_percent ?? 0) - (a.projected_cost_saving_percent ?? 0));
  const best = qualifying[0];
  if (best && best.projected_cost_saving_percent !== null && best.quality_impact_percent !== null) {
    return { best, reasoning: switchSentence(baseline, best.model, best.projected_cost_saving_percent, best.quality_impact_percent) };
  }
  const why =
    alternatives.length === 0
      ? 'no candidate models were replayed'
      : `no candidate keeps quality within ${policy.minQualityImpactPercent}%${policy.useQualityLowerBound ? ' at 95% confidence' : ''} while cutting cost by at least ${policy.minCostReductionPercent}%${policy.maxRefusalIncreasePoints < 100 ? ` with refusals up ≤${policy.maxRefusalIncreasePoints} point and errors ≤${policy.maxErrorRatePercent}%` : ''}`;
  return { best: null, reasoning: `Stay on ${baseline}: ${why}` };
}

export function recommendSwitch(input: {
  baseline: ModelMetrics;
  candidates: readonly ModelMetrics[];
  comparisons: ReadonlyMap<string, Comparison>;
  policy: RecommendationPolicy;
  simulated: boolean;
  now: Date;
  /** per-segment comparisons (e.g. by use_case tag): segment → model → comparison */
  segments?: ReadonlyMap<string, ReadonlyMap<string, Comparison>>;
  traffic?: TrafficVolume | null;
  judging?: { answers: number; judged: number; saved_fraction: number } | null;
}): RecommendationRecord {
  const { baseline, policy } = input;
  const alternatives = input.candidates.map((m) => describeCandidate(m, input.comparisons.get(m.model), baseline, policy));
  const { best, reasoning } = chooseCandidate(baseline.model, alternatives, policy);
  for (const a of alternatives) if (best && a !== best && a.qualifies) a.reason = `qualifies, but saves less than ${best.model}`;

  // Upgrade: a pricier candidate whose quality gain is significant (lower 95% bound above 0).
  const upgrades = alternatives
    .filter((a) => a.quality_impact_ci95 && a.quality_impact_ci95[0] > 0 && (a.projected_cost_saving_percent === null || a.projected_cost_saving_percent < 0))
    .sort((a, b) => (b.quality_impact_percent ?? 0) - (a.quality_impact_percent ?? 0));
  const up = upgrades[0];
  const upgrade = up
    ? {
        model: up.model,
        quality_gain_percent: up.quality_impact_percent!,
        quality_gain_ci95: up.quality_impact_ci95!,
        cost_change_percent: up.projected_cost_saving_percent === null ? null : -up.projected_cost_saving_percent,
        reasoning: `Upgrading from ${baseline.model} to ${up.model} raises quality by ${up.quality_impact_percent!.toFixed(1)}% (95% CI ${up.quality_impact_ci95![0].toFixed(1)} to ${up.quality_impact_ci95![1].toFixed(1)})${up.projected_cost_saving_percent === null ? ' at an unknown cost' : ` for ${(-up.projected_cost_saving_percent).toFixed(1)}% more cost`}`,
      }
    : null;

  // Segments: the same policy per segment; reported when any segment would choose differently.
  const segmentRecs: RecommendationRecord['segments'] = [];
  for (const [segment, comps] of input.segments ?? []) {
    const alts = input.candidates.map((m) => describeCandidate(m, comps.get(m.model), baseline, policy));
    const choice = chooseCandidate(baseline.model, alts, policy);
    segmentRecs.push({ segment, sample_size: Math.max(0, ...alts.map((a) => a.sample_size)), recommended_model: choice.best?.model ?? null, reasoning: choice.reasoning });
  }
  const disagree = segmentRecs.some((s) => s.recommended_model !== (best?.model ?? null));

  const baseCostPerRequest = baseline.cost_per_1k_requests_usd === null ? null : baseline.cost_per_1k_requests_usd / 1000;
  const projected =
    input.traffic && baseCostPerRequest !== null
      ? {
          requests: Math.round(input.traffic.requests_per_month),
          baseline_cost_usd: round2(input.traffic.requests_per_month * baseCostPerRequest),
          recommended_cost_usd: best?.projected_cost_saving_percent != null ? round2(input.traffic.requests_per_month * baseCostPerRequest * (1 - best.projected_cost_saving_percent / 100)) : null,
          saving_usd: best?.projected_cost_saving_percent != null ? round2((input.traffic.requests_per_month * baseCostPerRequest * best.projected_cost_saving_percent) / 100) : null,
          basis: input.traffic.basis,
        }
      : null;

  return {
    baseline_model: baseline.model,
    recommended_model: best?.model ?? null,
    reasoning,
    projected_cost_saving_percent: best?.projected_cost_saving_percent ?? null,
    quality_impact_percent: best?.quality_impact_percent ?? null,
    quality_impact_ci95: best?.quality_impact_ci95 ?? null,
    projected_cost_saving_ci95: best?.projected_cost_saving_ci95 ?? null,
    expected_reliability: best ? { success_rate: best.expected_reliability.success_rate, refusal_rate: best.expected_reliability.refusal_rate } : null,
    sample_size: best ? best.sample_size : Math.max(0, ...alternatives.map((a) => a.sample_size)),
    projected_monthly: projected,
    pareto_frontier: paretoFrontier([baseline, ...input.candidates]),
    upgrade,
    segments: disagree ? segmentRecs : [],
    judging: input.judging ?? null,
    policy,
    alternatives,
    simulated: input.simulated,
    generated_at: input.now.toISOString(),
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;
