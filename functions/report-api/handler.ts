// GET /v1/replays/{id}/report — adapter around getReport: the page as text/html under a strict Content-Security-Policy.

import { REPORT_CSP } from '../../shared/report/render-html.js';
import { type HttpEvent, type HttpResult, pathParam, problemResponse, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { fromEnvironment } from '../../shared/runtime/lambda.js';
import { rateLimited } from '../../shared/runtime/rate-limited.js';
import { rateLimitWiring } from '../../shared/runtime/wiring/rate-limit.js';
import { reportWiring } from '../../shared/runtime/wiring/report-api.js';
import { type GetReportDeps, getReport } from '../../shared/use-cases/get-report.js';

const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy': REPORT_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

export function makeReportHandler(getDeps: () => Promise<GetReportDeps>) {
  return async (event: HttpEvent): Promise<HttpResult> => {
    const tenant = tenantOf(event);
    if (!tenant) return unauthorized();
    const id = pathParam(event, 'id');
    if (!id.ok) return id.result;
    const outcome = await getReport(await getDeps(), tenant, id.value);
    return outcome.ok ? { statusCode: 200, headers: HTML_HEADERS, body: outcome.html } : problemResponse(outcome.problem);
  };
}

export const handler = rateLimited(fromEnvironment(rateLimitWiring), makeReportHandler(fromEnvironment(reportWiring)));
