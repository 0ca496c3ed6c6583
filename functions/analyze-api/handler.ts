// POST /v1/analyze — adapter around analyze: 200 with every model's answer when the run finishes within the wait
// (API Gateway ends integrations at 29 s), else 202 with the run to poll.

import { type HttpEvent, type HttpResult, json, parseJsonBody, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { analyzeWiring } from '../../shared/runtime/wiring/analyze.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { type AnalyzeDeps, analyze } from '../../shared/use-cases/analyze.js';

/** How long the request waits for the run: under API Gateway's 29 s, with room to read the answers. */
export const ANALYZE_WAIT_MS = 25_000;

export function makeAnalyzeHandler(getDeps: () => Promise<AnalyzeDeps>, options: { waitMs?: number } = {}) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const body = parseJsonBody(event, true);
    if (!body.ok) return body.result;
    const outcome = await analyze(await getDeps(), tenant, body.value, { waitMs: options.waitMs ?? ANALYZE_WAIT_MS });
    if (!outcome.ok) return problemResponse(outcome.problem);
    const { ok: _ok, done, ...rest } = outcome;
    return json(done ? 200 : 202, rest);
  };
}

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeAnalyzeHandler(fromEnvironment(analyzeWiring)));
