// Sends one batch of captures to POST /v1/captures and reads the per-item answer. Throttling (429), server errors
// (5xx), timeouts and network failures are retried with exponential backoff (Retry-After honoured); anything else,
// or a batch that keeps failing, is fatal: the import stops with the reason.
import * as z from '../../shared/schemas/zod.js';

export type ItemResult = { status: 'stored' | 'duplicate' } | { status: 'rejected' | 'conflict' | 'failed'; reason: string };

export class ImportFatalError extends Error {
  override readonly name = 'ImportFatalError';
}

const BatchAnswerSchema = z.object({
  results: z.array(
    z.union([
      z.object({ index: z.number().check(z.int(), z.nonnegative()), status: z.enum(['stored', 'duplicate']) }),
      z.object({
        index: z.number().check(z.int(), z.nonnegative()),
        status: z.enum(['rejected', 'failed']),
        error: z.object({ status: z.optional(z.number()), error: z.optional(z.string()), message: z.optional(z.string()) }),
      }),
      z.object({ index: z.number().check(z.int(), z.nonnegative()), status: z.literal('conflict'), id: z.string(), stored_hash: z.string() }),
    ]),
  ),
});

const ProblemSchema = z.object({ error: z.optional(z.string()), message: z.optional(z.string()) });

export type Sender = {
  api: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** attempts per batch, the first included */
  maxAttempts?: number;
  timeoutMs?: number;
  onRetry?: (attempt: number, why: string, delayMs: number) => void;
};

const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

/** Retry-After in seconds or as an HTTP date, capped at 30 s. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(ms, 0), 30_000) : undefined;
}

const backoffMs = (attempt: number) => Math.min(500 * 2 ** (attempt - 1), 8_000) + Math.floor(Math.random() * 250);

async function problemOf(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  let parsed: z.infer<typeof ProblemSchema> = {};
  try {
    parsed = z.catch(ProblemSchema, {}).parse(JSON.parse(text));
  } catch {
    // not JSON: the status says enough
  }
  return [parsed.error, parsed.message].filter(Boolean).join(': ').slice(0, 300);
}

/** Posts `count` captures already serialised as the JSON body `{"captures": [...]}`; one result per capture, in order. */
export async function postBatch(sender: Sender, body: string, count: number): Promise<ItemResult[]> {
  const doFetch = sender.fetch ?? fetch;
  const sleep = sender.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const maxAttempts = sender.maxAttempts ?? 5;
  let lastWhy = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    let res: Response;
    try {
      res = await doFetch(`${sender.api}/v1/captures`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sender.token}`, 'content-type': 'application/json' },
        body,
        signal: AbortSignal.timeout(sender.timeoutMs ?? 120_000),
      });
    } catch (error) {
      lastWhy = `network error (${error instanceof Error ? error.message : String(error)})`;
      if (attempt < maxAttempts) {
        const delay = backoffMs(attempt);
        sender.onRetry?.(attempt, lastWhy, delay);
        await sleep(delay);
      }
      continue;
    }
    if (res.status === 200 || res.status === 207) return readResults(await res.text(), count);
    if (RETRYABLE.has(res.status)) {
      lastWhy = `HTTP ${res.status}`;
      const wait = retryAfterMs(res.headers.get('retry-after'));
      await res.body?.cancel().catch(() => {});
      if (attempt < maxAttempts) {
        const delay = wait ?? backoffMs(attempt);
        sender.onRetry?.(attempt, lastWhy, delay);
        await sleep(delay);
      }
      continue;
    }
    const problem = await problemOf(res);
    if (res.status === 401 || res.status === 403) {
      throw new ImportFatalError(`the API refused the token (${res.status}); check --token or SWITCHYARD_TOKEN`);
    }
    throw new ImportFatalError(`the API answered ${res.status}${problem ? ` (${problem})` : ''}`);
  }
  throw new ImportFatalError(`a batch failed ${maxAttempts} times; last: ${lastWhy}`);
}

function readResults(text: string, count: number): ItemResult[] {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ImportFatalError('the API answered a batch with something that is not JSON');
  }
  const parsed = BatchAnswerSchema.safeParse(raw);
  if (!parsed.success || parsed.data.results.length !== count) {
    throw new ImportFatalError(`the API's answer to a batch of ${count} is not one result per capture`);
  }
  const out: (ItemResult | undefined)[] = Array.from({ length: count }, () => undefined);
  for (const r of parsed.data.results) {
    if (r.index >= count) throw new ImportFatalError(`the API answered for capture ${r.index} of a batch of ${count}`);
    out[r.index] =
      r.status === 'rejected' || r.status === 'failed'
        ? {
            status: r.status,
            reason: `${r.error.status ?? ''} ${(r.error.message ?? r.error.error ?? r.status).replace(/captures\[\d+\]\.?/g, '')}`.trim(),
          }
        : r.status === 'conflict'
          ? { status: 'conflict', reason: `409 id ${r.id} is already stored with different content (${r.stored_hash.slice(0, 19)}…)` }
          : { status: r.status };
  }
  const answered = out.filter((r): r is ItemResult => r !== undefined);
  if (answered.length !== count) throw new ImportFatalError(`the API's answer to a batch of ${count} misses some captures`);
  return answered;
}
