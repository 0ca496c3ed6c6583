// `switchyard compare` as a user runs it, with no account: it starts a local stack, asks the models through
// POST /v1/analyze and prints their answers side by side.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = path.resolve(import.meta.dirname, '..', '..', 'bin', 'switchyard.mjs');

function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', PORTKEY_API_KEY: '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('switchyard compare', () => {
  it('prints a side-by-side table, every answer and the one-prompt verdict, with its stages on stderr', async () => {
    const out = await run(['compare', 'Give me two tips for writing a clear bug report.', '--models', 'gpt-4o-mini,claude-3.5-haiku']);
    expect(out.status).toBe(0);
    expect(out.stderr).toContain('Asking 2 models');
    const lines = out.stdout.split('\n');
    expect(lines[0]).toMatch(/^model\s+role\s+cost\s+quality\s+refusal\s+latency ms\s+error$/);
    expect(lines.find((l) => l.startsWith('gpt-4o-mini '))).toMatch(/baseline\s+\$\d+\.\d{6}\s+\d\.\d{3}\s+none/);
    expect(out.stdout).toContain('── claude-3.5-haiku');
    expect(out.stdout).toContain('Recommendation: Stay on gpt-4o-mini: one judged prompt cannot support a switch');
  }, 90_000);

  it('names what is wrong with its arguments', async () => {
    const out = await run(['compare']);
    expect(out.status).not.toBe(0);
    expect(out.stderr).toContain('usage: switchyard compare');
  }, 30_000);
});
