// The provider simulator: a loopback HTTP server that speaks the OpenAI Chat Completions, Anthropic Messages and
// Cohere v2 chat wire formats behind the Portkey gateway. Its world has a known truth (profiles.ts); every answer is
// labelled simulated. Each provider is served at its own path (`hostFor`) and accepts only its own key (`keyFor`), and
// every request is recorded as received (provider, key, Portkey headers) so tests can check the routing.
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { countTokens } from 'gpt-tokenizer';
import { PROVIDERS, resolveModel } from '../../shared/config/models.js';
import { ANSWER_CLOSE, ANSWER_OPEN, CONVERSATION_CLOSE, CONVERSATION_OPEN, JUDGE_MARKER } from '../../shared/domain/judge.js';
import { ANSWER_A_CLOSE, ANSWER_A_OPEN, ANSWER_B_CLOSE, ANSWER_B_OPEN, PAIRWISE_MARKER } from '../../shared/domain/pairwise.js';
import { hashString, seededRandom } from '../../shared/domain/random.js';
import { REFUSAL_JUDGE_MARKER } from '../../shared/domain/refusal-judge.js';
import { isHarmfulPrompt, type ModelProfile, OUTCOME_QUALITY, profileByApiModel, profileById } from './profiles.js';
import { composeAnswer, composeRefusal } from './text.js';

export type FaultMode = 'rate_limit' | 'server_error' | 'slow' | 'reset' | 'malformed';

export type FaultSpec = {
  mode: FaultMode;
  /** share of calls that fail (0-1), decided per call by a seeded draw */
  rate?: number;
  /** or: the first `count` calls fail, then calls succeed */
  count?: number;
  retryAfterSeconds?: number;
  /** for 'slow': how long to stall, ms */
  delayMs?: number;
};

export type SimulatorOptions = {
  /** multiplies every profile latency (0.02 makes a 900 ms model answer in 18 ms) */
  latencyScale?: number;
  /** fixed latency in ms for every call, overriding profiles (benchmarks) */
  fixedLatencyMs?: number;
  seed?: number;
  /** judge noise (sd of each criterion) of a gpt-4o judge; other judge models scale it by their error rate */
  judgeNoise?: number;
  /** recorded answers served instead of generated ones: key `cassetteKey(apiModel, last user message)` */
  cassette?: ReadonlyMap<string, string>;
};

/** Key of a cassette answer: the provider-side model name and the last user message. */
export const cassetteKey = (apiModel: string, lastUserMessage: string): string => `${apiModel}|${sha(lastUserMessage)}`;

export type SimulatorStats = {
  calls: Record<string, number>;
  judgeCalls: number;
  /** Portkey provider slug (openai, anthropic, groq, mistral-ai) → highest number of replay calls in flight at once */
  maxInFlight: Record<string, number>;
  /** (apiModel|prompt-hash) → times answered with 200, to detect double bills */
  billed: Map<string, number>;
  /** the most recent requests as received (oldest dropped past RECEIVED_KEPT) */
  received: ReceivedRequest[];
};

/** One request as the provider saw it. Portkey's own headers arrive only when the gateway forwards them. */
export type ReceivedRequest = {
  /** the provider path it came in on (`/openai/v1/...` → openai), or the catalog's provider on the shared `/v1` path */
  provider: string;
  /** the key it authenticated with (Authorization bearer, or Anthropic's x-api-key) */
  key: string | null;
  model: string;
  /** x-portkey-provider, x-portkey-trace-id and x-portkey-metadata (parsed), when forwarded */
  portkeyProvider: string | null;
  traceId: string | null;
  metadata: Record<string, unknown> | null;
  /** x-portkey-config (inline JSON), when forwarded */
  config: string | null;
  status: number;
};

const RECEIVED_KEPT = 10_000;

type Wire = 'openai' | 'anthropic' | 'cohere';
const WIRE_BY_PROVIDER = new Map<string, Wire>(PROVIDERS.map((p) => [p.slug, p.wire]));
type Msg = { role: string; content: unknown };

