// GET /v1/openapi.json — the API's OpenAPI 3.1 document, generated from the schemas the handlers validate with.

import { type HttpEvent, type HttpResult, json, tenantOf, unauthorized } from '../../shared/runtime/http.js';
import { openApiDocument } from '../../shared/schemas/openapi.js';

// Built once per cold start: the document depends on the code only.
let document: Record<string, unknown> | undefined;

export async function handler(event: HttpEvent): Promise<HttpResult> {
  if (!tenantOf(event)) return unauthorized();
  document ??= openApiDocument();
  return json(200, document);
}
