// The recommendation policy applied to a run's metrics, and the record it writes (ARCHITECTURE: "Recommendation record").
// The policy's tests come from the criteria (./criteria); the headline (cost saving and quality impact) is the seed's.
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { pct, round1 } from './criteria/criterion.js';
import {
  type AnyCriterion,
  type Comparison,
  CRITERIA,
  type CriteriaFields,
  measuredCriteria,
  PolicySchema,
  policyCriteria,
  type RecommendationPolicy,
} from './criteria/index.js';
import type { ModelMetrics } from './metrics.js';
import { JudgingSchema } from './run-metrics.js';

export { type Comparison, DEFAULT_POLICY, type RecommendationPolicy, SEED_POLICY } from './criteria/index.js';

const IntervalSchema = onFirstUse(() => z.tuple([z.number(), z.number()]));

// An alternative reads: the verdict, then every criterion's fields, then the candidate's own numbers.
const AlternativeHeadSchema = onFirstUse(() => z.object({ model: z.string(), qualifies: z.boolean(), reason: z.string() }));
const AlternativeTailSchema = onFirstUse(() =>
  z.object({
    expected_reliability: z.object({ success_rate: z.number(), refusal_rate: z.number(), error_rate: z.number(), guardrail_block_rate: z.number() }),
    cost_per_1k_requests_usd: z.nullable(z.number()),
    quality_mean: z.nullable(z.number()),
    /** pairwise verdicts vs the baseline's answers, percent (a win or loss needs both orders to agree) */
    pairwise: z.nullable(z.object({ win_rate: z.number(), tie_rate: z.number(), loss_rate: z.number(), n: z.number() })),
    latency_ms_p50: z.nullable(z.number()),
    latency_ms_p95: z.nullable(z.number()),
    sample_size: z.number(),
  }),
);

/** Every candidate with its numbers and the reason it was or was not chosen; criteria add their own fields. */
export type Alternative = z.infer<typeof AlternativeHeadSchema> & CriteriaFields & z.infer<typeof AlternativeTailSchema>;

// Fields of criteria every record shows read back as null when a record older than the criterion lacks them.
const criteriaShape = Object.fromEntries(
  (CRITERIA as readonly AnyCriterion[]).flatMap((c) =>
    Object.entries(c.fields.shape).map(([k, s]) => [k, c.always ? z._default(s as z.ZodMiniNullable, null) : s]),
  ),
);
export const AlternativeSchema = onFirstUse(
  () =>
    z.object({
      ...AlternativeHeadSchema.shape,
      ...criteriaShape,
      ...AlternativeTailSchema.shape,
    }) as unknown as z.ZodMiniType<Alternative>,
);

export const TrafficVolumeSchema = onFirstUse(() => z.object({ requests_per_month: z.number(), basis: z.string() }));
export type TrafficVolume = z.infer<typeof TrafficVolumeSchema>;

