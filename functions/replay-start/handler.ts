// POST /v1/replays — HTTP adapter around startReplay (the EventBridge schedule has its own function: scheduled-replay).
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

export const handler = makeReplayStartHandler(lazyDeps);
