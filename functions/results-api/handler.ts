// GET /v1/replays, GET /v1/replays/{id}, GET /v1/replays/{id}/results — adapters around the replay read use cases.
import { type HttpEvent, type HttpResult, json, pathParam, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { resultsWiring } from '../../shared/runtime/wiring/results-api.js';
import { type BrowseReplaysDeps, listReplays, listResults } from '../../shared/use-cases/browse-replays.js';
import { getReplay } from '../../shared/use-cases/get-replay.js';

export function makeResultsHandler(getDeps: () => Promise<BrowseReplaysDeps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const param = pathParam(event, 'id');
    if (!param.ok) return param.result;
    const id = param.value;
    const deps = await getDeps();
    const query = event.queryStringParameters ?? {};
    const outcome =
      event.routeKey === 'GET /v1/replays'
        ? await listReplays(deps, tenant, query)
        : event.routeKey === 'GET /v1/replays/{id}/results'
          ? await listResults(deps, tenant, id, query)
          : await getReplay(deps, tenant, id);
    return outcome.ok ? json(200, outcome.body) : problemResponse(outcome.problem);
  };
}

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeResultsHandler(fromEnvironment(resultsWiring)));
