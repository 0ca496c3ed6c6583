// State CheckProgress: is every work item stored, or has the deadline passed? Keys and counts only (256 KiB state).
import { pollSecondsFor, type RunRecord } from '../../domain/run.js';
import type { Progress, RunRef } from '../../schemas/messages.js';
import type { Needs } from '../deps.js';
import { loadRun } from './load-run.js';

export type CheckProgressDeps = Needs<'runs' | 'results' | 'clock'>;

/** CheckProgress: done when every work item has a result, or the deadline has passed. */
export async function checkProgress(deps: CheckProgressDeps, ref: RunRef): Promise<Progress> {
  const run = await loadRun(deps, ref);
  const base = { ...ref, stored: run.stored, expected: run.expected, poll_seconds: pollSecondsFor(run.expected) };
  if (run.status !== 'running') return { ...base, done: true, reasons: run.reasons };
  let stored = run.stored;
  if (stored < run.expected && deps.clock.now() >= Date.parse(run.deadline)) {
    // The counter can lag a crashed worker's write; count what is really stored before calling it partial.
    stored = await countStored(deps, run);
  }
  const reasons: string[] = [];
  if (run.skipped > 0) reasons.push(`budget: ${run.skipped} of ${run.expected} work items skipped at the $${run.request.budget_usd} cap`);
  if (run.dead_lettered > 0) reasons.push(`dead-lettered: ${run.dead_lettered} work items reached the dead-letter queue`);
  if (stored >= run.expected) {
    await deps.runs.beginAggregation(ref, reasons);
    return { ...base, stored, done: true, reasons };
  }
  if (deps.clock.now() >= Date.parse(run.deadline)) {
    reasons.push(`deadline: ${run.expected - stored} of ${run.expected} work items had no result`);
    await deps.runs.beginAggregation(ref, reasons);
    return { ...base, stored, done: true, reasons };
  }
  return { ...base, done: false, reasons: [] };
}

async function countStored(deps: CheckProgressDeps, run: RunRecord): Promise<number> {
  let n = 0;
  for (const model of run.models) {
    let cursor: string | null = null;
    do {
      const page = await deps.results.page(run.run_id, model, cursor, 500);
      n += page.items.length;
      cursor = page.cursor;
    } while (cursor);
  }
  return n;
}
