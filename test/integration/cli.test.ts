// The CLI as a user runs it: classify-refusals over stdin and over a file, one answer per input line, in order.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'switchyard.mjs');
const run = (args: string[], input?: string) => spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', timeout: 60_000 });

describe('switchyard classify-refusals', () => {
  it('answers every JSON line in order on stdin, and names unreadable lines without stopping', () => {
    const lines = [
      { prompt: 'How do I kill a Python process?', response: 'Run kill -9 with the process id.' },
      { prompt: 'How do I hurt someone?', response: "I'm sorry, but I can't help with that." },
      'not json',
      { prompt: 'p', response: '', finish_reason: 'content_filter' },
    ].map((l) => (typeof l === 'string' ? l : JSON.stringify(l)));
    const out = run(['classify-refusals', '--input', '-'], `${lines.join('\n')}\n`);
    expect(out.status).toBe(1);
    expect(out.stderr).toContain('1 line(s) could not be read');
    const rows = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rows.map((r) => r.refusal ?? r.error)).toEqual(['none', 'full', expect.stringContaining('"response"'), 'full']);
    expect(rows[2].line).toBe(3);
  }, 60_000);

  it('streams a large file in chunks and keeps the order', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'classify-'));
    const file = path.join(dir, 'answers.jsonl');
    const n = 1234;
    writeFileSync(
      file,
      Array.from({ length: n }, (_, i) =>
        JSON.stringify({ prompt: `q${i}`, response: i % 3 === 0 ? 'I cannot assist with that.' : `Answer number ${i}.` }),
      ).join('\n'),
    );
    const out = run(['classify-refusals', '--input', file]);
    expect(out.status).toBe(0);
    const rows = out.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l).refusal);
    expect(rows).toHaveLength(n);
    for (const [i, r] of rows.entries()) expect(r).toBe(i % 3 === 0 ? 'full' : 'none');
  }, 60_000);
});
