// What a recommendation criterion is (STYLE: plug-in units). One module per criterion declares how it is measured on
// each answer, how the two answers of a prompt are paired and summarised (with a 95% interval), how the policy tests
// the summary, and how it appears in the record and the report. The registry (./index.ts) lists them.
import type * as z from '../../schemas/zod.js';
import type { ModelMetrics } from '../metrics.js';
import type { ReplayResult } from '../result.js';
import type { Interval } from '../stats.js';

/** The candidate and the baseline a summary is computed or tested for. */
export type CriterionContext = { candidate: ModelMetrics; baseline: ModelMetrics };

/** Accumulates the paired observations of one candidate against the baseline (overall or in one segment). */
export interface Pairing<Obs, Summary> {
  /** one prompt both models were measured on; `cluster` groups prompts that are not independent (a conversation) */
  add(baseline: Obs, candidate: Obs, cluster: string): void;
  summarise(ctx: CriterionContext): Summary | null;
}

export type Criterion<Id extends string, Key extends string, Obs, Summary, Config extends z.core.$ZodShape, Fields extends z.core.$ZodShape> = {
  /** the name a policy lists it by */
  id: Id;
  /** where its summary is stored in a comparison */
  key: Key;
  /** measured and described in every record; otherwise only when the policy lists it */
  always: boolean;
  /** this answer's observation; null when the answer cannot be compared on this criterion */
  measure(result: ReplayResult): Obs | null;
  pair(): Pairing<Obs, Summary>;
  /** the stored summary, validated when read back */
  summary: z.ZodMiniType<Summary>;
  /** its thresholds: keys of the policy object, with defaults */
  config: z.ZodMiniObject<Config>;
  defaults: z.infer<z.ZodMiniObject<Config>>;
  /** null when the candidate passes; otherwise the reason, in words */
  test(summary: Summary | null, policy: z.infer<z.ZodMiniObject<Config>>, ctx: CriterionContext): string | null;
  /** what the policy asks, for the "no candidate …" sentence; null when the threshold cannot fail */
  requirement(policy: z.infer<z.ZodMiniObject<Config>>): { clause: 'lead' | 'while' | 'with'; text: string } | null;
  /** the fields it adds to each alternative in the record (optional fields when `always` is false) */
  fields: z.ZodMiniObject<Fields>;
  describe(summary: Summary | null): z.infer<z.ZodMiniObject<Fields>>;
  /** an optional column in the demo's table */
  column?: { header: string; cell(fields: z.infer<z.ZodMiniObject<Fields>>): string };
};

/** Identity with inference: each criterion module is `export const x = defineCriterion({...})`. */
export const defineCriterion = <
  const Id extends string,
  const Key extends string,
  Obs,
  Summary,
  Config extends z.core.$ZodShape,
  Fields extends z.core.$ZodShape,
>(
  c: Criterion<Id, Key, Obs, Summary, Config, Fields>,
): Criterion<Id, Key, Obs, Summary, Config, Fields> => c;

// Shared by the criteria's formatting: percent with one decimal, and finite intervals.
export const round1 = (x: number): number => Math.round(x * 10) / 10;
export const pct = (x: number): number => round1(x * 100);
export const pctInterval = (i: Interval): Interval => [pct(i[0]), pct(i[1])];
export const finite = (i: Interval | undefined | null): i is Interval => !!i && Number.isFinite(i[0]) && Number.isFinite(i[1]);
