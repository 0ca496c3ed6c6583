// POST /v1/replays — HTTP adapter around startReplay (the EventBridge schedule has its own function: scheduled-replay).

import { type HttpEvent, type HttpResult, json, parseJsonBody, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { replayStartWiring } from '../../shared/runtime/wiring/replay-start.js';
import { type StartReplayDeps, startReplay } from '../../shared/use-cases/start-replay.js';

export function makeReplayStartHandler(getDeps: () => Promise<StartReplayDeps>) {
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

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeReplayStartHandler(fromEnvironment(replayStartWiring)));
