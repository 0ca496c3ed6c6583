// POST /v1/replays and the EventBridge schedule — adapter around startReplay.
import { z } from 'zod';
import { startReplay } from '../../shared/use-cases/start-replay.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { json, parseJsonBody, problemResponse, tenantOf, unauthorized, type HttpEvent, type HttpResult } from '../../shared/runtime/http.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export function makeReplayStartHandler(getDeps: () => Promise<Deps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const body = parseJsonBody(event, true);
    if (!body.ok) return body.result;
    const outcome = await startReplay(await getDeps(), tenant, body.value);
    if (!outcome.ok) return problemResponse(outcome.problem);
    const { ok: _ok, ...accepted } = outcome;
    return json('dry_run' in accepted ? 200 : 202, accepted);
  };
}

/** The rule's input (cdk.json `schedule.replay`): the tenant and the replay request. */
export const ScheduledReplaySchema = z.object({ tenant_id: z.string().min(1), replay: z.record(z.string(), z.unknown()) });

/** Thrown when the schedule's input is wrong: a deployment bug, surfaced as a failed invocation. */
export class ScheduleConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScheduleConfigError';
  }
}

export function makeScheduledReplayHandler(getDeps: () => Promise<Deps>) {
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

const http = makeReplayStartHandler(lazyDeps);
const scheduled = makeScheduledReplayHandler(lazyDeps);

/** One function serves both triggers: API Gateway events carry `requestContext.http`, the rule's input does not. */
export const handler = async (event: unknown): Promise<unknown> => {
  const isHttp = typeof event === 'object' && event !== null && 'requestContext' in event;
  return isHttp ? http(event as HttpEvent) : scheduled(event);
};
