// The one LlmGateway adapter (STYLE 7): owns the Portkey headers (provider, keys, custom host, strict compliance off,
// guardrails or a saved config, trace id and metadata), timeouts and usage/latency extraction.
// One portkey-ai client per model, built with all its options and no per-call params: portkey-ai 3.1 merges
// per-call params into the client's shared headers, which leaks between concurrent calls. What differs per call
// (trace id, metadata) goes in the request options' `extraHeaders`, which apply to that one request only.

import type * as PortkeyAi from 'portkey-ai';
import type { GatewayConfig } from '../config/settings.js';
import type { LlmErrorKind, LlmOutcome, LlmRequest } from '../domain/llm.js';
import type { ModelSpec } from '../domain/model.js';
import type { TokenUsage } from '../domain/pricing.js';
import type { LlmGateway } from '../ports/index.js';
import type { Guardrails } from '../schemas/api.js';
import { onFirstUse } from '../schemas/on-first-use.js';
import * as z from '../schemas/zod.js';

const ChoiceSchema = onFirstUse(() =>
  z.object({
    message: z.looseObject({ content: z.optional(z.union([z.string(), z.null()])), refusal: z.optional(z.nullable(z.string())) }),
    finish_reason: z.optional(z.nullable(z.string())),
  }),
);
const CompletionSchema = onFirstUse(() =>
  z.looseObject({
    choices: z.array(ChoiceSchema).check(z.minLength(1)),
    usage: z.optional(
      z.nullable(
        z.looseObject({
          prompt_tokens: z.number(),
          completion_tokens: z.number(),
          prompt_tokens_details: z.optional(z.nullable(z.looseObject({ cached_tokens: z.optional(z.number()) }))),
          completion_tokens_details: z.optional(z.nullable(z.looseObject({ reasoning_tokens: z.optional(z.nullable(z.number())) }))),
          cache_read_input_tokens: z.optional(z.number()),
          cache_creation_input_tokens: z.optional(z.number()),
        }),
      ),
    ),
  }),
);

type Completion = z.infer<typeof CompletionSchema>;

/**
 * Providers whose reasoning ("thinking") tokens the gateway reports beside completion_tokens rather than inside it:
 * Portkey maps Gemini's thoughtsTokenCount to reasoning_tokens and candidatesTokenCount alone to completion_tokens,
 * while Google bills thinking as output. OpenAI (and the OpenAI-compatible rest) count reasoning inside completion_tokens.
 */
const REASONING_OUTSIDE_COMPLETION = new Set(['google', 'vertex-ai']);

/** Normalises usage across providers as they come out of the gateway (see ARCHITECTURE: Anthropic input excludes cache). */
export function usageFromCompletion(model: ModelSpec, body: Completion): TokenUsage | null {
  const u = body.usage;
  if (!u) return null;
  const reasoning = u.completion_tokens_details?.reasoning_tokens ?? 0;
  const reasoningFields = reasoning > 0 ? { reasoning_tokens: reasoning } : {};
  const output = u.completion_tokens + (REASONING_OUTSIDE_COMPLETION.has(model.provider) ? reasoning : 0);
  if (model.wire === 'anthropic') {
    const read = u.cache_read_input_tokens ?? 0;
    const write = u.cache_creation_input_tokens ?? 0;
    return {
      input_tokens: u.prompt_tokens + read + write,
      output_tokens: output,
      ...reasoningFields,
      ...(read ? { cache_read_tokens: read } : {}),
      ...(write ? { cache_write_tokens: write } : {}),
    };
  }
  const cached = u.prompt_tokens_details?.cached_tokens ?? 0;
  return { input_tokens: u.prompt_tokens, output_tokens: output, ...reasoningFields, ...(cached ? { cache_read_tokens: cached } : {}) };
}

type SdkError = { status?: number; headers?: Record<string, string | undefined>; error?: unknown; name?: string; message?: string };

