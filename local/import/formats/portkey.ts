// --format portkey: Portkey's log export, one log per JSON line. Two shapes are read.
//
// 1. The export rows (Logs Export docs, portkey.ai/docs/product/observability/logs-export, and the fields the
//    `/logs/exports` API takes in `requested_data`): `id`, `trace_id`, `created_at` (ISO, "YYYY-MM-DD hh:mm:ss" or
//    JavaScript's Date string), `request` / `response` (the bodies; the older export names them `request.body` /
//    `response.body`; either may be a JSON string), `ai_org`, `ai_model`, `req_units`, `res_units`, `cost` (cents),
//    `cost_currency`, `response_time` (ms), `response_status_code`, `is_success` (1/0), `cache_status`, `metadata`
//    (object or JSON string, with Portkey's reserved `_user`), `prompt_slug`, `span_id`.
// 2. Portkey's log object (the logs API: `{request: {url, method, headers, body}, response: {status, headers, body,
//    response_time | time}, metadata: {trace_id | traceId, span_id, _user, …}}`).
//
// Mapped: id → capture id (prefix `portkey:`), request body messages (after an Anthropic-style `system`) → messages,
// response body → completion and usage (else req_units/res_units), request model (else ai_model) → model, created_at →
// captured_at, response_time → latency_ms, trace_id → conversation_id, metadata._user (else the request's `user`) →
// user, the rest of the metadata plus provider, ai_model, cost and cache status → metadata. Unsuccessful logs
// (is_success 0, status not 2xx) are skipped.
import {
  answerFromResponse,
  capture,
  cleanMetadata,
  isoTime,
  isRecord,
  type LineMapper,
  latency,
  mapMessages,
  num,
  objectOf,
  reject,
  skip,
  sourceId,
  tagsWith,
  text,
  usageFrom,
  usageOf,
  userOf,
} from './common.js';

/** A body: the export's own column, or the `body` of a request/response wrapper. */
function bodyOf(flat: unknown, wrapper: unknown): Record<string, unknown> | undefined {
  const direct = objectOf(flat);
  if (direct) return direct;
  const w = objectOf(wrapper);
  if (!w) return undefined;
  return 'body' in w ? objectOf(w.body) : w;
}

const failed = (v: unknown) => v === 0 || v === false || v === '0' || v === 'false';

export const mapPortkeyLine: LineMapper = (record, rawLine) => {
  if (!isRecord(record)) return reject('expected a JSON object');
  const requestWrapper = objectOf(record.request);
  const responseWrapper = objectOf(record.response);
  const metadata = objectOf(record.metadata) ?? {};
  const status = num(record.response_status_code ?? record.status_code ?? responseWrapper?.status ?? record.status);
  if (failed(record.is_success ?? metadata.isSuccess)) return skip('unsuccessful log (is_success = 0)');
  if (status !== undefined && (status < 200 || status > 299)) return skip(`unsuccessful log (status ${status})`);

  const request = bodyOf(record['request.body'], requestWrapper);
  if (!request) return reject('request: missing (expected the request body)');
  const response = bodyOf(record['response.body'], responseWrapper);
  if (!response) return reject('response: missing (expected the response body)');

  // Anthropic-native bodies carry the system prompt beside the messages: it leads the conversation, never dropped.
  const system = request.system;
  const withSystem =
    system === undefined || system === null
      ? request.messages
      : [{ role: 'system', content: system }, ...(Array.isArray(request.messages) ? request.messages : [])];
  const messages = mapMessages(withSystem, 'request.messages');
  if (!messages.ok) return reject(messages.reason);
  const answer = answerFromResponse(response, 'response');
  if (!answer.ok) return answer.outcome;
  const model = text(request.model) ?? text(record.ai_model) ?? text(metadata.model) ?? text(response.model);
  if (!model) return reject('model: missing (neither the request body nor ai_model names one)');
  const at = isoTime(record.created_at ?? record.createdAt ?? response.created);
  if (at === null) return reject('created_at: unreadable timestamp');

  const { _user, trace_id, traceId, span_id, spanId, ...ownMetadata } = metadata;
  const aiModel = text(record.ai_model);
  const cost = num(record.cost);
  return capture({
    id: sourceId('portkey', record.id ?? record.log_id ?? response.id, rawLine),
    model,
    messages: messages.messages,
    completion: answer.completion,
    usage: usageFrom(response.usage) ?? usageOf(record.req_units, record.res_units),
    latency_ms: latency(num(record.response_time ?? responseWrapper?.response_time ?? responseWrapper?.time)),
    tags: tagsWith('portkey'),
    metadata: cleanMetadata(ownMetadata, {
      provider: text(record.ai_org) ?? text(metadata.provider),
      ...(aiModel && aiModel !== model ? { portkey_ai_model: aiModel } : {}),
      ...(cost !== undefined ? { portkey_cost_cents: cost } : {}),
      portkey_cache_status: text(record.cache_status) ?? text(metadata.cacheStatus),
      portkey_prompt_slug: text(record.prompt_slug),
      portkey_span_id: text(record.span_id) ?? text(span_id) ?? text(spanId),
    }),
    user: userOf(_user, request.user, record.user),
    conversation: text(record.trace_id) ?? text(trace_id) ?? text(traceId),
    captured_at: at,
  });
};
