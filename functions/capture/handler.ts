// POST /v1/captures — adapter: parse, call captureTraffic, map the outcome to HTTP.
import { captureTraffic } from '../../shared/use-cases/capture-traffic.js';
import type { Deps } from '../../shared/use-cases/deps.js';
import { json, parseJsonBody, tenantOf, unauthorized, type HttpEvent, type HttpResult, problemResponse } from '../../shared/runtime/http.js';
import { lazyDeps } from '../../shared/runtime/deps-from-env.js';

export function makeCaptureHandler(getDeps: () => Promise<Deps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const body = parseJsonBody(event, true);
    if (!body.ok) return body.result;
    const outcome = await captureTraffic(await getDeps(), tenant, body.value);
    switch (outcome.kind) {
      case 'problem':
        return problemResponse(outcome.problem);
      case 'single': {
        const item = outcome.item;
        if (item.status === 'rejected') {
          const { status, ...error } = item.error;
          return json(status, error);
        }
        return json(item.status === 'stored' ? 201 : 200, { id: item.id, status: item.status });
      }
      case 'batch': {
        const count = (s: string) => outcome.items.filter((i) => i.status === s).length;
        const rejected = count('rejected');
        return json(rejected > 0 ? 207 : 200, { stored: count('stored'), duplicates: count('duplicate'), rejected, results: outcome.items });
      }
    }
  };
}

export const handler = makeCaptureHandler(lazyDeps);
