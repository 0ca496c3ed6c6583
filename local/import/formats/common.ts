// What every import format shares: the outcome of mapping one line, and the pure pieces that turn chat messages,
// chat.completion answers, usage, timestamps and metadata from other tools into the POST /v1/captures shape.
import { createHash } from 'node:crypto';
import { type CaptureInput, CaptureInputSchema } from '../../../shared/schemas/api.js';
import * as z from '../../../shared/schemas/zod.js';

/** A capture as the importer sends it; `user` is spelled out so the importer compiles against an API without it. */
export type ImportCapture = CaptureInput & { user?: string };

export type MapOutcome = { kind: 'capture'; capture: ImportCapture } | { kind: 'skip'; reason: string } | { kind: 'reject'; reason: string };

export type LineMapper = (record: unknown, rawLine: string) => MapOutcome;

export const skip = (reason: string): MapOutcome => ({ kind: 'skip', reason });
export const reject = (reason: string): MapOutcome => ({ kind: 'reject', reason });

export const TOOL_CALLS = 'tool calls are not supported yet';
export const nonTextParts = (type: string) => `non-text content parts (${type}) are not supported yet`;

type Message = CaptureInput['messages'][number];
type Usage = NonNullable<CaptureInput['usage']>;
type Metadata = NonNullable<CaptureInput['metadata']>;

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

export function num(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : undefined;
}

const count = (v: unknown): number | undefined => {
  const n = num(v);
  return n !== undefined && n >= 0 ? Math.round(n) : undefined;
};

