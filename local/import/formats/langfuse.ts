// --format langfuse: Langfuse observations, one per JSON line (the public API's ObservationsView, which the UI's and
// the API's exports share; fields from Langfuse's API reference and its JS SDK types): `id`, `traceId`, `type`
// (only GENERATION is imported; spans and events are skipped), `name`, `startTime`, `endTime`, `latency` (seconds),
// `model`, `input` (chat messages, or {messages}, or a prompt string), `output` (a message, a string or a
// chat.completion), `usageDetails` ({input, output, input_cached_tokens | cache_read_input_tokens}) or the older
// `usage` ({input, output} / {promptTokens, completionTokens}), `costDetails.total` / `calculatedTotalCost`,
// `metadata`, `level` (ERROR is a failed call: skipped) and, when the export joined the trace, `userId` and
// `sessionId` (flat or under `trace`). Mapped: id → capture id (prefix `langfuse:`), sessionId (else traceId) →
// conversation_id, userId → user, startTime → captured_at.
import {
  type Answer,
  answerFromMessage,
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
  usageOf,
  userOf,
} from './common.js';

function inputMessages(input: unknown): ReturnType<typeof mapMessages> {
  if (Array.isArray(input)) return mapMessages(input, 'input');
  if (isRecord(input) && Array.isArray(input.messages)) return mapMessages(input.messages, 'input.messages');
  if (typeof input === 'string' && input.trim() !== '') return { ok: true, messages: [{ role: 'user', content: input }] };
  return { ok: false, reason: 'input: missing or not chat messages' };
}

function outputAnswer(output: unknown): Answer {
  if (output === undefined || output === null) return { ok: false, outcome: skip('no output (unsuccessful generation)') };
  if (typeof output === 'string') return { ok: true, completion: output };
  if (isRecord(output) && Array.isArray(output.choices)) return answerFromResponse(output, 'output');
  if (isRecord(output) && ('content' in output || 'tool_calls' in output || 'function_call' in output)) return answerFromMessage(output, 'output');
  const last = Array.isArray(output) ? output[output.length - 1] : undefined;
  if (isRecord(last)) return answerFromMessage(last, `output[${(output as unknown[]).length - 1}]`);
  return { ok: false, outcome: reject('output: not a chat answer') };
}

function usageDetailsOf(r: Record<string, unknown>) {
  const details = objectOf(r.usageDetails);
  if (details) {
    const found = usageOf(
      details.input ?? details.prompt_tokens,
      details.output ?? details.completion_tokens,
      details.input_cached_tokens ?? details.cache_read_input_tokens ?? details.input_cache_read,
    );
    if (found) return found;
  }
  const usage = objectOf(r.usage);
  return (
    (usage && usageOf(usage.input ?? usage.promptTokens, usage.output ?? usage.completionTokens)) ??
    usageOf(r.inputUsage ?? r.promptTokens, r.outputUsage ?? r.completionTokens)
  );
}

export const mapLangfuseLine: LineMapper = (record, rawLine) => {
  if (!isRecord(record)) return reject('expected a JSON object');
  const type = text(record.type);
  if (type && type.toUpperCase() !== 'GENERATION') return skip(`not a generation (${type.slice(0, 20)})`);
  if (text(record.level)?.toUpperCase() === 'ERROR') return skip('failed generation (level ERROR)');

  const messages = inputMessages(record.input);
  if (!messages.ok) return reject(messages.reason);
  const answer = outputAnswer(record.output);
  if (!answer.ok) return answer.outcome;
  const model = text(record.model);
  if (!model) return reject('model: missing');
  const at = isoTime(record.startTime ?? record.timestamp);
  if (at === null) return reject('startTime: unreadable timestamp');

  const start = isoTime(record.startTime);
  const end = isoTime(record.endTime);
  const seconds = num(record.latency);
  const ms = seconds !== undefined ? seconds * 1000 : start && end ? Date.parse(end) - Date.parse(start) : undefined;
  const trace = objectOf(record.trace) ?? {};
  const costs = objectOf(record.costDetails) ?? {};
  const sessionId = text(record.sessionId) ?? text(trace.sessionId);
  const traceId = text(record.traceId) ?? text(trace.id);
  return capture({
    id: sourceId('langfuse', record.id, rawLine),
    model,
    messages: messages.messages,
    completion: answer.completion,
    usage: usageDetailsOf(record),
    latency_ms: latency(ms),
    tags: tagsWith('langfuse'),
    metadata: cleanMetadata(objectOf(record.metadata), {
      langfuse_name: text(record.name),
      langfuse_cost_usd: num(costs.total ?? record.calculatedTotalCost ?? record.totalCost),
      langfuse_prompt_name: text(record.promptName),
      langfuse_environment: text(record.environment),
      ...(sessionId && traceId ? { langfuse_trace_id: traceId } : {}),
    }),
    user: userOf(record.userId, record.user_id, trace.userId),
    conversation: sessionId ?? traceId,
    captured_at: at,
  });
};
