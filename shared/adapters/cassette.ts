// Cassettes: record every provider exchange of a run, then serve a run from the recording without calling any
// provider, so it can be re-executed or re-scored at zero cost. Wraps any LlmGateway.
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { z } from 'zod';
import type { LlmOutcome, LlmRequest } from '../domain/llm.js';
import type { LlmGateway } from '../ports/index.js';

const EntrySchema = z.object({
  key: z.string(),
  model: z.string(),
  purpose: z.enum(['replay', 'judge']),
  request: z.object({ max_tokens: z.number(), message_count: z.number() }),
  outcome: z.union([
    z.object({
      ok: z.literal(true),
      text: z.string(),
      finishReason: z.string().nullable(),
      refusalField: z.string().nullable(),
      stopReason: z.string().nullable(),
      usage: z
        .object({
          input_tokens: z.number(),
          output_tokens: z.number(),
          cache_read_tokens: z.number().optional(),
          cache_write_tokens: z.number().optional(),
          reasoning_tokens: z.number().optional(),
          estimated: z.boolean().optional(),
        })
        .nullable(),
      latencyMs: z.number(),
      gatewayLatencyMs: z.number().nullable(),
    }),
    z.object({
      ok: z.literal(false),
      kind: z.string(),
      retryable: z.boolean(),
      status: z.number().nullable(),
      retryAfterSeconds: z.number().nullable(),
      latencyMs: z.number(),
      guardrailChecks: z.array(z.string()),
    }),
  ]),
});
export type CassetteEntry = z.infer<typeof EntrySchema>;

/** What identifies an exchange: model, messages, output cap and guardrails (not trace ids or timing). */
export function exchangeKey(request: LlmRequest): string {
  return createHash('sha256')
    .update(
      JSON.stringify([
        request.model.id,
        request.messages.map((m) => [m.role, m.content]),
        request.maxTokens,
        request.guardrails ?? null,
        request.temperature ?? null,
      ]),
    )
    .digest('hex');
}

export function loadCassette(path: string): Map<string, CassetteEntry> {
  const entries = new Map<string, CassetteEntry>();
  if (!existsSync(path)) return entries;
  for (const [i, line] of readFileSync(path, 'utf8').split('\n').entries()) {
    if (!line.trim()) continue;
    const parsed = EntrySchema.safeParse(JSON.parse(line));
    if (!parsed.success) throw new Error(`cassette ${path}, line ${i + 1}: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    entries.set(parsed.data.key, parsed.data);
  }
  return entries;
}

/** Record mode: calls through and appends each exchange (only final outcomes, not retryable failures). */
export function recordingLlm(inner: LlmGateway, path: string): LlmGateway {
  return {
    async complete(request) {
      const outcome = await inner.complete(request);
      if (outcome.ok || !outcome.retryable) {
        const entry: CassetteEntry = {
          key: exchangeKey(request),
          model: request.model.id,
          purpose: request.trace.purpose,
          request: { max_tokens: request.maxTokens, message_count: request.messages.length },
          outcome: outcome as CassetteEntry['outcome'],
        };
        appendFileSync(path, `${JSON.stringify(entry)}\n`);
      }
      return outcome;
    },
  };
}

/** Replay mode: serves recorded outcomes and never calls a provider; an exchange not on the cassette is an error result. */
export function replayingLlm(entries: ReadonlyMap<string, CassetteEntry>): LlmGateway & { misses: number } {
  const llm = {
    misses: 0,
    async complete(request: LlmRequest): Promise<LlmOutcome> {
      const entry = entries.get(exchangeKey(request));
      if (!entry) {
        llm.misses++;
        return { ok: false, kind: 'not_found', retryable: false, status: null, retryAfterSeconds: null, latencyMs: 0, guardrailChecks: [] };
      }
      return entry.outcome as LlmOutcome;
    },
  };
  return llm;
}