/** Tools export nested JSON as a string at times (Portkey's bodies and metadata): read it as an object if it is one. */
export function objectOf(v: unknown): Record<string, unknown> | undefined {
  if (isRecord(v)) return v;
  if (typeof v !== 'string' || !v.trimStart().startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(v);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

const ID_LIMIT = 128;
const UNSAFE_ID_CHARS = /[^A-Za-z0-9._:-]/g;

/**
 * The API's id alphabet ([A-Za-z0-9._:-], at most 128). An id that had to change (other characters, too long) gets a
 * hash of the original appended, so two different source ids never end up as the same capture id.
 */
export function safeId(raw: string): string {
  const clean = raw.replace(UNSAFE_ID_CHARS, '_');
  if (clean === raw && clean.length <= ID_LIMIT) return clean;
  const hash = createHash('sha256').update(raw).digest('hex').slice(0, 16);
  return `${clean.slice(0, ID_LIMIT - hash.length - 1)}-${hash}`;
}

/** The capture id: the source's own id under the format's prefix; without one, a hash of the line (still deterministic). */
export function sourceId(format: string, id: unknown, rawLine: string): string {
  const own = typeof id === 'number' ? String(id) : text(id);
  return safeId(`${format}:${own ?? `sha256-${createHash('sha256').update(rawLine).digest('hex').slice(0, 32)}`}`);
}

const ROLES: Record<string, Message['role']> = { system: 'system', user: 'user', assistant: 'assistant', developer: 'developer' };

const hasToolCalls = (m: Record<string, unknown>) => (Array.isArray(m.tool_calls) && m.tool_calls.length > 0) || isRecord(m.function_call);

type Parts = { ok: true; parts: { type: 'text'; text: string }[] } | { ok: false; reason: string };

/** Content parts are kept as parts when they are all text; any other kind of part rejects the line, never flattened. */
function textParts(parts: unknown[], where: string): Parts {
  const out: { type: 'text'; text: string }[] = [];
  for (const [j, part] of parts.entries()) {
    if (!isRecord(part) || typeof part.type !== 'string') return { ok: false, reason: `${where}[${j}]: unreadable content part` };
    if (part.type === 'tool_use' || part.type === 'tool_result') return { ok: false, reason: TOOL_CALLS };
    if (part.type !== 'text') return { ok: false, reason: nonTextParts(part.type) };
    if (typeof part.text !== 'string') return { ok: false, reason: `${where}[${j}]: text part without text` };
    out.push({ type: 'text', text: part.text });
  }
  return out.length > 0 ? { ok: true, parts: out } : { ok: false, reason: `${where}: empty content` };
}

/** A chat request's messages, checked one by one: tool traffic and non-text parts are rejected with the reason. */
export function mapMessages(raw: unknown, where = 'messages'): { ok: true; messages: Message[] } | { ok: false; reason: string } {
  if (!Array.isArray(raw) || raw.length === 0) return { ok: false, reason: `${where}: missing or empty` };
  const messages: Message[] = [];
  for (const [i, m] of raw.entries()) {
    const at = `${where}[${i}]`;
    if (!isRecord(m)) return { ok: false, reason: `${at}: not an object` };
    if (m.role === 'tool' || m.role === 'function' || hasToolCalls(m)) return { ok: false, reason: TOOL_CALLS };
    const role = typeof m.role === 'string' ? ROLES[m.role] : undefined;
    if (!role) return { ok: false, reason: `${at}: unknown role ${JSON.stringify(m.role ?? null).slice(0, 40)}` };
    const name = typeof m.name === 'string' && m.name.length <= 128 ? { name: m.name } : {};
    if (typeof m.content === 'string') {
      messages.push({ role, content: m.content, ...name });
    } else if (Array.isArray(m.content)) {
      const parts = textParts(m.content, `${at}.content`);
      if (!parts.ok) return parts;
      messages.push({ role, content: parts.parts, ...name });
    } else {
      return { ok: false, reason: `${at}: no content` };
    }
  }
  return { ok: true, messages };
}

export type Answer = { ok: true; completion: string } | { ok: false; outcome: MapOutcome };

/** The answer in one assistant message (OpenAI's choice message, Langfuse's output message). */
export function answerFromMessage(message: Record<string, unknown>, where: string): Answer {
  if (hasToolCalls(message)) return { ok: false, outcome: reject(TOOL_CALLS) };
  const content = message.content;
  if (typeof content === 'string') return { ok: true, completion: content };
  if (Array.isArray(content)) {
    // Anthropic's blocks may carry the model's thinking beside the answer: the answer is the text blocks.
    const parts = textParts(
      content.filter((p) => !(isRecord(p) && (p.type === 'thinking' || p.type === 'redacted_thinking'))),
      `${where}.content`,
    );
    return parts.ok ? { ok: true, completion: parts.parts.map((p) => p.text).join('\n') } : { ok: false, outcome: reject(parts.reason) };
  }
  // A refusal arrives as `refusal` with no content: the refusal is what the user got.
  if (typeof message.refusal === 'string') return { ok: true, completion: message.refusal };
  return { ok: false, outcome: reject(`${where}: no content`) };
}

/** The answer of a chat.completion (or an Anthropic message, as Portkey logs native calls); errors and empty answers skip. */
export function answerFromResponse(response: Record<string, unknown>, where = 'response'): Answer {
  if (response.error !== undefined && response.error !== null) return { ok: false, outcome: skip('failed call (error response)') };
  if (response.type === 'message' && Array.isArray(response.content)) return answerFromMessage(response, where);
  const choices = response.choices;
  if (!Array.isArray(choices) || choices.length === 0) return { ok: false, outcome: skip('no choices in the response') };
  const first = choices[0];
  if (!isRecord(first) || !isRecord(first.message)) return { ok: false, outcome: reject(`${where}.choices[0]: no message`) };
  return answerFromMessage(first.message, `${where}.choices[0].message`);
}

/** OpenAI usage (prompt/completion tokens) or Anthropic usage (input/output tokens), when both counts are there. */
export function usageFrom(raw: unknown): Usage | undefined {
  if (!isRecord(raw)) return undefined;
  const prompt = count(raw.prompt_tokens ?? raw.input_tokens);
  const completion = count(raw.completion_tokens ?? raw.output_tokens);
  if (prompt === undefined || completion === undefined) return undefined;
  const cached = count(isRecord(raw.prompt_tokens_details) ? raw.prompt_tokens_details.cached_tokens : raw.cache_read_input_tokens);
  return { prompt_tokens: prompt, completion_tokens: completion, ...(cached ? { prompt_tokens_details: { cached_tokens: cached } } : {}) };
}

export function usageOf(prompt: unknown, completion: unknown, cached?: unknown): Usage | undefined {
  const p = count(prompt);
  const c = count(completion);
  if (p === undefined || c === undefined) return undefined;
  const k = count(cached);
  return { prompt_tokens: p, completion_tokens: c, ...(k ? { prompt_tokens_details: { cached_tokens: k } } : {}) };
}

const NO_ZONE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/**
 * A timestamp as ISO 8601 with an offset: epoch seconds or milliseconds, ISO strings, and JavaScript's Date#toString
 * form (Portkey exports it). A time without a zone is read as UTC. `null`: present but unreadable.
 */
export function isoTime(v: unknown): string | undefined | null {
  if (v === undefined || v === null || v === '') return undefined;
  let ms: number;
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : undefined;
  if (n !== undefined) ms = n < 1e11 ? n * 1000 : n;
  else if (typeof v === 'string') ms = Date.parse(NO_ZONE.test(v.trim()) ? `${v.trim().replace(' ', 'T')}Z` : v);
  else return null;
  if (!Number.isFinite(ms)) return null;
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) || d.getUTCFullYear() < 1990 || d.getUTCFullYear() > 2200 ? null : d.toISOString();
}

export const latency = (ms: number | undefined): number | undefined => (ms !== undefined && ms >= 0 && ms <= 3_600_000 ? Math.round(ms) : undefined);

const MAX_METADATA_KEYS = 50;

/** Metadata the API accepts: keys of at most 64 characters, string (≤1024), number or boolean values; the first 50 keys. */
export function cleanMetadata(...sources: (Record<string, unknown> | undefined)[]): Metadata | undefined {
  const out: Metadata = {};
  let n = 0;
  for (const source of sources) {
    for (const [k, v] of Object.entries(source ?? {})) {
      if (n >= MAX_METADATA_KEYS) break;
      if (k.length === 0 || k.length > 64 || k in out) continue;
      if (typeof v === 'string') out[k] = v.slice(0, 1024);
      else if (typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) out[k] = v;
      else continue;
      n++;
    }
  }
  return n > 0 ? out : undefined;
}

/** Tags: `source` first, then the line's own string tags, at most 20 (the API's limit). */
export function tagsWith(source: string, extra?: unknown): Record<string, string> {
  const tags: Record<string, string> = { source };
  if (isRecord(extra)) {
    for (const [k, v] of Object.entries(extra)) {
      if (Object.keys(tags).length >= 20) break;
      if (typeof v === 'string' && k.length > 0 && k.length <= 64 && v.length <= 256 && !(k in tags)) tags[k] = v;
    }
  }
  return tags;
}

/** The end user, when the source names one the API can store (1–256 characters). */
export function userOf(...candidates: unknown[]): string | undefined {
  for (const c of candidates) {
    const u = typeof c === 'number' ? String(c) : text(c)?.trim();
    if (u && u.length <= 256) return u;
  }
  return undefined;
}

// Unknown fields pass through: the API may know more than this importer was built against.
const LooseCapture = z.looseObject(CaptureInputSchema.shape);

/** The check the API makes, made before sending: a line the API would refuse is rejected here with its reason. */
export function validateCapture(candidate: unknown): { ok: true; capture: ImportCapture } | { ok: false; reason: string } {
  const parsed = LooseCapture.safeParse(candidate);
  if (parsed.success) return { ok: true, capture: parsed.data };
  const issue = parsed.error.issues[0];
  const field = issue?.path.map(String).join('.') || '(capture)';
  return { ok: false, reason: `${field}: ${issue?.message ?? 'invalid'}` };
}

/** Assembles the capture, leaving out what the source did not have. */
export function capture(fields: {
  id: string;
  model: string;
  messages: Message[];
  completion: string;
  usage?: Usage;
  latency_ms?: number;
  tags: Record<string, string>;
  metadata?: Metadata;
  user?: string;
  conversation?: string;
  captured_at?: string;
}): MapOutcome {
  const c: ImportCapture = { id: fields.id, model: fields.model, messages: fields.messages, completion: fields.completion, tags: fields.tags };
  if (fields.usage) c.usage = fields.usage;
  if (fields.latency_ms !== undefined) c.latency_ms = fields.latency_ms;
  if (fields.metadata) c.metadata = fields.metadata;
  if (fields.user) c.user = fields.user;
  if (fields.conversation) c.conversation_id = safeId(fields.conversation);
  if (fields.captured_at) c.captured_at = fields.captured_at;
  return { kind: 'capture', capture: c };
}
