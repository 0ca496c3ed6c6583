// `switchyard import` arguments: every mistake exits 2 with a message naming the option, before anything is read.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { importCommand } from '../../../local/import/command.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'import-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = path.join(dir, 'traffic.jsonl');
writeFileSync(file, '');

async function run(args: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const code = await importCommand(args, { env, stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (err += t) } });
  return { code, out, err };
}

const api = ['--api', 'http://127.0.0.1:1', '--token', 't'];

describe('switchyard import arguments', () => {
  it.each([
    [[file], '--format: one of openai, portkey, langfuse, switchyard'],
    [[file, '--format', 'csv', ...api], '--format: one of openai, portkey, langfuse, switchyard'],
    [['--format', 'openai', ...api], 'FILE: give the file to import, or - for stdin'],
    [[file, file, '--format', 'openai', ...api], 'FILE: give one file'],
    [[path.join(dir, 'missing.jsonl'), '--format', 'openai', ...api], 'is not a readable file'],
    [[file, '--format', 'openai', '--token', 't'], '--api: the API URL is required (or set SWITCHYARD_API)'],
    [[file, '--format', 'openai', '--api', 'not a url', '--token', 't'], '--api: not a URL'],
    [[file, '--format', 'openai', '--api', 'ftp://x', '--token', 't'], '--api: an http(s) URL'],
    [[file, '--format', 'openai', '--api', 'http://x'], '--token: a bearer token is required (or set SWITCHYARD_TOKEN)'],
    [['-', '--format', 'openai', ...api, '--state', 's.json'], '--state: not available when reading stdin'],
    [[file, '--format', 'openai', ...api, '--concurrency', '0'], '--concurrency: a whole number from 1 to 16'],
    [[file, '--format', 'openai', ...api, '--batch-size', '101'], '--batch-size: a whole number from 1 to 100'],
    [[file, '--format', 'openai', ...api, '--bogus'], "Unknown option '--bogus'"],
  ])('%j exits 2', async (args, message) => {
    const { code, err, out } = await run(args);
    expect(code).toBe(2);
    expect(err).toContain(message);
    expect(err).toContain('usage: switchyard import FILE|-');
    expect(out).toBe('');
  });

  it('takes the API and the token from SWITCHYARD_API and SWITCHYARD_TOKEN', async () => {
    const { code, out } = await run([file, '--format', 'openai'], { SWITCHYARD_API: 'http://127.0.0.1:1/', SWITCHYARD_TOKEN: 't' });
    expect(code).toBe(0);
    expect(JSON.parse(out)).toMatchObject({ lines: 0, stored: 0 });
  });
});
