// Stored shapes of the paired summaries criteria share, and the pairings that produce them.
import { z } from 'zod';
import { NumberColumn } from '../metrics.js';
import { type Interval, type PairedCounts, pairedProportionDifference } from '../stats.js';
import type { Pairing } from './criterion.js';

/** JSON turns NaN (an undefined interval) into null; reading back restores NaN so `Number.isFinite` checks hold. */
const num = z
  .number()
  .nullable()
  .transform((v) => v ?? Number.NaN);
const interval = z.tuple([num, num]);

/** A relative change of paired means with its interval, over n pairs (and the clusters resampled, when clustered). */
export const RelativeChangeSchema = z.object({ estimate: num, ci95: interval, n: z.number(), clusters: z.number().optional() });
export type RelativeChange = { estimate: number; ci95: Interval; n: number; clusters?: number };

/** A change of a rate in fractions (percentage points / 100) with its interval. */
export const ProportionChangeSchema = z.object({ estimate: num, ci95: interval });
export type ProportionChange = { estimate: number; ci95: Interval };

/** Paired numeric columns (8 bytes a value) and the cluster of each pair. */
export class NumberPairs {
  readonly b = new NumberColumn();
  readonly c = new NumberColumn();
  readonly clusters: string[] = [];
  constructor(private readonly keepClusters: boolean) {}
  add(b: number, c: number, cluster: string): void {
    this.b.push(b);
    this.c.push(c);
    if (this.keepClusters) this.clusters.push(cluster);
  }
  get length(): number {
    return this.b.length;
  }
}

/** Paired 2×2 table of a binary outcome (refused, errored): baseline first, candidate second. */
export function pairedRate(): Pairing<boolean, ProportionChange> {
  const t: PairedCounts = { both: 0, firstOnly: 0, secondOnly: 0, neither: 0 };
  return {
    add(b, c) {
      if (b && c) t.both++;
      else if (b) t.firstOnly++;
      else if (c) t.secondOnly++;
      else t.neither++;
    },
    summarise() {
      return t.both + t.firstOnly + t.secondOnly + t.neither > 0 ? pairedProportionDifference(t) : null;
    },
  };
}