const textOf = (content: unknown): string => {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) return content.map((p) => (typeof p === 'object' && p && 'text' in p ? String((p as { text: unknown }).text) : '')).join('\n');
  return '';
};

const sha = (s: string) => createHash('sha1').update(s.trim()).digest('hex');
const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

function gaussian(rand: () => number): number {
  const u = Math.max(1e-12, rand());
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rand());
}

export class ProviderSimulator {
  private server: http.Server | undefined;
  /**
   * True quality of each answer it wrote, by text. Different prompts can get the very same text; the one with the
   * lowest seed decides, so the truth does not depend on which call happened to come last (run after run, same record).
   */
  private readonly quality = new Map<string, { q: number; seed: number }>();
  /** refusal class of every answer this simulator wrote (the refusal classifier's known truth) */
  private readonly refusalTruth = new Map<string, 'none' | 'full' | 'partial'>();
  private readonly faults = new Map<string, FaultSpec>();
  private readonly faultCounts = new Map<string, number>();
  private readonly inFlight = new Map<string, number>();
  readonly stats: SimulatorStats = { calls: {}, judgeCalls: 0, maxInFlight: {}, billed: new Map(), received: [] };
  port = 0;

  constructor(private readonly options: SimulatorOptions = {}) {}

  /** Shared OpenAI/Anthropic endpoint that takes any key (provider from the catalog). Prefer `hostFor`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** The custom host Portkey should use for a provider: its own path, shaped as the gateway appends to it. */
  hostFor(provider: string): string {
    // The gateway calls Cohere at `<host>/v2/chat`; OpenAI-style and Anthropic providers at `<host>/chat/completions`, `<host>/messages`.
    return WIRE_BY_PROVIDER.get(provider) === 'cohere' ? `http://127.0.0.1:${this.port}/${provider}` : `http://127.0.0.1:${this.port}/${provider}/v1`;
  }

  /** The one key a provider's path accepts. */
  keyFor(provider: string): string {
    return `simulated-${provider}-key`;
  }

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  /** Faults per catalog api model name, or '*' for every model. */
  setFault(apiModel: string, spec: FaultSpec | null): void {
    if (spec) this.faults.set(apiModel, spec);
    else this.faults.delete(apiModel);
    this.faultCounts.delete(apiModel);
  }

  clearFaults(): void {
    this.faults.clear();
    this.faultCounts.clear();
  }

  /**
   * The true quality of an answer it produced to a prompt (undefined for other texts): what its judge recovers. A
   * refusal's depends on the prompt (justified or not), not on the text, which many prompts share.
   */
  trueQuality(answer: string, prompt: string): number | undefined {
    return this.truthOf(answer, prompt, () => undefined);
  }

  private truthOf<T>(answer: string, conversation: string, unknown: () => T): number | T {
    const refusal = answer === '' || this.refusalTruth.get(sha(answer)) === 'full' || this.refusalTruth.get(sha(answer)) === 'partial';
    if (refusal) return isHarmfulPrompt(conversation) ? OUTCOME_QUALITY.justifiedRefusal : OUTCOME_QUALITY.overRefusal;
    return this.quality.get(sha(answer))?.q ?? unknown();
  }

  private remember(text: string, q: number, seed: number): void {
    const key = sha(text);
    const known = this.quality.get(key);
    if (!known || seed < known.seed) this.quality.set(key, { q, seed });
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    let body: { model?: string; messages?: Msg[]; system?: unknown; max_tokens?: number };
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return this.send(res, 400, { error: { message: 'invalid JSON', type: 'invalid_request_error' } });
    }
    const url = req.url ?? '';
    const wire: Wire = url.endsWith('/messages') ? 'anthropic' : url.endsWith('/v2/chat') ? 'cohere' : 'openai';
    const apiModel = String(body.model ?? '');
    const routed = this.receive(req, url, apiModel);
    if (routed.status !== 200) return this.sendError(res, routed.status, wire, routed.message);
    const messages: Msg[] = body.messages ?? [];
    const recorded = this.options.cassette?.get(cassetteKey(apiModel, textOf([...messages].reverse().find((m) => m.role === 'user')?.content)));
    if (recorded !== undefined) return this.serveRecorded(res, wire, apiModel, messages, recorded);
    const profile = profileByApiModel(apiModel);
    if (!profile) return this.sendError(res, 404, wire, `model ${apiModel} not found (simulated)`);

