// POST /v1/captures — adapter: parse, call captureTraffic, map the outcome to HTTP.

import { type HttpEvent, type HttpResult, json, parseJsonBody, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { captureWiring } from '../../shared/runtime/wiring/capture.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { type CaptureTrafficDeps, captureTraffic, type ItemOutcome } from '../../shared/use-cases/capture-traffic.js';

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
        switch (item.status) {
          case 'rejected':
          case 'failed': {
            const { status, ...error } = item.error;
            return json(status, error);
          }
          case 'conflict':
            return json(409, {
              error: 'conflict',
              message: `id: ${item.id} is already stored with different content`,
              field: 'id',
              id: item.id,
              content_hash: item.content_hash,
              stored_hash: item.stored_hash,
            });
          default:
            return json(item.status === 'stored' ? 201 : 200, { id: item.id, status: item.status });
        }
      }
      case 'batch': {
        const count = (s: ItemOutcome['status']) => outcome.items.filter((i) => i.status === s).length;
        const [stored, duplicates, conflicts, rejected, failed] = (['stored', 'duplicate', 'conflict', 'rejected', 'failed'] as const).map(count);
        // 207 whenever some item was not stored (or already there): the per-item results say which and why.
        const partial = (conflicts ?? 0) + (rejected ?? 0) + (failed ?? 0) > 0;
        return json(partial ? 207 : 200, { stored, duplicates, conflicts, rejected, failed, results: outcome.items });
      }
    }
  };
}

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeCaptureHandler(fromEnvironment(captureWiring)));
