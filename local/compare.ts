// `switchyard compare "PROMPT"`: POST /v1/analyze against an API (--api/--token), or against a local stack started for
// the occasion, then one prompt's answers side by side: a table of cost, quality, refusal and latency, then each answer.
import { parseArgs } from 'node:util';
import type { AnalyzeAnswer } from '../shared/use-cases/analyze.js';
import { SwitchyardClient } from './client.js';
import { describeReplayProgress, progress } from './progress.js';
import { startLocalStack } from './stack.js';

/** One model's answer as POST /v1/analyze returns it. */
type Row = AnalyzeAnswer;

const cell = (x: number | null, digits: number, prefix = '') => (x === null || !Number.isFinite(x) ? '—' : `${prefix}${x.toFixed(digits)}`);

export function renderComparison(rows: readonly Row[], baseline: string, reasoning: string | null): string {
  const header = ['model', 'role', 'cost', 'quality', 'refusal', 'latency ms', 'error'];
  const body = rows.map((r) => [
    r.model,
    r.model === baseline ? 'baseline' : '',
    cell(r.cost_usd, 6, '$'),
    cell(r.quality, 3),
    r.refusal ?? '—',
    cell(r.latency_ms, 0),
    r.error ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd();
  const answers = rows.map((r) => `── ${r.model} ${'─'.repeat(Math.max(2, 60 - r.model.length))}\n${r.answer ?? `(no answer: ${r.error ?? 'none'})`}`);
  return [
    line(header),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...body.map(line),
    '',
    ...answers,
    '',
    reasoning ? `Recommendation: ${reasoning}` : '',
  ].join('\n');
}

export async function compare(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      models: { type: 'string' },
      judge: { type: 'string' },
      user: { type: 'string', default: 'cli' },
      api: { type: 'string' },
      token: { type: 'string' },
    },
  });
  const prompt = positionals.join(' ').trim();
  if (!prompt) throw new Error('usage: switchyard compare "PROMPT" [--models a,b,c] [--judge M] [--user ID] [--api URL --token T]');
  const models = values.models
    ?.split(',')
    .map((m) => m.trim())
    .filter(Boolean);
  const api = values.api ?? process.env.SWITCHYARD_API;
  const token = values.token ?? process.env.SWITCHYARD_TOKEN;
  if (api && !token) throw new Error('--token T (or SWITCHYARD_TOKEN) is required with --api');
  const say = (text: string) => process.stderr.write(`${text}\n`);

  let stop = async () => {};
  let client: SwitchyardClient;
  if (api && token) client = new SwitchyardClient(api.replace(/\/+$/, ''), token);
  else {
    say('Starting the local stack (no --api given)…');
    const stack = await startLocalStack();
    stop = () => stack.stop();
    say(`Local stack up (${stack.mode}).`);
    client = new SwitchyardClient(stack.apiUrl, await stack.createToken('local', 'compare'));
  }
  try {
    say(`Asking ${models?.length ?? 7} models and judging their answers…`);
    const answer = await client.request('POST', '/v1/analyze', {
      prompt,
      user_id: values.user,
      ...(models ? { models } : {}),
      ...(values.judge ? { judge_model: values.judge } : {}),
    });
    if (answer.status >= 400)
      throw new Error(`POST /v1/analyze answered ${answer.status}: ${String(answer.body.message ?? JSON.stringify(answer.body)).slice(0, 300)}`);
    let rows = answer.body.results as Row[] | undefined;
    let record = answer.body.recommendation as { baseline_model: string; reasoning: string } | null | undefined;
    if (answer.status === 202) {
      const runId = String(answer.body.run_id);
      say(`Still running after the API's wait: polling ${runId}…`);
      const bar = progress();
      const done = await client.waitForReplay(runId, { onStatus: (body) => bar.update(describeReplayProgress(body)) });
      bar.done();
      const side = await client.request('GET', `/v1/replays/${runId}/results?capture=${encodeURIComponent(String(answer.body.capture_id))}`);
      const all = [side.body.baseline, ...((side.body.answers as unknown[]) ?? [])].filter(Boolean) as (Row & { error_kind?: string | null })[];
      rows = all.map((r) => ({ ...r, error: r.error_kind ?? null }));
      record = done.recommendation as typeof record;
    }
    process.stdout.write(`${renderComparison(rows ?? [], record?.baseline_model ?? '', record?.reasoning ?? null)}\n`);
    return 0;
  } finally {
    await stop();
  }
}
