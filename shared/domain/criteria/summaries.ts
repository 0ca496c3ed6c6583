// Stored shapes of the paired summaries criteria share, and the pairings that produce them.
import { onFirstUse } from '../../schemas/on-first-use.js';
import * as z from '../../schemas/zod.js';
import { NumberColumn } from '../metrics.js';
import { type Interval, type PairedCounts, pairedProportionDifference } from '../stats.js';
import type { CriterionContext, Pairing } from './criterion.js';

/** JSON turns NaN (an undefined interval) into null; reading back restores NaN so `Number.isFinite` checks hold. */
const num = onFirstUse(() =>
  z.pipe(
    z.nullable(z.number()),
    z.transform((v) => v ?? Number.NaN),
  ),
);
const interval = onFirstUse(() => z.tuple([num, num]));

/** A relative change of paired means with its interval, over n pairs (and the clusters resampled, when clustered). */
export const RelativeChangeSchema = onFirstUse(() => z.object({ estimate: num, ci95: interval, n: z.number(), clusters: z.optional(z.number()) }));
export type RelativeChange = { estimate: number; ci95: Interval; n: number; clusters?: number };

/** A change of a rate in fractions (percentage points / 100) with its interval. */
export const ProportionChangeSchema = onFirstUse(() => z.object({ estimate: num, ci95: interval }));
export type ProportionChange = { estimate: number; ci95: Interval };

/**
 * Paired numeric columns (8 bytes a value) and the cluster of each pair, summarised by the criterion's function.
 * One class for every numeric criterion keeps the aggregate's hot call site monomorphic.
 */
export class NumberPairs<S> implements Pairing<number, S> {
  readonly b = new NumberColumn();
  readonly c = new NumberColumn();
  readonly clusters: string[] = [];
  constructor(
    private readonly keepClusters: boolean,
    private readonly summariseWith: (pairs: NumberPairs<S>, ctx: CriterionContext) => S | null,
  ) {}
  add(b: number, c: number, cluster: string): void {
    this.b.push(b);
    this.c.push(c);
    if (this.keepClusters) this.clusters.push(cluster);
  }
  get length(): number {
    return this.b.length;
  }
  summarise(ctx: CriterionContext): S | null {
    return this.summariseWith(this, ctx);
  }
}

/** Paired 2×2 table of a binary outcome (refused, errored): baseline first, candidate second. */
export class RatePairs implements Pairing<boolean, ProportionChange> {
  private readonly t: PairedCounts = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 };
  add(b: boolean, c: boolean): void {
    if (b && c) this.t.both++;
    else if (b) this.t.firstOnly++;
    else if (c) this.t.secondOnly++;
    else this.t.neither++;
  }
  summarise(): ProportionChange | null {
    const t = this.t;
    return t.both + t.firstOnly + t.secondOnly + t.neither > 0 ? pairedProportionDifference(t) : null;
  }
}

export const pairedRate = (): RatePairs => new RatePairs();