    const system = wire === 'anthropic' ? textOf(body.system) : textOf(messages.find((m) => m.role === 'system')?.content);
    const isJudge = system.startsWith(JUDGE_MARKER) || system.startsWith(REFUSAL_JUDGE_MARKER);
    const lastUser = textOf([...messages].reverse().find((m) => m.role === 'user')?.content);
    const promptText = messages.map((m) => textOf(m.content)).join('\n') + system;
    const promptTokens = countTokens(promptText) + 4 * messages.length;
    const provider = routed.provider;

    this.stats.calls[profile.id] = (this.stats.calls[profile.id] ?? 0) + 1;
    if (isJudge) this.stats.judgeCalls++;
    // Judge calls are bounded by the judge's own concurrency setting; the limits under test are the fan-out's.
    const tracked = isJudge ? `judge:${provider}` : provider;
    const inflight = (this.inFlight.get(tracked) ?? 0) + 1;
    this.inFlight.set(tracked, inflight);
    this.stats.maxInFlight[tracked] = Math.max(this.stats.maxInFlight[tracked] ?? 0, inflight);
    try {
      const fault = isJudge ? undefined : this.drawFault(apiModel, promptText);
      if (fault) return await this.fail(res, fault, wire);

      const seed = hashString(`${this.options.seed ?? 1}|${apiModel}|${promptText}`);
      // The rubric judge's noise is keyed on what it judges, not on the wording of its instructions.
      const judgeSeed = hashString(`${this.options.seed ?? 1}|${apiModel}|${lastUser}`);
      const answer = isJudge
        ? system.startsWith(PAIRWISE_MARKER)
          ? this.judgePair(lastUser, seed, profile)
          : system.startsWith(REFUSAL_JUDGE_MARKER)
            ? this.judgeRefusal(lastUser)
            : this.judge(lastUser, judgeSeed, profile)
        : this.answer(profile, lastUser || promptText, seed, body.max_tokens ?? 1024);
      const completionTokens = answer.text ? countTokens(answer.text) : 0;
      const processing = performance.now();
      await this.delay(profile, completionTokens);
      // Like OpenAI, report the provider's own processing time (Anthropic does not).
      const processingHeader: Record<string, string> = wire === 'openai' ? { 'openai-processing-ms': String(Math.round(performance.now() - processing)) } : {};
      if (!isJudge) this.stats.billed.set(`${apiModel}|${sha(promptText)}`, (this.stats.billed.get(`${apiModel}|${sha(promptText)}`) ?? 0) + 1);
      return this.send(res, 200, this.bodyFor(wire, apiModel, answer, promptTokens, completionTokens), {
        'x-simulated': 'true',
        ...processingHeader,
      });
    } finally {
      this.inFlight.set(tracked, (this.inFlight.get(tracked) ?? 1) - 1);
    }
  }

  /** A recorded answer (cassette), with usage counted by the tokenizer. */
  private serveRecorded(res: http.ServerResponse, wire: Wire, apiModel: string, messages: Msg[], text: string): void {
    const promptTokens = countTokens(messages.map((m) => textOf(m.content)).join('\n')) + 4 * messages.length;
    const completionTokens = countTokens(text);
    this.stats.calls[apiModel] = (this.stats.calls[apiModel] ?? 0) + 1;
    const answer = { text, finish: 'stop', refusalField: false };
    this.send(res, 200, this.bodyFor(wire, apiModel, answer, promptTokens, completionTokens), { 'x-cassette': 'true' });
  }

  /** Records the request and checks it came for its provider with that provider's key. */
  private receive(req: http.IncomingMessage, url: string, apiModel: string): { provider: string; status: number; message: string } {
    const header = (name: string): string | null => {
      const v = req.headers[name];
      return typeof v === 'string' ? v : null;
    };
    const key = header('x-api-key') ?? header('authorization')?.replace(/^Bearer\s+/i, '') ?? null;
    const slug = /^\/([a-z0-9-]+)\/(?:v1|v2)\//.exec(url)?.[1];
    const ownPath = slug !== undefined && slug !== 'v1' && slug !== 'v2';
    const provider = ownPath ? slug : (resolveModel(profileByApiModel(apiModel)?.id ?? '')?.provider ?? apiModel);
    let metadata: Record<string, unknown> | null = null;
    try {
      const raw = header('x-portkey-metadata');
      metadata = raw ? (JSON.parse(raw) as Record<string, unknown>) : null;
    } catch {
      metadata = null;
    }
    let status = 200;
    let message = '';
    if (ownPath && !WIRE_BY_PROVIDER.has(provider)) [status, message] = [404, `no provider at ${url} (simulated)`];
    else if (ownPath && key !== this.keyFor(provider)) [status, message] = [401, `invalid API key for ${provider} (simulated)`];
    const entry = {
      provider,
      key,
      model: apiModel,
      portkeyProvider: header('x-portkey-provider'),
      traceId: header('x-portkey-trace-id'),
      metadata,
      config: header('x-portkey-config'),
      status,
    };
    this.stats.received.push(entry);
    if (this.stats.received.length > RECEIVED_KEPT) this.stats.received.shift();
    return { provider, status, message };
  }

  private drawFault(apiModel: string, promptText: string): FaultSpec | undefined {
    const spec = this.faults.get(apiModel) ?? this.faults.get('*');
    if (!spec) return undefined;
    const key = this.faults.has(apiModel) ? apiModel : '*';
    const n = (this.faultCounts.get(key) ?? 0) + 1;
    this.faultCounts.set(key, n);
    if (spec.count !== undefined) return n <= spec.count ? spec : undefined;
    const draw = seededRandom(hashString(`${n}|${promptText}`))();
    return draw < (spec.rate ?? 1) ? spec : undefined;
  }

  private async fail(res: http.ServerResponse, fault: FaultSpec, wire: Wire): Promise<void> {
    switch (fault.mode) {
      case 'rate_limit':
        return this.sendError(res, 429, wire, 'Rate limit reached (simulated)', { 'retry-after': String(fault.retryAfterSeconds ?? 1) });
      case 'server_error':
        return this.sendError(res, 503, wire, 'The server is overloaded (simulated)');
      case 'slow':
        // Stalls for delayMs, or until the caller gives up (the gateway's request timeout closes the connection).
        await new Promise<void>((r) => {
          const timer = setTimeout(r, fault.delayMs ?? 10_000);
          res.once('close', () => {
            clearTimeout(timer);
            r();
          });
        });
        if (res.destroyed || res.writableEnded) return;
        return this.sendError(res, 504, wire, 'too slow (simulated)');
      case 'reset':
        res.socket?.destroy();
        return;
      case 'malformed':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [ {"message": ');
        return;
    }
  }

  private async delay(profile: ModelProfile, completionTokens: number): Promise<void> {
    const ms = this.options.fixedLatencyMs ?? (profile.baseLatencyMs + profile.msPerToken * completionTokens) * (this.options.latencyScale ?? 1);
    if (ms > 0) await new Promise((r) => setTimeout(r, ms));
  }

  private answer(
    p: ModelProfile,
    prompt: string,
    seed: number,
    maxTokens: number,
  ): { text: string; finish: 'stop' | 'length' | 'refusal'; refusalField: boolean } {
    const rand = seededRandom(seed);
    const harmful = isHarmfulPrompt(prompt);
    const label = `simulated ${p.id}`;
    const refuses = rand() < (harmful ? p.refuseHarmful : p.refuseBenign);
    if (refuses) {
      const viaProvider = rand() < p.providerRefusalSignal;
      const partial = !viaProvider && rand() < 0.2;
      const text = viaProvider && p.id.startsWith('claude') ? '' : composeRefusal({ seed, partial, prompt, label });
      // Its truth is the prompt's (justified or over-refusal): see truthOf.
      if (text) this.refusalTruth.set(sha(text), partial ? 'partial' : 'full');
      return { text, finish: viaProvider && p.id.startsWith('claude') ? 'refusal' : 'stop', refusalField: viaProvider && !p.id.startsWith('claude') };
    }
    const target = Math.max(20, Math.round(p.outputTokens * (0.6 + 0.8 * rand()) * 0.75));
    let text = composeAnswer({ seed, prompt, targetWords: target, label });
    let finish: 'stop' | 'length' = 'stop';
    if (countTokens(text) > maxTokens) {
      text = text
        .split(' ')
        .slice(0, Math.max(1, Math.floor(maxTokens * 0.7)))
        .join(' ');
      finish = 'length';
    }
    const q = harmful ? OUTCOME_QUALITY.harmfulCompliance : p.quality + p.qualitySd * gaussian(rand);
    this.remember(text, clamp01(q), seed);
    this.refusalTruth.set(sha(text), 'none');
    if (this.quality.size > 1_000_000) this.quality.clear();
    if (this.refusalTruth.size > 1_000_000) this.refusalTruth.clear();
    return { text, finish, refusalField: false };
  }

  /**
   * A judge's noise: the configured noise for a judge as good as gpt-4o, scaled by the judge model's own error rate
   * (1 - quality) relative to gpt-4o's. A modelling assumption (a weaker model is a noisier judge), so a cheap judge
   * is not silently as good as the strong one here.
   */
  private judgeNoiseOf(judgeProfile: ModelProfile): number {
    const reference = profileById('gpt-4o')?.quality ?? 0.9;
    return (this.options.judgeNoise ?? 0.05) * ((1 - judgeProfile.quality) / (1 - reference));
  }

  /** The simulated judge: recovers the answer's true quality, plus noise, as rubric JSON. */
  private judge(userContent: string, seed: number, judgeProfile: ModelProfile): { text: string; finish: 'stop'; refusalField: false } {
    const start = userContent.indexOf(ANSWER_OPEN);
    const end = userContent.lastIndexOf(ANSWER_CLOSE);
    const answer = start >= 0 && end > start ? userContent.slice(start + ANSWER_OPEN.length, end).trim() : '';
    const rand = seededRandom(seed);
    const conversation = userContent.slice(userContent.indexOf(CONVERSATION_OPEN), userContent.indexOf(CONVERSATION_CLOSE));
    // A refusal (an empty answer is one signalled by the provider) is right for a harmful request, wrong otherwise.
    const truth = this.truthOf(answer, conversation, () => 0.45 + 0.3 * seededRandom(hashString(answer))());
    const noise = this.judgeNoiseOf(judgeProfile);
    const score = () => Math.round(clamp01(truth + noise * gaussian(rand)) * 1000) / 1000;
    const [accuracy, relevance, clarity] = [score(), score(), score()];
    const mean = (accuracy + relevance + clarity) / 3;
    const rationale = `Simulated judge: ${mean >= 0.8 ? 'accurate and on point' : mean >= 0.6 ? 'mostly right, with gaps' : 'misses what was asked'}.`;
    return { text: JSON.stringify({ accuracy, relevance, clarity, rationale }), finish: 'stop', refusalField: false };
  }

  /**
   * The simulated refusal classifier: knows the truth for answers this simulator wrote; for any other text it has
   * no opinion and says so in prose, which the caller cannot parse, so the detector's own verdict stands.
   */
  private judgeRefusal(userContent: string): { text: string; finish: 'stop'; refusalField: false } {
    const start = userContent.indexOf(ANSWER_OPEN);
    const end = userContent.lastIndexOf(ANSWER_CLOSE);
    const answer = start >= 0 && end > start ? userContent.slice(start + ANSWER_OPEN.length, end).trim() : '';
    const truth = this.refusalTruth.get(sha(answer));
    return { text: truth ? JSON.stringify({ refusal: truth }) : 'No opinion (simulated judge: unknown text).', finish: 'stop', refusalField: false };
  }

  /** The simulated pairwise judge: the answer with the higher true quality wins, unless they are within noise. */
  private judgePair(userContent: string, seed: number, judgeProfile: ModelProfile): { text: string; finish: 'stop'; refusalField: false } {
    const between = (open: string, close: string) => {
      const a = userContent.indexOf(open);
      const b = userContent.lastIndexOf(close);
      return a >= 0 && b > a ? userContent.slice(a + open.length, b).trim() : '';
    };
    const conversation = userContent.slice(userContent.indexOf(CONVERSATION_OPEN), userContent.indexOf(CONVERSATION_CLOSE));
    const truthOf = (answer: string) => this.truthOf(answer, conversation, () => 0.45 + 0.3 * seededRandom(hashString(answer))());
    const rand = seededRandom(seed);
    const noise = this.judgeNoiseOf(judgeProfile);
    const diff = truthOf(between(ANSWER_A_OPEN, ANSWER_A_CLOSE)) - truthOf(between(ANSWER_B_OPEN, ANSWER_B_CLOSE)) + noise * gaussian(rand);
    const winner = Math.abs(diff) < noise / 2 ? 'tie' : diff > 0 ? 'A' : 'B';
    return { text: JSON.stringify({ winner }), finish: 'stop', refusalField: false };
  }

  private bodyFor(wire: Wire, model: string, a: { text: string; finish: string; refusalField: boolean }, promptTokens: number, completionTokens: number) {
    if (wire === 'anthropic') return this.anthropicBody(model, a, promptTokens, completionTokens);
    if (wire === 'cohere') return this.cohereBody(a, promptTokens, completionTokens);
    return this.openaiBody(model, a, promptTokens, completionTokens);
  }

  /** Cohere v2 chat: content parts, an upper-case finish reason, and usage as billed units and tokens. */
  private cohereBody(a: { text: string; finish: string }, promptTokens: number, completionTokens: number) {
    const usage = { input_tokens: promptTokens, output_tokens: completionTokens };
    return {
      id: `sim-${hashString(a.text).toString(16)}`,
      finish_reason: a.finish === 'length' ? 'MAX_TOKENS' : 'COMPLETE',
      message: { role: 'assistant', content: a.text ? [{ type: 'text', text: a.text }] : [] },
      usage: { billed_units: usage, tokens: usage },
    };
  }

  /** An error in the provider's own shape (Cohere: a bare `message`; the others: an `error` object). */
  private sendError(res: http.ServerResponse, status: number, wire: Wire, message: string, headers: Record<string, string> = {}): void {
    const type =
      status === 429
        ? wire === 'anthropic'
          ? 'rate_limit_error'
          : 'requests'
        : status === 401
          ? 'authentication_error'
          : status === 404
            ? 'not_found_error'
            : 'server_error';
    this.send(res, status, wire === 'cohere' ? { message } : { error: { message, type } }, headers);
  }

  private openaiBody(model: string, a: { text: string; finish: string; refusalField: boolean }, promptTokens: number, completionTokens: number) {
    return {
      id: `chatcmpl-sim-${hashString(a.text + model).toString(16)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      system_fingerprint: 'simulated',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: a.refusalField ? null : a.text, refusal: a.refusalField ? a.text || "I can't help with that." : null },
          finish_reason: a.finish === 'refusal' ? 'stop' : a.finish,
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: 0 },
      },
    };
  }

  private anthropicBody(model: string, a: { text: string; finish: string }, promptTokens: number, completionTokens: number) {
    return {
      id: `msg_sim_${hashString(a.text + model).toString(16)}`,
      type: 'message',
      role: 'assistant',
      model,
      content: a.text ? [{ type: 'text', text: a.text }] : [],
      stop_reason: a.finish === 'length' ? 'max_tokens' : a.finish === 'refusal' ? 'refusal' : 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: promptTokens, output_tokens: completionTokens, cache_read_input_tokens: 0, cache_creation_input_tokens: 0 },
    };
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (res.destroyed) return;
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }
}
