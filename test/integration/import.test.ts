// `switchyard import` as a user runs it (the real CLI, a child process) against the local stack over HTTP: every
// format, bad lines reported by number, a second import that stores nothing new, gzip by extension and by magic
// bytes on stdin, a resume point, and the captures read back from the store.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultStatePath, saveState } from '../../local/import/state.js';
import type { LocalStack } from '../../local/stack.js';
import { startTestStack } from '../helpers/stack.js';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'switchyard.mjs');
const TENANT = 'importer';

let stack: LocalStack;
let token: string;
const dir = mkdtempSync(path.join(os.tmpdir(), 'switchyard-import-'));

type Run = { status: number | null; stdout: string; stderr: string };

/** Spawned, not spawnSync: the stack answering the CLI runs in this process. */
function cli(args: string[], input?: Buffer | string, env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => {
      stderr += c.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(input);
  });
}

const importCli = (file: string, format: string, input?: Buffer | string, extra: string[] = []) =>
  cli(['import', file, '--format', format, '--api', stack.apiUrl, '--token', token, ...extra], input);

const summaryOf = (run: Run) => JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}');

const chat = (content: string) => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content },
  ],
});
const answer = (id: string, content: string, created = 1_767_225_600) => ({
  id,
  object: 'chat.completion',
  created,
  model: 'gpt-4o-mini-2024-07-18',
  choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 12, completion_tokens: 4 },
});

const openaiLines = [
  { request: { ...chat('Where is my order?'), user: 'cust-1' }, response: answer('chatcmpl-it-1', 'It shipped.'), metadata: { plan: 'pro' } },
  { request: chat('Reset my password'), response: answer('chatcmpl-it-2', 'Use the link.'), metadata: { _user: 'cust-2', conversation_id: 'conv-2' } },
  'this line is not JSON',
  { request: chat('Cancel it'), response: { error: { message: 'upstream timeout' } }, status: 504 },
  {
    request: chat('Weather in Lisbon?'),
    response: {
      ...answer('chatcmpl-it-5', ''),
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, tool_calls: [{ id: 'c', type: 'function', function: { name: 'weather', arguments: '{}' } }] },
        },
      ],
    },
  },
  {
    request: {
      model: 'gpt-4o-mini',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in this picture?' },
            { type: 'image_url', image_url: { url: 'https://x/y.png' } },
          ],
        },
      ],
    },
    response: answer('chatcmpl-it-6', 'A cat.'),
  },
  {
    request: {
      model: 'gpt-4o-mini',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Part one.' },
            { type: 'text', text: 'Part two.' },
          ],
        },
      ],
    },
    response: answer('chatcmpl-it-7', 'Both parts read.'),
  },
].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));

beforeAll(async () => {
  stack = await startTestStack();
  token = await stack.createToken(TENANT, 'import test');
}, 60_000);

