// Normalising a capture for storage: text-only messages, a stable content id, and the compressed body.

import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';
import { type TokenUsage, TokenUsageSchema } from './usage.js';

export const ROLES = ['system', 'user', 'assistant', 'tool', 'developer'] as const;

export const ChatMessageSchema = onFirstUse(() =>
  z.object({
    role: z.enum(ROLES),
    /** the text models are sent and judges read (text parts joined by newlines) */
    content: z.string(),
    /** the message's text parts as sent, when it came as parts: kept, never silently flattened away */
    parts: z.optional(z.array(z.object({ type: z.literal('text'), text: z.string() }))),
  }),
);
export type ChatMessage = z.infer<typeof ChatMessageSchema>;

/** A capture as stored: text-only messages, the completion it got, and what is known about the call. */
export const StoredCaptureSchema = onFirstUse(() =>
  z.object({
    id: z.string(),
    model: z.string(),
    messages: z.array(ChatMessageSchema),
    completion: z.string(),
    usage: z.nullable(TokenUsageSchema),
    latency_ms: z.nullable(z.number()),
    tags: z.record(z.string(), z.string()),
    conversation_id: z.nullable(z.string()),
    /** the end user the call was made for, when the client said */
    user: z._default(z.nullable(z.string()), null),
    /** the client's own metadata, as sent */
    metadata: z._default(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])), {}),
    captured_at: z.string(),
    /** hash of the content as the client sent it (see captureContentHash); absent on captures stored before it existed */
    content_hash: z.optional(z.string()),
  }),
);
export type StoredCapture = z.infer<typeof StoredCaptureSchema>;

/** What a time-window selection returns for each capture: enough to plan a run without reading bodies. */
export type CaptureRef = Pick<StoredCapture, 'id' | 'model' | 'captured_at' | 'tags'>;

export type CaptureFilter = { from?: string; to?: string; tags?: Record<string, string>; limit: number };

/** Browsing: a filter, newest first, and the cursor of the page before (the last item's time and id). */
export type CaptureQuery = CaptureFilter & { user?: string; model?: string; after?: { captured_at: string; id: string } };
export type CapturePage = { items: (CaptureRef & { user?: string | null })[]; next: { captured_at: string; id: string } | null };

/** Compressed body budget: leaves room for keys and attributes under DynamoDB's 400 KB item limit. */
export const MAX_COMPRESSED_CAPTURE_BYTES = 350_000;

type MessageIn = { role: ChatMessage['role']; content: string | { type: 'text'; text: string }[] };

export function flattenMessages(messages: readonly MessageIn[]): ChatMessage[] {
  return messages.map((m) =>
    typeof m.content === 'string'
      ? { role: m.role, content: m.content }
      : { role: m.role, content: m.content.map((p) => p.text).join('\n'), parts: m.content.map((p) => ({ type: 'text' as const, text: p.text })) },
  );
}

/** Id for a capture sent without one: the same content always gets the same id. */
export function contentId(model: string, messages: readonly ChatMessage[], completion: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([model, messages.map((m) => [m.role, m.content]), completion]));
  return `h-${h.digest('hex').slice(0, 32)}`;
}

/** A JSON text with object keys sorted, so equal content always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The content hash of a capture: everything the client sent about the call. A time the server filled in is left out,
 * so sending the same capture again (without a time) is recognised as the same content.
 */
export function captureContentHash(c: Omit<StoredCapture, 'content_hash' | 'captured_at'> & { captured_at: string | null }): string {
  const { id: _id, ...content } = c;
  return `sha256:${createHash('sha256').update(canonical(content)).digest('hex')}`;
}

export function normaliseUsage(
  usage: { prompt_tokens: number; completion_tokens: number; prompt_tokens_details?: { cached_tokens?: number } } | undefined,
): TokenUsage | null {
  if (!usage) return null;
  const cached = usage.prompt_tokens_details?.cached_tokens;
  return {
    input_tokens: usage.prompt_tokens,
    output_tokens: usage.completion_tokens,
    ...(cached ? { cache_read_tokens: cached } : {}),
  };
}

export type CaptureBody = { messages: ChatMessage[]; completion: string };

export function encodeCaptureBody(body: CaptureBody): Uint8Array {
  return gzipSync(Buffer.from(JSON.stringify(body), 'utf8'));
}

export function decodeCaptureBody(bytes: Uint8Array): unknown {
  return JSON.parse(gunzipSync(bytes).toString('utf8'));
}

export function encodeText(text: string): Uint8Array {
  return gzipSync(Buffer.from(text, 'utf8'));
}

export function decodeText(bytes: Uint8Array): string {
  return gunzipSync(bytes).toString('utf8');
}