export const RecommendationRecordSchema = onFirstUse(() =>
  z.object({
    baseline_model: z.string(),
    /** `captured`: the baseline's answers are the captured completions (not replayed); `replayed`: it was called again */
    baseline_source: z._default(z.enum(['replayed', 'captured']), 'replayed'),
    recommended_model: z.nullable(z.string()),
    reasoning: z.string(),
    projected_cost_saving_percent: z.nullable(z.number()),
    quality_impact_percent: z.nullable(z.number()),
    quality_impact_ci95: z.nullable(IntervalSchema),
    projected_cost_saving_ci95: z.nullable(IntervalSchema),
    expected_reliability: z.nullable(z.object({ success_rate: z.number(), refusal_rate: z.number() })),
    sample_size: z.number(),
    projected_monthly: z.nullable(
      z.object({
        requests: z.number(),
        baseline_cost_usd: z.number(),
        recommended_cost_usd: z.nullable(z.number()),
        saving_usd: z.nullable(z.number()),
        basis: z.string(),
      }),
    ),
    pareto_frontier: z.array(z.object({ model: z.string(), cost_per_1k_requests_usd: z.number(), quality_mean: z.number() })),
    upgrade: z.nullable(
      z.object({
        model: z.string(),
        quality_gain_percent: z.number(),
        quality_gain_ci95: IntervalSchema,
        cost_change_percent: z.nullable(z.number()),
        reasoning: z.string(),
      }),
    ),
    segments: z.array(z.object({ segment: z.string(), sample_size: z.number(), recommended_model: z.nullable(z.string()), reasoning: z.string() })),
    /**
     * judge calls made against judging every answer (sequential judging stops once decisions are settled);
     * confirmed_model: the model whose remaining answers were judged after the sequential decision, before deciding again
     */
    judging: z.nullable(z.extend(JudgingSchema, { confirmed_model: z.optional(z.nullable(z.string())) })),
    policy: PolicySchema,
    alternatives: z.array(AlternativeSchema),
    simulated: z.boolean(),
    generated_at: z.string(),
    /** the run's budget and its spend (provider + judge) when the record was written; absent on older records */
    budget: z.optional(
      z.object({
        budget_usd: z.nullable(z.number()),
        provider_usd: z.number(),
        judge_usd: z.number(),
        total_usd: z.number(),
        remaining_usd: z.nullable(z.number()),
        reached: z.boolean(),
      }),
    ),
    /** what the evaluation cost (replays + judging) and the days of projected saving that pay for it; absent on older records */
    evaluation_spend: z.optional(z.object({ replay_usd: z.number(), judge_usd: z.number(), total_usd: z.number(), payback_days: z.nullable(z.number()) })),
    /** the cheap-judge-first cascade, when the run used one: answers and pairs judged cheap alone vs escalated */
    judge_cascade: z.optional(
      z.nullable(
        z.object({
          cheap_model: z.string(),
          strong_model: z.string(),
          margin: z.number(),
          /** false: pairwise ties and split orders of the cheap judge stand (only unparseable replies are escalated) */
          escalate_pairwise: z.optional(z.boolean()),
          rubric_cheap: z.number(),
          rubric_escalated: z.number(),
          pairwise_cheap: z.number(),
          pairwise_escalated: z.number(),
        }),
      ),
    ),
  }),
);
export type RecommendationRecord = Omit<z.infer<typeof RecommendationRecordSchema>, 'policy' | 'alternatives'> & {
  policy: RecommendationPolicy;
  alternatives: Alternative[];
};

/** Fewer paired judged prompts than this give no interval, so no switch is recommended on them. */
export const MIN_SAMPLE_FOR_SWITCH = 2;