afterAll(async () => {
  await stack?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('switchyard import', () => {
  it('imports openai lines, reports bad lines by number, and stores nothing new the second time', async () => {
    const file = path.join(dir, 'openai.jsonl');
    writeFileSync(file, `${openaiLines.join('\n')}\n`);

    const first = await importCli(file, 'openai');
    expect(first.status, first.stderr).toBe(0);
    expect(summaryOf(first)).toMatchObject({ lines: 7, stored: 3, duplicate: 0, skipped: 1, rejected: 3 });
    expect(first.stderr).toContain('line 3: unreadable JSON');
    expect(first.stderr).toContain('line 5: tool calls are not supported yet');
    expect(first.stderr).toContain('line 6: non-text content parts (image_url) are not supported yet');
    expect(first.stderr).not.toContain('this line is not JSON');
    expect(existsSync(defaultStatePath(file))).toBe(false);

    const one = await stack.deps.captures.get(TENANT, 'openai:chatcmpl-it-1');
    expect(one).toMatchObject({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Where is my order?' },
      ],
      completion: 'It shipped.',
      usage: { input_tokens: 12, output_tokens: 4 },
      tags: { source: 'openai' },
      user: 'cust-1',
      metadata: { plan: 'pro', response_model: 'gpt-4o-mini-2024-07-18' },
      captured_at: '2026-01-01T00:00:00.000Z',
    });
    expect(await stack.deps.captures.get(TENANT, 'openai:chatcmpl-it-2')).toMatchObject({ user: 'cust-2', conversation_id: 'conv-2' });
    // Text parts keep their structure beside the joined text models are sent.
    expect((await stack.deps.captures.get(TENANT, 'openai:chatcmpl-it-7'))?.messages).toEqual([
      {
        role: 'user',
        content: 'Part one.\nPart two.',
        parts: [
          { type: 'text', text: 'Part one.' },
          { type: 'text', text: 'Part two.' },
        ],
      },
    ]);
    expect(await stack.deps.captures.get(TENANT, 'openai:chatcmpl-it-5')).toBeNull();

    const second = await importCli(file, 'openai');
    expect(second.status, second.stderr).toBe(0);
    expect(summaryOf(second)).toMatchObject({ lines: 7, stored: 0, duplicate: 3, skipped: 1, rejected: 3 });
  }, 90_000);

  it('imports a gzipped Portkey export by its extension', async () => {
    const rows = [1, 2, 3].map((i) => ({
      id: `pk-log-${i}`,
      trace_id: 'trace-pk',
      created_at: '2026-01-17 09:22:04',
      request: chat(`Portkey question ${i}`),
      response: answer(`chatcmpl-pk-${i}`, `Portkey answer ${i}`),
      ai_org: 'openai',
      ai_model: 'gpt-4o-mini',
      response_time: 640 + i,
      response_status_code: i === 3 ? 500 : 200,
      is_success: i === 3 ? 0 : 1,
      metadata: { _user: `pk-user-${i}`, feature: 'search' },
    }));
    const file = path.join(dir, 'portkey-export.jsonl.gz');
    writeFileSync(file, gzipSync(rows.map((r) => JSON.stringify(r)).join('\n')));

    const run = await importCli(file, 'portkey');
    expect(run.status, run.stderr).toBe(0);
    expect(summaryOf(run)).toMatchObject({ lines: 3, stored: 2, skipped: 1, rejected: 0 });
    expect(await stack.deps.captures.get(TENANT, 'portkey:pk-log-2')).toMatchObject({
      completion: 'Portkey answer 2',
      latency_ms: 642,
      conversation_id: 'trace-pk',
      user: 'pk-user-2',
      metadata: { feature: 'search', provider: 'openai' },
      captured_at: '2026-01-17T09:22:04.000Z',
      tags: { source: 'portkey' },
    });
  }, 60_000);

  it('imports gzipped Langfuse observations from stdin (gzip seen by its magic bytes) and plain switchyard lines', async () => {
    const observations = [
      {
        id: 'lf-obs-1',
        traceId: 'lf-trace-1',
        type: 'GENERATION',
        startTime: '2026-02-03T10:00:00.000Z',
        endTime: '2026-02-03T10:00:00.900Z',
        model: 'gpt-4o',
        input: [{ role: 'user', content: 'Langfuse prompt' }],
        output: { role: 'assistant', content: 'Langfuse answer' },
        usageDetails: { input: 5, output: 2 },
        userId: 'lf-user',
        level: 'DEFAULT',
      },
      { id: 'lf-span-1', traceId: 'lf-trace-1', type: 'SPAN', startTime: '2026-02-03T10:00:00.000Z' },
    ];
    const gz = gzipSync(observations.map((o) => JSON.stringify(o)).join('\n'));
    const langfuse = await importCli('-', 'langfuse', gz);
    expect(langfuse.status, langfuse.stderr).toBe(0);
    expect(summaryOf(langfuse)).toMatchObject({ lines: 2, stored: 1, skipped: 1 });
    expect(await stack.deps.captures.get(TENANT, 'langfuse:lf-obs-1')).toMatchObject({
      model: 'gpt-4o',
      completion: 'Langfuse answer',
      latency_ms: 900,
      conversation_id: 'lf-trace-1',
      user: 'lf-user',
    });

    const own = { id: 'sy-own-1', model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'mine' }], completion: 'ours', tags: { use_case: 'qa' } };
    const switchyard = await importCli('-', 'switchyard', `${JSON.stringify(own)}\n{"model":"x"}\n`);
    expect(switchyard.status, switchyard.stderr).toBe(0);
    expect(summaryOf(switchyard)).toMatchObject({ lines: 2, stored: 1, rejected: 1 });
    expect(switchyard.stderr).toContain('line 2: messages:');
    expect(await stack.deps.captures.get(TENANT, 'sy-own-1')).toMatchObject({ completion: 'ours', tags: { use_case: 'qa' } });
  }, 60_000);

  it('resumes after the lines a saved state says were acknowledged', async () => {
    const lines = [1, 2, 3, 4].map((i) => JSON.stringify({ request: chat(`Resume ${i}`), response: answer(`chatcmpl-resume-${i}`, `R${i}`) }));
    const file = path.join(dir, 'resume.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const info = statSync(file);
    saveState(defaultStatePath(file), {
      file,
      size: info.size,
      mtime_ms: Math.trunc(info.mtimeMs),
      format: 'openai',
      acknowledged_lines: 2,
      counts: { stored: 2, duplicate: 0, skipped: 0, rejected: 0, conflict: 0, failed: 0 },
    });

    const run = await importCli(file, 'openai');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('resuming after line 2');
    expect(summaryOf(run)).toMatchObject({ lines: 4, stored: 4 });
    expect(await stack.deps.captures.get(TENANT, 'openai:chatcmpl-resume-1')).toBeNull();
    expect(await stack.deps.captures.get(TENANT, 'openai:chatcmpl-resume-3')).not.toBeNull();
    expect(existsSync(defaultStatePath(file))).toBe(false);
  }, 60_000);

  it('exits 2 on bad arguments, naming the option (the rest of the argument checks are unit tests)', async () => {
    const run = await cli(['import', 'x.jsonl', '--api', stack.apiUrl, '--token', token]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--format: one of openai, portkey, langfuse, switchyard');
  }, 30_000);

  it('exits 1 with the reason when the API refuses the token', async () => {
    const file = path.join(dir, 'token.jsonl');
    writeFileSync(file, `${openaiLines[0]}\n`);
    const run = await cli(['import', file, '--format', 'openai'], undefined, { SWITCHYARD_API: stack.apiUrl, SWITCHYARD_TOKEN: 'sy_notAToken' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('the API refused the token (401)');
  }, 30_000);
});
