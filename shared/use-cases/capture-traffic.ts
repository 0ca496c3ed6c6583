// POST /v1/captures: validate each capture, store it once, answer per item. Never calls a model.
import type { z } from 'zod';
import type { StoredCapture } from '../domain/capture.js';
import { contentId, encodeCaptureBody, flattenMessages, MAX_COMPRESSED_CAPTURE_BYTES, normaliseUsage } from '../domain/capture.js';
import { countChatTokens, countTextTokens, loadTokenizer } from '../domain/tokens.js';
import { type CaptureInput, CaptureInputSchema, MAX_BATCH } from '../schemas/api.js';
import type { Needs } from './deps.js';

export type CaptureTrafficDeps = Needs<'captures' | 'clock'>;

import { problem, type RequestProblem } from './errors.js';

export type ItemOutcome =
  | { index: number; status: 'stored' | 'duplicate'; id: string }
  | { index: number; status: 'rejected'; error: Omit<RequestProblem, 'status'> & { status: number } };

export type CaptureOutcome = { kind: 'single'; item: ItemOutcome } | { kind: 'batch'; items: ItemOutcome[] } | { kind: 'problem'; problem: RequestProblem };

function describeIssue(issues: z.core.$ZodIssue[], prefix: string): { field: string; message: string } {
  const first = issues[0];
  if (!first) return { field: prefix || '(body)', message: 'invalid' };
  const field = [prefix, ...first.path.map(String)].filter(Boolean).join('.') || '(body)';
  return { field, message: first.message };
}

function toStored(input: CaptureInput, now: Date): StoredCapture {
  const messages = flattenMessages(input.messages);
  return {
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
    captured_at: new Date(input.captured_at ?? now.toISOString()).toISOString(),
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
  const parsed = CaptureInputSchema.safeParse(raw);
  if (!parsed.success) {
    const { field, message } = describeIssue(parsed.error.issues, prefix);
    return { index, status: 'rejected', error: { status: 400, error: 'invalid_capture', field, message: `${field}: ${message}` } };
  }
  // Only a capture without usage needs the tokenizer.
  if (normaliseUsage(parsed.data.usage) === null) await loadTokenizer();
  const capture = toStored(parsed.data, new Date(deps.clock.now()));
  const tooLarge = captureTooLarge(capture, prefix ? `${prefix}.messages` : 'messages');
  if (tooLarge) return { index, status: 'rejected', error: tooLarge };
  const status = await deps.captures.put(tenantId, capture);
  return { index, status, id: capture.id };
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