/** Describes one candidate: every measured criterion's fields, and the policy's verdict with its reasons. */
export function describeCandidate(m: ModelMetrics, c: Comparison | undefined, baseline: ModelMetrics, policy: RecommendationPolicy): Alternative {
  const attempted = m.results - m.skipped;
  const ctx = { candidate: m, baseline };
  const summaryOf = (criterion: AnyCriterion) => (c as Record<string, unknown> | undefined)?.[criterion.key] ?? null;
  const reasons = policyCriteria(policy)
    .map((criterion) => criterion.test(summaryOf(criterion), policy, ctx))
    .filter((r): r is string => r !== null);
  const fields = Object.assign({}, ...measuredCriteria(policy).map((criterion) => criterion.describe(summaryOf(criterion)))) as CriteriaFields;
  const quality = c?.quality ?? null;
  return {
    model: m.model,
    qualifies: reasons.length === 0,
    reason: reasons.length === 0 ? 'meets every threshold' : reasons.join('; '),
    ...fields,
    expected_reliability: {
      success_rate: attempted === 0 ? 0 : round1((m.ok / attempted) * 100),
      refusal_rate: pct(m.refusal_rate),
      error_rate: pct(m.error_rate),
      guardrail_block_rate: pct(m.guardrail_block_rate),
    },
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
  const known = models.filter((m) => m.cost_per_1k_requests_usd !== null && m.quality_mean !== null) as (ModelMetrics & {
    cost_per_1k_requests_usd: number;
    quality_mean: number;
  })[];
  return known
    .filter(
      (m) =>
        !known.some(
          (o) =>
            o !== m &&
            o.cost_per_1k_requests_usd <= m.cost_per_1k_requests_usd &&
            o.quality_mean >= m.quality_mean &&
            (o.cost_per_1k_requests_usd < m.cost_per_1k_requests_usd || o.quality_mean > m.quality_mean),
        ),
    )
    .sort((a, b) => a.cost_per_1k_requests_usd - b.cost_per_1k_requests_usd)
    .map((m) => ({ model: m.model, cost_per_1k_requests_usd: m.cost_per_1k_requests_usd, quality_mean: m.quality_mean }));
}

/** The policy in words: "keeps quality within -5% at 95% confidence while cutting cost by at least 30% with …". */
export function policyRequirements(policy: RecommendationPolicy): string {
  const parts = { lead: [] as string[], while: [] as string[], with: [] as string[] };
  for (const criterion of policyCriteria(policy)) {
    const r = criterion.requirement(policy);
    if (r) parts[r.clause].push(r.text);
  }
  return [parts.lead.join(' and '), parts.while.length ? `while ${parts.while.join(' and ')}` : '', parts.with.length ? `with ${parts.with.join(' and ')}` : '']
    .filter(Boolean)
    .join(' ');
}

/** Picks the qualifying candidate with the largest saving, or explains why none qualifies. */
export function chooseCandidate(baseline: string, alternatives: Alternative[], policy: RecommendationPolicy): { best: Alternative | null; reasoning: string } {
  const qualifying = alternatives.filter((a) => a.qualifies).sort((a, b) => (b.projected_cost_saving_percent ?? 0) - (a.projected_cost_saving_percent ?? 0));
  const best = qualifying[0];
  if (best && best.projected_cost_saving_percent !== null && best.quality_impact_percent !== null) {
    return { best, reasoning: switchSentence(baseline, best.model, best.projected_cost_saving_percent, best.quality_impact_percent) };
  }
  const why = alternatives.length === 0 ? 'no candidate models were replayed' : `no candidate ${policyRequirements(policy)}`;
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
  /** where the baseline's answers came from (default: replayed) */
  baselineSource?: 'replayed' | 'captured';
}): RecommendationRecord {
  const { baseline, policy } = input;
  const alternatives = input.candidates.map((m) => describeCandidate(m, input.comparisons.get(m.model), baseline, policy));
  // One judged prompt gives no interval: no switch can be supported, whatever the point estimates say.
  for (const a of alternatives) {
    if (a.sample_size > 0 && a.sample_size < MIN_SAMPLE_FOR_SWITCH) {
      a.qualifies = false;
      a.reason = `sample size ${a.sample_size}: no interval, so no decision${a.reason === 'meets every threshold' ? '' : `; ${a.reason}`}`;
    }
  }
  const largest = Math.max(0, ...alternatives.map((a) => a.sample_size));
  const choice = chooseCandidate(baseline.model, alternatives, policy);
  const best = choice.best;
  const reasoning =
    !best && largest > 0 && largest < MIN_SAMPLE_FOR_SWITCH
      ? `Stay on ${baseline.model}: ${largest === 1 ? 'one judged prompt' : `${largest} judged prompts`} cannot support a switch (sample size ${largest}, no interval); replay more of your traffic to decide`
      : choice.reasoning;
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
    segmentRecs.push({
      segment,
      sample_size: Math.max(0, ...alts.map((a) => a.sample_size)),
      recommended_model: choice.best?.model ?? null,
      reasoning: choice.reasoning,
    });
  }
  const disagree = segmentRecs.some((s) => s.recommended_model !== (best?.model ?? null));

  const baseCostPerRequest = baseline.cost_per_1k_requests_usd === null ? null : baseline.cost_per_1k_requests_usd / 1000;
  const projected =
    input.traffic && baseCostPerRequest !== null
      ? {
          requests: Math.round(input.traffic.requests_per_month),
          baseline_cost_usd: round2(input.traffic.requests_per_month * baseCostPerRequest),
          recommended_cost_usd:
            best?.projected_cost_saving_percent != null
              ? round2(input.traffic.requests_per_month * baseCostPerRequest * (1 - best.projected_cost_saving_percent / 100))
              : null,
          saving_usd:
            best?.projected_cost_saving_percent != null
              ? round2((input.traffic.requests_per_month * baseCostPerRequest * best.projected_cost_saving_percent) / 100)
              : null,
          basis: input.traffic.basis,
        }
      : null;

  return {
    baseline_model: baseline.model,
    baseline_source: input.baselineSource ?? 'replayed',
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
