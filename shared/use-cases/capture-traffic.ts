// POST /v1/captures: validate each capture, store it once, answer per item. Never calls a model.
import type { StoredCapture } from '../domain/capture.js';
import { captureContentHash, contentId, encodeCaptureBody, flattenMessages, MAX_COMPRESSED_CAPTURE_BYTES, normaliseUsage } from '../domain/capture.js';
import { countChatTokens, countTextTokens, loadTokenizer } from '../domain/tokens.js';
import { type CaptureInput, CaptureInputSchema, findReservedKey, MAX_BATCH } from '../schemas/api.js';
import type { Needs } from './deps.js';

export type CaptureTrafficDeps = Needs<'captures' | 'clock'>;

import { invalidRequest, problem, type RequestProblem, reservedKey } from './errors.js';

type ItemError = Omit<RequestProblem, 'status'> & { status: number };

/** One capture's outcome; a batch answers one per item, in order, whatever happened to the others. */
export type ItemOutcome =
  | { index: number; status: 'stored' | 'duplicate'; id: string }
  /** the id is taken by different content: nothing was written; `stored_hash` is the stored content's hash */
  | { index: number; status: 'conflict'; id: string; content_hash: string; stored_hash: string }
  /** the capture is invalid: nothing was written */
  | { index: number; status: 'rejected'; error: ItemError }
  /** the write failed (infrastructure): nothing is known to be written; sending it again is safe */
  | { index: number; status: 'failed'; id: string; error: ItemError };

export type CaptureOutcome = { kind: 'single'; item: ItemOutcome } | { kind: 'batch'; items: ItemOutcome[] } | { kind: 'problem'; problem: RequestProblem };

/** How far ahead of the server's clock a capture time may be (clock skew), in ms. */
export const MAX_CLOCK_SKEW_MS = 86_400_000;

function toStored(input: CaptureInput, now: Date): StoredCapture {
  const messages = flattenMessages(input.messages);
  const content = {
    id: input.id ?? contentId(input.model, messages, input.completion),
    model: input.model,
    messages,
    completion: input.completion,
    // Without reported usage, count tokens with the tokenizer and flag them as estimates.
    usage: normaliseUsage(input.usage) ?? { input_tokens: countChatTokens(messages), output_tokens: countTextTokens(input.completion), estimated: true },
    latency_ms: input.latency_ms ?? null,
    tags: input.tags ?? {},
    conversation_id: input.conversation_id ?? null,
    user: input.user ?? null,
    metadata: input.metadata ?? {},
  };
  const clientTime = input.captured_at ? new Date(input.captured_at).toISOString() : null;
  return {
    ...content,
    captured_at: clientTime ?? now.toISOString(),
    content_hash: captureContentHash({ ...content, captured_at: clientTime }),
  };
}

/** 413 when a capture cannot be stored: its compressed body must leave room under DynamoDB's 400 KB item limit. */
export function captureTooLarge(capture: Pick<StoredCapture, 'messages' | 'completion'>, field: string): RequestProblem | null {
  const bytes = encodeCaptureBody({ messages: capture.messages, completion: capture.completion }).byteLength;
  if (bytes <= MAX_COMPRESSED_CAPTURE_BYTES) return null;
  return problem(413, 'capture_too_large', `capture is ${bytes} bytes after compression; the limit is ${MAX_COMPRESSED_CAPTURE_BYTES} bytes`, {
    field,
    limit: MAX_COMPRESSED_CAPTURE_BYTES,
  });
}

async function storeOne(deps: CaptureTrafficDeps, tenantId: string, raw: unknown, index: number, prefix: string): Promise<ItemOutcome> {
  const rejected = (p: RequestProblem): ItemOutcome => ({ index, status: 'rejected', error: p });
  const at = (field: string) => [prefix, field].filter(Boolean).join('.');
  const reserved = findReservedKey(raw);
  if (reserved) return rejected(reservedKey(at(reserved)));
  const parsed = CaptureInputSchema.safeParse(raw);
  if (!parsed.success) return rejected(invalidRequest(parsed.error.issues, 'invalid_capture', prefix));
  const now = deps.clock.now();
  if (parsed.data.captured_at && Date.parse(parsed.data.captured_at) > now + MAX_CLOCK_SKEW_MS) {
    const field = at('captured_at');
    return rejected(problem(400, 'invalid_capture', `${field}: must not be more than a day ahead of the server's clock`, { field }));
  }
  // Only a capture without usage needs the tokenizer.
  if (normaliseUsage(parsed.data.usage) === null) await loadTokenizer();
  const capture = toStored(parsed.data, new Date(now));
  const tooLarge = captureTooLarge(capture, at('messages'));
  if (tooLarge) return rejected(tooLarge);
  try {
    const put = await deps.captures.put(tenantId, capture);
    if (put.status === 'conflict') return { index, status: 'conflict', id: capture.id, content_hash: capture.content_hash ?? '', stored_hash: put.stored_hash };
    return { index, status: put.status, id: capture.id };
  } catch (error) {
    // Reported per item, never thrown: the other items of a batch may already be written.
    const name = error instanceof Error ? error.name : 'Error';
    return {
      index,
      status: 'failed',
      id: capture.id,
      error: { status: 503, error: 'write_failed', message: `${at('id') || 'id'}: the capture could not be written (${name}); send it again` },
    };
  }
}

export async function captureTraffic(deps: CaptureTrafficDeps, tenantId: string, body: unknown): Promise<CaptureOutcome> {
  const batch = Array.isArray(body)
    ? body
    : typeof body === 'object' && body !== null && 'captures' in body
      ? (body as { captures: unknown }).captures
      : undefined;
  if (batch === undefined) {
    return { kind: 'single', item: await storeOne(deps, tenantId, body, 0, '') };
  }
  if (!Array.isArray(batch)) return { kind: 'problem', problem: problem(400, 'invalid_batch', 'captures: expected an array', { field: 'captures' }) };
  if (batch.length === 0) return { kind: 'problem', problem: problem(400, 'invalid_batch', 'captures: the batch is empty', { field: 'captures' }) };
  if (batch.length > MAX_BATCH) {
    return {
      kind: 'problem',
      problem: problem(413, 'batch_too_large', `captures: ${batch.length} items; at most ${MAX_BATCH} per request`, { field: 'captures', limit: MAX_BATCH }),
    };
  }
  // Each item is validated and written on its own: an invalid item never stops or half-writes the others.
  const items = await Promise.all(batch.map((raw, i) => storeOne(deps, tenantId, raw, i, `captures[${i}]`)));
  return { kind: 'batch', items };
}
