// GET /v1/replays/{id} — adapter around getReplay.

import { type HttpEvent, type HttpResult, json, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { resultsWiring } from '../../shared/runtime/wiring/results-api.js';
import { type GetReplayDeps, getReplay } from '../../shared/use-cases/get-replay.js';

export function makeResultsHandler(getDeps: () => Promise<GetReplayDeps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const id = event.pathParameters?.id ?? '';
    const outcome = await getReplay(await getDeps(), tenant, id);
    return outcome.ok ? json(200, outcome.body) : problemResponse(outcome.problem);
  };
}

export const handler = makeResultsHandler(fromEnvironment(resultsWiring));
