// npm run bench:import — `switchyard import` of N generated openai-format lines (default 100,000) into the local
// stack over HTTP, run as the CLI a user runs (a child process), with its peak resident memory sampled from
// /proc/<pid>/status (VmHWM). Beside it: the CLI's footprint at start (`switchyard help`) and the importer alone
// against a stand-in API that answers without storing, which separates the importer's cost from the stack's.
// Prints one JSON object as its last line. Not part of npm test.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startLocalStack } from '../local/stack.js';
import { seededRandom } from '../shared/domain/random.js';
import { silentLog } from '../shared/runtime/platform.js';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '100000' },
    concurrency: { type: 'string', default: '4' },
    seed: { type: 'string', default: '9' },
  },
});
const total = Number(values.lines);
const BIN = path.resolve(import.meta.dirname, '..', 'bin', 'switchyard.mjs');

// Synthetic traffic made up here: support questions about made-up products, answered in a few sentences.
const WORDS =
  'order parcel invoice refund warranty delivery account password subscription upgrade battery screen charger cable ' +
  'router printer laptop keyboard monitor headset camera speaker tablet backpack bottle lamp chair desk shelf kettle';
const VOCAB = WORDS.split(' ');
const MODELS = ['gpt-4o-mini', 'gpt-4o', 'claude-3.5-haiku'];

function sentence(r: () => number, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(VOCAB[Math.floor(r() * VOCAB.length)]!);
  const s = out.join(' ');
  return `${s[0]!.toUpperCase()}${s.slice(1)}.`;
}

async function writeTraffic(file: string, n: number, seed: number): Promise<void> {
  const r = seededRandom(seed);
  const out = createWriteStream(file);
  const start = Date.parse('2026-10-01T00:00:00Z') / 1000;
  for (let i = 0; i < n; i++) {
    const model = MODELS[i % MODELS.length]!;
    const question = `${sentence(r, 8 + Math.floor(r() * 12))} ${sentence(r, 6 + Math.floor(r() * 10))}?`;
    const answer = Array.from({ length: 2 + Math.floor(r() * 3) }, () => sentence(r, 8 + Math.floor(r() * 10))).join(' ');
    const line = JSON.stringify({
      request: {
        model,
        messages: [
          { role: 'system', content: 'You are a helpful support agent for an online shop. Answer briefly.' },
          { role: 'user', content: question },
        ],
        user: `user-${i % 997}`,
      },
      response: {
        id: `chatcmpl-bench-${seed}-${i}`,
        object: 'chat.completion',
        created: start + i * 7,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: answer }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 30 + Math.floor(r() * 20), completion_tokens: 20 + Math.floor(r() * 40) },
      },
      metadata: { use_case: 'support', conversation_id: `conv-${Math.floor(i / 3)}` },
    });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The process's peak resident set so far (VmHWM), in MB; null where /proc is missing. */
function peakRssMb(pid: number): number | null {
  try {
    const kb = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : null;
  } catch {
    return null;
  }
}

type Summary = { lines: number; stored: number; duplicate: number; rejected: number; seconds: number; lines_per_s: number };

/** Runs the CLI as a child process, sampling its peak resident memory; the last stdout line is its JSON summary. */
async function runCli(args: string[]): Promise<{ stdout: string; peakMb: number }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => process.stderr.write(c));
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, peakRssMb(child.pid!) ?? 0);
  }, 50);
  const [code] = (await once(child, 'exit')) as [number | null];
  clearInterval(sampler);
  if (code !== 0) throw new Error(`switchyard ${args[0]} exited with ${code}`);
  return { stdout, peakMb: peak };
}

const lastJson = (stdout: string): Summary => JSON.parse(stdout.trim().split('\n').pop()!) as Summary;

/** A stand-in API that answers every batch "stored" without storing anything: the importer's own speed. */
async function startEchoApi(): Promise<{ url: string; stop: () => Promise<void> }> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const { captures } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { captures: { id: string }[] };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({ stored: captures.length, duplicates: 0, rejected: 0, results: captures.map((c, index) => ({ index, status: 'stored', id: c.id })) }),
      );
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, stop: () => new Promise((r) => server.close(() => r())) };
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-bench-import-'));
const file = path.join(dir, 'traffic.jsonl');
const importArgs = (api: string, token: string) => ['import', file, '--format', 'openai', '--api', api, '--token', token, '--concurrency', values.concurrency];
try {
  await writeTraffic(file, total, Number(values.seed));

  // 1. The CLI's own footprint before it reads anything, and the importer alone against an API that stores nothing.
  const startup = await runCli(['help']);
  const echo = await startEchoApi();
  const alone = await runCli(importArgs(echo.url, 'bench')).finally(() => echo.stop());
  const aloneSummary = lastJson(alone.stdout);

  // 2. The real thing: the local stack (API, capture handler, dynalite) storing every capture.
  const stack = await startLocalStack({ forceSimulator: true, log: silentLog });
  try {
    const token = await stack.createToken('bench-import');
    const run = await runCli(importArgs(stack.apiUrl, token));
    const summary = lastJson(run.stdout);
    // Spot checks that the captures are really there.
    for (const i of [0, Math.floor(total / 2), total - 1]) {
      if (!(await stack.deps.captures.get('bench-import', `openai:chatcmpl-bench-${values.seed}-${i}`))) throw new Error(`capture ${i} is not stored`);
    }
    console.log(
      JSON.stringify({
        bench: 'import',
        lines: summary.lines,
        seconds: summary.seconds,
        lines_per_s: summary.lines_per_s,
        peak_rss_mb: Number(run.peakMb.toFixed(1)),
        stored: summary.stored,
        duplicate: summary.duplicate,
        rejected: summary.rejected,
        file_mb: Number((statSync(file).size / 1_048_576).toFixed(1)),
        concurrency: Number(values.concurrency),
        cli_startup_rss_mb: Number(startup.peakMb.toFixed(1)),
        importer_only_lines_per_s: aloneSummary.lines_per_s,
        importer_only_peak_rss_mb: Number(alone.peakMb.toFixed(1)),
      }),
    );
  } finally {
    await stack.stop();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
