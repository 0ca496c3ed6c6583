// Normalising a capture for storage: text-only messages, a stable content id, and the compressed body.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import type { ChatMessage } from './judge.js';
import type { TokenUsage } from './pricing.js';

/** Compressed body budget: leaves room for keys and attributes under DynamoDB's 400 KB item limit. */
export const MAX_COMPRESSED_CAPTURE_BYTES = 350_000;

type MessageIn = { role: ChatMessage['role']; content: string | { type: 'text'; text: string }[] };

export function flattenMessages(messages: readonly MessageIn[]): ChatMessage[] {
  return messages.map((m) => ({
    role: m.role,
    content: typeof m.content === 'string' ? m.content : m.content.map((p) => p.text).join('\n'),
  }));
}

/** Id for a capture sent without one: the same content always gets the same id. */
export function contentId(model: string, messages: readonly ChatMessage[], completion: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([model, messages.map((m) => [m.role, m.content]), completion]));
  return `h-${h.digest('hex').slice(0, 32)}`;
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
