// Small helpers shared by the HTTP handlers: JSON answers, body parsing, the caller's tenant.
import type { APIGatewayProxyEventV2WithLambdaAuthorizer, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { RequestProblem } from '../use-cases/errors.js';

export type AuthorizerContext = { tenantId: string };
export type HttpEvent = APIGatewayProxyEventV2WithLambdaAuthorizer<AuthorizerContext>;
export type HttpResult = APIGatewayProxyStructuredResultV2;

export const json = (statusCode: number, body: unknown): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  body: JSON.stringify(body),
});

export const problemResponse = (p: RequestProblem): HttpResult => {
  const { status, ...body } = p;
  return json(status, body);
};

/** The tenant the authorizer resolved; null if the route was somehow reached without one. */
export function tenantOf(event: HttpEvent): string | null {
  const tenant = event.requestContext?.authorizer?.lambda?.tenantId;
  return typeof tenant === 'string' && tenant.length > 0 ? tenant : null;
}

export type ParsedBody = { ok: true; value: unknown } | { ok: false; result: HttpResult };

export function parseJsonBody(event: HttpEvent, required: boolean): ParsedBody {
  if (!event.body) {
    return required ? { ok: false, result: json(400, { error: 'missing_body', message: 'request body: expected JSON' }) } : { ok: true, value: undefined };
  }
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    const detail = error instanceof Error ? error.message : 'parse error';
    return { ok: false, result: json(400, { error: 'malformed_json', message: `request body is not valid JSON: ${detail.slice(0, 120)}` }) };
  }
}

export const unauthorized = (): HttpResult => json(401, { error: 'unauthorized', message: 'missing or invalid bearer token' });

export type PathParam = { ok: true; value: string } | { ok: false; result: HttpResult };

/**
 * A path parameter, percent-decoded here: API Gateway hands it over as it came in the URL, so malformed encoding
 * (`%ZZ`, a lone `%`) is the client's error, answered 400 `invalid_path`.
 */
export function pathParam(event: HttpEvent, name: string): PathParam {
  const raw = event.pathParameters?.[name] ?? '';
  try {
    return { ok: true, value: decodeURIComponent(raw) };
  } catch {
    return { ok: false, result: json(400, { error: 'invalid_path', field: name, message: `${name}: malformed percent-encoding in the path` }) };
  }
}
