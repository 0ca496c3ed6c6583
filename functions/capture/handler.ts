// POST /v1/captures — adapter: parse, call captureTraffic, map the outcome to HTTP.

import { type HttpEvent, type HttpResult, json, parseJsonBody, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { captureWiring } from '../../shared/runtime/wiring/capture.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { type CaptureTrafficDeps, captureTraffic } from '../../shared/use-cases/capture-traffic.js';

export function makeCaptureHandler(getDeps: () => Promise<CaptureTrafficDeps>) {
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

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeCaptureHandler(fromEnvironment(captureWiring)));
