// State CheckProgress: is every work item stored, or has the deadline passed? Keys and counts only (256 KiB state).
import { addCounts, noCounts, pollSecondsFor, type RunCounts, type RunRecord } from '../../domain/run.js';
import type { Progress, RunRef } from '../../schemas/messages.js';
import type { Needs } from '../deps.js';
import { loadRun } from './load-run.js';

export type CheckProgressDeps = Needs<'runs' | 'results' | 'clock'>;

/**
 * CheckProgress: done when every work item has a result, or the deadline has passed. `previous` is the stored count
 * the last check saw (the state machine passes its output back in).
 *
 * The worker writes its run counters once per SQS batch, after the batch's results (shared/use-cases/run-tally.ts):
 * a worker that dies in between leaves the counters short of the stored results for good. So when the counters stop
 * moving short of the work (or at the deadline), the stored results are recounted; if they are all there, the
 * aggregation begins with the counters set to the recount in the same write, and any counts written later are
 * refused (they are in the recount already).
 */
export async function checkProgress(deps: CheckProgressDeps, ref: RunRef, previous?: number): Promise<Progress> {
  const run = await loadRun(deps, ref);
  const base = { ...ref, stored: run.stored, expected: run.expected, poll_seconds: pollSecondsFor(run.expected) };
  if (run.status !== 'running') return { ...base, done: true, reasons: run.reasons };
  const pastDeadline = deps.clock.now() >= Date.parse(run.deadline);
  const stalled = run.stored < run.expected && (pastDeadline || previous === run.stored);
  const recounted = stalled ? await recount(deps, run) : undefined;
  const counts = recounted ?? run;
  const stored = counts.stored;
  const reasons: string[] = [];
  if (counts.skipped > 0) reasons.push(`budget: ${counts.skipped} of ${run.expected} work items skipped at the $${run.request.budget_usd} cap`);
  if (counts.dead_lettered > 0) reasons.push(`dead-lettered: ${counts.dead_lettered} work items reached the dead-letter queue`);
  if (stored >= run.expected) {
    await deps.runs.beginAggregation(ref, reasons, recounted);
    return { ...base, stored, done: true, reasons };
  }
  if (pastDeadline) {
    reasons.push(`deadline: ${run.expected - stored} of ${run.expected} work items had no result`);
    await deps.runs.beginAggregation(ref, reasons, recounted);
    return { ...base, stored, done: true, reasons };
  }
  // The counters, not the recount: the next check compares them with what it reads to see whether they moved.
  return { ...base, done: false, reasons: [] };
}

/** What the run's stored results add up to, model by model. */
async function recount(deps: CheckProgressDeps, run: RunRecord): Promise<RunCounts> {
  let counts = noCounts();
  for (const model of run.models) counts = addCounts(counts, await deps.results.tally(run.run_id, model));
  return counts;
}
