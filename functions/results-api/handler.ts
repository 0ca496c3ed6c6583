// GET /v1/replays/{id} — adapter around getReplay.
import { getReplay } from '../../shared/use-cases/get-replay.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { json, problemResponse, tenantOf, unauthorized, type HttpEvent, type HttpResult } from '../../shared/runtime/http.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export function makeResultsHandler(getDeps: () => Promise<Deps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const id = event.pathParameters?.id ?? '';
    const outcome = await getReplay(await getDeps(), tenant, id);
    return outcome.ok ? json(200, outcome.body) : problemResponse(outcome.problem);
  };
}

export const handler = makeResultsHandler(lazyDeps);
