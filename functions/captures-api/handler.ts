// GET /v1/captures, GET /v1/captures/{id}, GET /v1/users/{user}/history — adapters around the browsing use cases.

import { type HttpEvent, type HttpResult, json, pathParam, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { browseWiring } from '../../shared/runtime/wiring/browse.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { type BrowseDeps, getCapture, listCaptures, userHistory } from '../../shared/use-cases/browse-captures.js';

export function makeCapturesApiHandler(getDeps: () => Promise<BrowseDeps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const param = pathParam(event, event.routeKey === 'GET /v1/users/{user}/history' ? 'user' : 'id');
    if (!param.ok) return param.result;
    const deps = await getDeps();
    const query = event.queryStringParameters ?? {};
    const outcome =
      event.routeKey === 'GET /v1/captures/{id}'
        ? await getCapture(deps, tenant, param.value)
        : event.routeKey === 'GET /v1/users/{user}/history'
          ? await userHistory(deps, tenant, param.value, query)
          : await listCaptures(deps, tenant, query);
    return outcome.ok ? json(200, outcome.body) : problemResponse(outcome.problem);
  };
}

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeCapturesApiHandler(fromEnvironment(browseWiring)));
