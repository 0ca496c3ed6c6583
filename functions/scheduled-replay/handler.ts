// The EventBridge schedule's target — adapter around startReplay for the rule's fixed input (cdk.json `schedule`).

import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { replayStartWiring } from '../../shared/runtime/wiring/replay-start.js';
import { onFirstUse } from '../../shared/schemas/on-first-use.js';
import * as z from '../../shared/schemas/zod.js';
import { type StartReplayDeps, startReplay } from '../../shared/use-cases/start-replay.js';

/** The rule's input (cdk.json `schedule.replay`): the tenant and the replay request. */
export const ScheduledReplaySchema = onFirstUse(() => z.object({ tenant_id: z.string().check(z.minLength(1)), replay: z.record(z.string(), z.unknown()) }));

/** Thrown when the schedule's input is wrong: a deployment bug, surfaced as a failed invocation. */
export class ScheduleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleConfigError';
  }
}

export function makeScheduledReplayHandler(getDeps: () => Promise<StartReplayDeps>) {
  return async (event: unknown): Promise<{ run_id: string } | { skipped: string }> => {
    const input = ScheduledReplaySchema.safeParse(event);
    if (!input.success) throw new ScheduleConfigError(`scheduled replay input: ${input.error.issues[0]?.message ?? 'invalid'}`);
    const outcome = await startReplay(await getDeps(), input.data.tenant_id, input.data.replay);
    if (!outcome.ok) {
      if (outcome.problem.error === 'no_captures') return { skipped: outcome.problem.message };
      throw new ScheduleConfigError(outcome.problem.message);
    }
    return 'run_id' in outcome ? { run_id: outcome.run_id } : { skipped: 'dry run requested by the schedule' };
  };
}

export const handler = makeScheduledReplayHandler(fromEnvironment(replayStartWiring));
