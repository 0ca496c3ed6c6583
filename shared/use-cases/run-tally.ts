// Run counters gathered over one worker invocation (an SQS batch) and written at its end in one update per run: the
// counts of stored results and the budget settlements. A crash before that write loses no truth: the stored results
// hold every count, and CheckProgress recounts them when the counters stall short of the work; a settlement not
// written leaves the reservation above the real spend, the safe side of the budget.
import { addCounts, noCounts, type RunCounts } from '../domain/run.js';
import type { RunStore } from '../ports/index.js';
import type { RunRef } from '../schemas/messages.js';

export type RunTally = {
  /** Adds a stored result's counts. */
  count(ref: RunRef, counts: Partial<RunCounts>): Promise<void>;
  /** Corrects the run's budget reservation by `usd` (the actual cost minus the reservation). */
  settle(ref: RunRef, usd: number): Promise<void>;
  /** Writes what is pending (for one run, or all); true when there was something to write. */
  flush(ref?: RunRef): Promise<boolean>;
};

/** Every count and settlement written at once (one update each): for callers outside a batch. */
export const writeThrough = (runs: Pick<RunStore, 'recordResult'>): RunTally => ({
  async count(ref, counts) {
    await runs.recordResult(ref, counts);
  },
  async settle(ref, usd) {
    if (usd !== 0) await runs.recordResult(ref, { settle_usd: usd });
  },
  flush: async () => false,
});

/** Counts and settlements kept until `flush`, then one update per run. */
export function batchedTally(runs: Pick<RunStore, 'recordResult'>): RunTally {
  const pending = new Map<string, { ref: RunRef; counts: RunCounts; settle: number }>();
  const entry = (ref: RunRef) => {
    const key = `${ref.tenant_id}|${ref.run_id}`;
    const found = pending.get(key) ?? { ref, counts: noCounts(), settle: 0 };
    pending.set(key, found);
    return found;
  };
  return {
    async count(ref, counts) {
      const e = entry(ref);
      e.counts = addCounts(e.counts, counts);
    },
    async settle(ref, usd) {
      entry(ref).settle += usd;
    },
    async flush(ref) {
      const due = [...pending.entries()].filter(([, e]) => !ref || (e.ref.tenant_id === ref.tenant_id && e.ref.run_id === ref.run_id));
      for (const [key] of due) pending.delete(key);
      // A run no longer running refuses the update (false): aggregation already counted its stored results.
      const written = await Promise.allSettled(due.map(([, e]) => runs.recordResult(e.ref, { ...e.counts, settle_usd: e.settle })));
      const failed = written.find((w): w is PromiseRejectedResult => w.status === 'rejected');
      if (failed) throw failed.reason;
      return due.length > 0;
    },
  };
}
