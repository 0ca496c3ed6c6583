// State MarkFailed: the state machine's catch-all.
import type { RunRef } from '../../schemas/messages.js';
import type { Needs } from '../deps.js';

export type MarkFailedDeps = Needs<'runs' | 'clock'>;

/** MarkFailed: the state machine's catch-all, so every run terminates. */
export async function markFailed(deps: MarkFailedDeps, ref: RunRef, cause: string): Promise<{ status: 'failed' }> {
  await deps.runs.setStatus(ref, 'failed', [`aggregate failed: ${cause.slice(0, 200)}`], new Date(deps.clock.now()).toISOString());
  return { status: 'failed' };
}