function classifyStatus(status: number): { kind: LlmErrorKind; retryable: boolean } {
  if (status === 429) return { kind: 'rate_limited', retryable: true };
  if (status === 408 || status === 504) return { kind: 'timeout', retryable: true };
  if (status === 446) return { kind: 'guardrail_blocked', retryable: false };
  if (status >= 500) return { kind: 'server_error', retryable: true };
  if (status === 401 || status === 403) return { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not_found', retryable: false };
  return { kind: 'bad_request', retryable: false };
}

function guardrailChecks(error: unknown): string[] {
  const parsed = z
    .looseObject({ hook_results: z.looseObject({ before_request_hooks: z.optional(z.array(z.any())), after_request_hooks: z.optional(z.array(z.any())) }) })
    .safeParse(error);
  if (!parsed.success) return [];
  const hooks = [...(parsed.data.hook_results.before_request_hooks ?? []), ...(parsed.data.hook_results.after_request_hooks ?? [])];
  const ids: string[] = [];
  for (const hook of hooks) {
    const checks = z.looseObject({ checks: z.array(z.looseObject({ id: z.string(), verdict: z.boolean() })) }).safeParse(hook);
    if (checks.success) for (const c of checks.data.checks) if (!c.verdict) ids.push(c.id);
  }
  return ids;
}

function retryAfterSeconds(headers: SdkError['headers']): number | null {
  const raw = headers?.['retry-after'];
  if (!raw) return null;
  const n = Number(raw);
  if (Number.isFinite(n)) return Math.max(0, n);
  const at = Date.parse(raw);
  return Number.isFinite(at) ? Math.max(0, (at - Date.now()) / 1000) : null;
}

/** The per-call Portkey headers: the run as trace id, and metadata to filter replays apart from production traffic. */
export function traceHeaders(trace: LlmRequest['trace']): Record<string, string> {
  return {
    'x-portkey-trace-id': trace.runId,
    'x-portkey-metadata': JSON.stringify({ _user: 'switchyard', run: trace.runId, capture: trace.captureId, purpose: trace.purpose }),
  };
}

type Portkey = PortkeyAi.Portkey;

// portkey-ai (with openai and ws, ~360 kB) is loaded on first use, not at cold start: deployed, it ships beside the
// bundle (LAZY_MODULES). A gateway starts loading it when built, so it compiles while the first invocation's reads are in
// flight, and its first call awaits the same load.
let portkeyModule: Promise<typeof PortkeyAi> | undefined;
const loadPortkey = (): Promise<typeof PortkeyAi> => {
  portkeyModule ??= import('portkey-ai');
  return portkeyModule;
};

export class PortkeyGateway implements LlmGateway {
  private readonly clients = new Map<string, Portkey>();

  constructor(private readonly config: GatewayConfig) {
    // A failed load surfaces on the first call, which awaits the same promise.
    loadPortkey().catch(() => {});
  }

  private clientFor(
    { Portkey }: typeof PortkeyAi,
    model: ModelSpec,
    timeoutMs: number,
    guardrails: Guardrails | undefined,
    portkeyConfig: string | undefined,
  ): Portkey {
    const config = portkeyConfig ?? (guardrails ? JSON.stringify(guardrails) : undefined);
    const key = `${model.id}|${timeoutMs}|${config ?? ''}`;
    const existing = this.clients.get(key);
    if (existing) return existing;
    const providerKey = this.config.providerKeys?.[model.provider];
    const virtualKey = this.config.virtualKeys?.[model.provider];
    const client = new Portkey({
      baseURL: this.config.baseURL,
      apiKey: this.config.portkeyApiKey ?? null,
      ...(virtualKey ? { virtualKey } : { provider: model.provider }),
      ...(providerKey && !virtualKey ? { Authorization: `Bearer ${providerKey}` } : {}),
      ...(this.config.customHosts?.[model.provider] ? { customHost: this.config.customHosts[model.provider] } : {}),
      ...(config ? { config } : {}),
      ...(this.config.forwardHeaders?.length ? { forwardHeaders: this.config.forwardHeaders } : {}),
      requestTimeout: timeoutMs,
      strictOpenAiCompliance: false,
    });
    // Retry in exactly one layer (ours): portkey-ai 3.1 sets maxRetries = 1 in its constructor.
    client.maxRetries = 0;
    this.clients.set(key, client);
    return client;
  }

  async complete(request: LlmRequest): Promise<LlmOutcome> {
    const client = this.clientFor(await loadPortkey(), request.model, request.timeoutMs, request.guardrails, request.portkeyConfig);
    const started = performance.now();
    const deadline = AbortSignal.timeout(request.timeoutMs + 2_000);
    const signal = request.signal ? AbortSignal.any([deadline, request.signal]) : deadline;
    try {
      const call = client.chat.completions.create(
        {
          model: request.model.apiModel,
          messages: request.messages.map((m) => ({ role: m.role, content: m.content })),
          max_tokens: request.maxTokens,
          ...(request.temperature !== undefined ? { temperature: request.temperature } : {}),
        },
        undefined,
        { signal, extraHeaders: traceHeaders(request.trace) } as never,
      );
      const raw: unknown = await call;
      const latencyMs = performance.now() - started;
      // The SDK keeps only x-portkey-* headers on the parsed body; the raw response is on its promise.
      const meta = await (call as unknown as { responsePromise?: Promise<{ responseHeaders?: Headers }> }).responsePromise;
      const parsed = CompletionSchema.safeParse(raw);
      if (!parsed.success) {
        return { ok: false, kind: 'malformed_response', retryable: true, status: 200, retryAfterSeconds: null, latencyMs, guardrailChecks: [] };
      }
      const choice = parsed.data.choices[0] as z.infer<typeof ChoiceSchema>;
      const finish = choice.finish_reason ?? null;
      // Providers that report their own processing time (OpenAI: openai-processing-ms) let us split the latency:
      // the rest is the gateway's work plus the network on both sides of it.
      const reported = meta?.responseHeaders?.get?.('openai-processing-ms');
      const providerMs = reported ? Number(reported) : Number.NaN;
      const gatewayLatencyMs = Number.isFinite(providerMs) && providerMs >= 0 && providerMs <= latencyMs ? latencyMs - providerMs : null;
      return {
        ok: true,
        text: typeof choice.message.content === 'string' ? choice.message.content : '',
        finishReason: finish,
        refusalField: choice.message.refusal ?? null,
        stopReason: request.model.wire === 'anthropic' ? finish : null,
        usage: usageFromCompletion(request.model, parsed.data),
        latencyMs,
        gatewayLatencyMs,
      };
    } catch (thrown) {
      const latencyMs = performance.now() - started;
      const e = thrown as SdkError;
      if (typeof e.status === 'number') {
        const { kind, retryable } = classifyStatus(e.status);
        return {
          ok: false,
          kind,
          retryable,
          status: e.status,
          retryAfterSeconds: retryAfterSeconds(e.headers),
          latencyMs,
          guardrailChecks: kind === 'guardrail_blocked' ? guardrailChecks(e.error) : [],
        };
      }
      // portkey-ai's error classes are not exported and keep name "Error": read the class name as well.
      const kind = `${e.name ?? ''}|${(thrown as object | null)?.constructor?.name ?? ''}`;
      const timedOut = /APIConnectionTimeoutError|TimeoutError|AbortError|APIUserAbortError/.test(kind);
      if (timedOut) return { ok: false, kind: 'timeout', retryable: true, status: null, retryAfterSeconds: null, latencyMs, guardrailChecks: [] };
      if (/APIConnectionError|FetchError|TypeError/.test(kind)) {
        return { ok: false, kind: 'connection', retryable: true, status: null, retryAfterSeconds: null, latencyMs, guardrailChecks: [] };
      }
      if (thrown instanceof SyntaxError) {
        return { ok: false, kind: 'malformed_response', retryable: true, status: null, retryAfterSeconds: null, latencyMs, guardrailChecks: [] };
      }
      throw thrown;
    }
  }
}
