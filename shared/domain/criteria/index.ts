// The criteria registry: every criterion a policy can list. Adding one is one module beside this file and one line
// in CRITERIA; the policy's thresholds, the stored comparison and the record's alternatives derive from this list.
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { costSaving } from './cost-saving.js';
import type { Criterion, CriterionContext, Pairing } from './criterion.js';
import { errorRate } from './error-rate.js';
import { latencyP95 } from './latency-p95.js';
import { quality } from './quality.js';
import { refusalRate } from './refusal-rate.js';

/** In the order their fields appear in each alternative. */
export const CRITERIA = [costSaving, quality, refusalRate, errorRate, latencyP95] as const;

// biome-ignore lint/suspicious/noExplicitAny: the registry holds criteria of different observation and summary types
export type AnyCriterion = Criterion<string, string, any, any, any, any>;
type Registered = (typeof CRITERIA)[number];
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
type ConfigOf<C> = C extends { defaults: infer D } ? D : never;
type FieldsOf<C> = C extends { describe(s: never): infer F } ? F : never;
type SummaryOf<C> = C extends { summary: z.ZodMiniType<infer S> } ? S : never;

export type CriterionId = Registered['id'];
export const CRITERION_IDS = CRITERIA.map((c) => c.id) as [CriterionId, ...CriterionId[]];

/** The recommendation policy: the criteria applied (in order) and every criterion's thresholds. */
export type RecommendationPolicy = { criteria: CriterionId[] } & UnionToIntersection<ConfigOf<Registered>>;
/** The fields the criteria add to each alternative of the record. */
export type CriteriaFields = UnionToIntersection<FieldsOf<Registered>>;
/** A candidate's paired summaries against the baseline, one per measured criterion (absent: not measured). */
export type Comparison = { model: string } & { [C in Registered as C['key']]?: SummaryOf<C> | null };

const all = CRITERIA as readonly AnyCriterion[];

const DEFAULT_CRITERIA: CriterionId[] = ['cost_saving', 'quality', 'refusal_rate', 'error_rate'];

const PolicyObject = onFirstUse(() =>
  z.object({
    criteria: z._default(z.array(z.enum(CRITERION_IDS)).check(z.minLength(1)), DEFAULT_CRITERIA),
    ...Object.assign({}, ...all.map((c) => c.config.shape)),
  }),
);
export const PolicySchema = onFirstUse(() => PolicyObject as unknown as z.ZodMiniType<RecommendationPolicy>);
/** Any subset of the policy, merged over the defaults (cdk.json `settings.policy`). */
export const PolicyOverrideSchema = onFirstUse(() => z.partial(PolicyObject) as unknown as z.ZodMiniType<Partial<RecommendationPolicy>>);

/** Defaults: ≥30% cheaper, quality's lower 95% bound ≥ -5%, refusals up by ≤1 point, errors ≤1%. */
export const DEFAULT_POLICY = { criteria: DEFAULT_CRITERIA, ...Object.assign({}, ...all.map((c) => c.defaults)) } as RecommendationPolicy;

/** The seed's rule: cost reduction > 30% and quality impact > -5% (point estimates). */
export const SEED_POLICY: RecommendationPolicy = { ...DEFAULT_POLICY, criteria: ['cost_saving', 'quality'], useQualityLowerBound: false };

export const ComparisonSchema = onFirstUse(
  () =>
    z.object({
      model: z.string(),
      ...Object.fromEntries(all.map((c) => [c.key, z.optional(z.nullable(c.summary))])),
    }) as unknown as z.ZodMiniType<Comparison>,
);

/** Criteria a run measures: those every record shows, plus those the policy lists. */
export const measuredCriteria = (policy: Pick<RecommendationPolicy, 'criteria'>): AnyCriterion[] =>
  all.filter((c) => c.always || (policy.criteria as string[]).includes(c.id));

/** Criteria the policy tests, in its order. */
export const policyCriteria = (policy: Pick<RecommendationPolicy, 'criteria'>): AnyCriterion[] =>
  (policy.criteria as string[]).map((id) => all.find((c) => c.id === id)).filter((c): c is AnyCriterion => c !== undefined);

export type { CriterionContext, Pairing };
