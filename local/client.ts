// A small HTTP client for the Switchyard API, used by the demo, the CLI and the end-to-end tests.
import type { CaptureInput } from '../shared/schemas/api.js';

export type ApiAnswer = { status: number; body: Record<string, unknown> };

export class SwitchyardClient {
  constructor(
    private readonly baseUrl: string,
    private readonly token: string,
  ) {}

  async request(method: string, path: string, body?: unknown, rawBody?: string): Promise<ApiAnswer> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      parsed = { raw: text };
    }
    return { status: res.status, body: parsed };
  }

  /** GET /v1/replays/{id}/report: the HTML page; a 4xx/5xx answer throws with the API's message. */
  async report(runId: string): Promise<string> {
    const url = `${this.baseUrl}/v1/replays/${encodeURIComponent(runId)}/report`;
    const res = await fetch(url, { headers: { authorization: `Bearer ${this.token}` } }).catch((error: unknown) => {
      const cause = error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new Error(`cannot reach ${this.baseUrl}: ${cause}`);
    });
    const text = await res.text();
    if (res.ok) return text;
    let message = text.slice(0, 300);
    try {
      message = String((JSON.parse(text) as { message?: unknown }).message ?? message);
    } catch {}
    throw new Error(`GET /v1/replays/${runId.slice(0, 80)}/report answered ${res.status}: ${message}`);
  }

  async captureAll(captures: readonly CaptureInput[], batchSize = 100): Promise<{ stored: number; duplicates: number; rejected: number }> {
    const totals = { stored: 0, duplicates: 0, rejected: 0 };
    for (let i = 0; i < captures.length; i += batchSize) {
      const answer = await this.request('POST', '/v1/captures', { captures: captures.slice(i, i + batchSize) });
      if (answer.status !== 200 && answer.status !== 207)
        throw new Error(`capture batch failed: ${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`);
      totals.stored += Number(answer.body.stored ?? 0);
      totals.duplicates += Number(answer.body.duplicates ?? 0);
      totals.rejected += Number(answer.body.rejected ?? 0);
    }
    return totals;
  }

  /** Polls GET /v1/replays/{id} until the run is over. */
  async waitForReplay(
    runId: string,
    options: {
      timeoutMs?: number;
      /** give up only after this long without progress (status, answers stored, judge verdicts): a busy machine is slow, not stuck */
      idleTimeoutMs?: number;
      intervalMs?: number;
      onProgress?: (stored: number, expected: number) => void;
      /** every poll's answer: status and progress (answers stored, judge verdicts) */
      onStatus?: (body: Record<string, unknown>) => void;
    } = {},
  ): Promise<Record<string, unknown>> {
    const deadline = Date.now() + (options.timeoutMs ?? 600_000);
    let idleSince = Date.now();
    let seen = '';
    for (;;) {
      const answer = await this.request('GET', `/v1/replays/${runId}`);
      if (answer.status !== 200) throw new Error(`GET replay failed: ${answer.status}`);
      const status = String(answer.body.status);
      if (status === 'completed' || status === 'partial' || status === 'failed') return answer.body;
      options.onStatus?.(answer.body);
      const progress = answer.body.progress as { stored: number; expected: number } | undefined;
      if (progress) options.onProgress?.(progress.stored, progress.expected);
      const now = JSON.stringify([status, answer.body.progress]);
      if (now !== seen) [seen, idleSince] = [now, Date.now()];
      if (Date.now() > deadline) throw new Error(`replay ${runId} still ${status} after the timeout`);
      if (options.idleTimeoutMs !== undefined && Date.now() - idleSince > options.idleTimeoutMs)
        throw new Error(`replay ${runId} still ${status}: no progress for ${Math.round(options.idleTimeoutMs / 1000)} s`);
      await new Promise((r) => setTimeout(r, options.intervalMs ?? 250));
    }
  }
}
