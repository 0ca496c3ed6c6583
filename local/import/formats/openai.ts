// --format openai: one JSON line per call, {"request": <chat.completions request body>, "response": <chat.completion>},
// with optional "metadata", "user", "created_at", "tags", "latency_ms" and "conversation_id" beside them. A failed
// call ({"error": …}, a non-2xx "status"/"status_code", or OpenAI's batch-output wrapper with one) is skipped.
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
  userOf,
} from './common.js';

export const mapOpenAiLine: LineMapper = (record, rawLine) => {
  if (!isRecord(record)) return reject('expected a JSON object');
  const request = objectOf(record.request);
  if (!request) return reject('request: missing (expected the chat.completions request body)');
  let response = objectOf(record.response);
  let status = num(record.status_code ?? record.status);
  // OpenAI's batch output wraps the completion: {"response": {"status_code": 200, "body": {…}}}.
  if (response && response.status_code !== undefined && isRecord(response.body)) {
    status = num(response.status_code);
    response = response.body;
  }
  if (status !== undefined && (status < 200 || status > 299)) return skip(`failed call (status ${status})`);
  if (record.error !== undefined && record.error !== null) return skip('failed call (error)');
  if (!response) return reject('response: missing (expected the chat.completion object)');

  const messages = mapMessages(request.messages, 'request.messages');
  if (!messages.ok) return reject(messages.reason);
  const answer = answerFromResponse(response);
  if (!answer.ok) return answer.outcome;
  // The model the caller asked for (a name the catalog knows), not the dated snapshot the response reports.
  const model = text(request.model) ?? text(response.model);
  if (!model) return reject('request.model: missing');
  const at = isoTime(record.created_at ?? response.created);
  if (at === null) return reject('created_at: unreadable timestamp');

  const metadata = objectOf(record.metadata) ?? {};
  const requestMetadata = objectOf(request.metadata) ?? {};
  const { _user, ...ownMetadata } = { ...requestMetadata, ...metadata };
  const responseModel = text(response.model);
  return capture({
    id: sourceId('openai', response.id, rawLine),
    model,
    messages: messages.messages,
    completion: answer.completion,
    usage: usageFrom(response.usage),
    latency_ms: latency(num(record.latency_ms)),
    tags: tagsWith('openai', record.tags),
    metadata: cleanMetadata(ownMetadata, responseModel && responseModel !== model ? { response_model: responseModel } : undefined),
    user: userOf(record.user, request.user, _user),
    conversation: text(record.conversation_id) ?? text(metadata.conversation_id) ?? text(metadata.session_id) ?? text(metadata.trace_id),
    captured_at: at,
  });
};
