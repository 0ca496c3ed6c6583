// The run an aggregate step works on: a missing run is a wiring bug, not user input.
import type { RunRecord } from '../../domain/run.js';
import type { RunStore } from '../../ports/index.js';
import type { RunRef } from '../../schemas/messages.js';

/** Thrown when a step is given a run that does not exist: a bug in wiring, not user input. */
export class RunNotFoundError extends Error {
  constructor(ref: RunRef) {
    super(`run ${ref.run_id} not found`);
    this.name = 'RunNotFoundError';
  }
}

export async function loadRun(deps: { runs: RunStore }, ref: RunRef): Promise<RunRecord> {
  const run = await deps.runs.get(ref);
  if (!run) throw new RunNotFoundError(ref);
  return run;
}
