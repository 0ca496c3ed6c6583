// The import pipeline against a stand-in API (a fetch function): batches, concurrency, per-line reports (ours and the
// API's, by line number), retries, a fatal stop with the resume point saved, and resuming from it.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ImportOptions, importFile } from '../../../local/import/run-import.js';
import { ImportFatalError } from '../../../local/import/sender.js';
import { defaultStatePath } from '../../../local/import/state.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'import-run-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const good = (i: number, completion = `Answer ${i}.`) =>
  JSON.stringify({
    request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Question ${i}?` }] },
    response: { id: `chatcmpl-${i}`, created: 1_767_225_600 + i, choices: [{ message: { role: 'assistant', content: completion } }] },
  });

function writeLines(name: string, lines: string[]): string {
  const file = path.join(dir, name);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

type Call = { captures: { id: string; completion: string }[] };

/** A stand-in for POST /v1/captures: stores ids once, refuses a capture whose completion says so, counts what is in flight. */
function fakeApi(answer?: (call: number, body: Call) => Response | undefined) {
  const stored = new Set<string>();
  const calls: Call[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const fetch = (async (_url: string | URL | Request, init?: RequestInit) => {
    const body = JSON.parse(String(init?.body)) as Call;
    calls.push(body);
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((r) => setTimeout(r, 5));
    inFlight--;
    const special = answer?.(calls.length, body);
    if (special) return special;
    const results = body.captures.map((c, index) => {
      if (c.completion === 'REFUSE ME') {
        return { index, status: 'rejected', error: { status: 413, error: 'capture_too_large', message: `captures[${index}].messages: capture is too large` } };
      }
      const status = stored.has(c.id) ? 'duplicate' : 'stored';
      stored.add(c.id);
      return { index, status, id: c.id };
    });
    return Response.json({ results }, { status: results.some((r) => r.status === 'rejected') ? 207 : 200 });
  }) as typeof globalThis.fetch;
  return { fetch, calls, stored, maxInFlight: () => maxInFlight };
}

const options = (file: string, over: Partial<ImportOptions> = {}): ImportOptions => ({
  file,
  format: 'openai',
  api: 'http://api.test',
  token: 'sy_test',
  statePath: defaultStatePath(file),
  restart: false,
  concurrency: 2,
  batchSize: 100,
  ...over,
});

const stderr = () => ({
  text: '',
  write(t: string) {
    this.text += t;
  },
});

const noSleep = async () => {};

describe('importFile', () => {
  it('sends batches, reports every refused line by number, and stores nothing new the second time', async () => {
    const lines = Array.from({ length: 250 }, (_, i) => good(i + 1));
    lines[2] = 'not json {';
    lines[9] = JSON.stringify({
      request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'weather?' }] },
      response: { id: 'x', choices: [{ message: { role: 'assistant', content: null, tool_calls: [{ id: 't', type: 'function', function: { name: 'f' } }] } }] },
    });
    lines[49] = JSON.stringify({
      request: { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'q' }] },
      response: { error: { message: 'x' } },
      status: 500,
    });
    lines[119] = good(120, 'REFUSE ME');
    lines[200] = '';
    const file = writeLines('mixed.jsonl', lines);
    const api = fakeApi();
    const err = stderr();

    const first = await importFile(options(file), { stderr: err, fetch: api.fetch });

    expect(first).toMatchObject({ lines: 250, stored: 245, duplicate: 0, skipped: 2, rejected: 3 });
    expect(err.text).toContain('line 3: unreadable JSON\n');
    expect(err.text).not.toContain('not json');
    expect(err.text).toContain('line 10: tool calls are not supported yet\n');
    expect(err.text).toContain('line 120: rejected by the API: 413 messages: capture is too large\n');
    expect(err.text).toMatch(/2 skipped \(1 failed call \(status 500\), 1 blank line\)/);
    expect(api.calls.map((c) => c.captures.length)).toEqual([100, 100, 46]);
    expect(api.maxInFlight()).toBeLessThanOrEqual(2);
    expect(existsSync(defaultStatePath(file))).toBe(false);

    const second = await importFile(options(file), { stderr: stderr(), fetch: api.fetch });
    expect(second).toMatchObject({ lines: 250, stored: 0, duplicate: 245, skipped: 2, rejected: 3 });
  });

  it('keeps at most `concurrency` batches in flight', async () => {
    const file = writeLines(
      'many.jsonl',
      Array.from({ length: 400 }, (_, i) => good(i)),
    );
    const api = fakeApi();
    await importFile(options(file, { batchSize: 10, concurrency: 3 }), { stderr: stderr(), fetch: api.fetch });
    expect(api.calls).toHaveLength(40);
    expect(api.maxInFlight()).toBe(3);
  });

  it('retries throttling and server errors, honouring Retry-After', async () => {
    const file = writeLines('retry.jsonl', [good(1), good(2)]);
    const api = fakeApi((call) =>
      call === 1
        ? new Response('{"message":"Service Unavailable"}', { status: 503 })
        : call === 2
          ? new Response('{}', { status: 429, headers: { 'retry-after': '2' } })
          : undefined,
    );
    const delays: number[] = [];
    const summary = await importFile(options(file), {
      stderr: stderr(),
      fetch: api.fetch,
      sleep: async (ms) => {
        delays.push(ms);
      },
    });
    expect(summary.stored).toBe(2);
    expect(delays[0]).toBeGreaterThanOrEqual(500);
    expect(delays[1]).toBe(2000);
  });

  it('stops on a fatal answer with the acknowledged lines saved, and resumes after them', async () => {
    const file = writeLines(
      'resume.jsonl',
      Array.from({ length: 35 }, (_, i) => good(i + 1)),
    );
    const failing = fakeApi((call) => (call === 2 ? Response.json({ message: 'Unauthorized' }, { status: 401 }) : undefined));

    const stopped = importFile(options(file, { batchSize: 10, concurrency: 1 }), { stderr: stderr(), fetch: failing.fetch, sleep: noSleep });
    await expect(stopped).rejects.toThrow(ImportFatalError);
    await expect(stopped).rejects.toThrow(/refused the token \(401\).*10 line\(s\) acknowledged; state saved in/);
    const state = JSON.parse(readFileSync(defaultStatePath(file), 'utf8'));
    expect(state).toMatchObject({ acknowledged_lines: 10, format: 'openai', counts: { stored: 10 } });

    const api = fakeApi();
    const err = stderr();
    const resumed = await importFile(options(file, { batchSize: 10, concurrency: 1 }), { stderr: err, fetch: api.fetch });
    expect(err.text).toContain('resuming after line 10');
    expect(api.calls.flatMap((c) => c.captures.map((x) => x.id))).toEqual(Array.from({ length: 25 }, (_, i) => `openai:chatcmpl-${i + 11}`));
    expect(resumed).toMatchObject({ lines: 35, stored: 35 });
    expect(existsSync(defaultStatePath(file))).toBe(false);
  });

  it('ignores a state file written for another file, and all state with restart', async () => {
    const file = writeLines('other.jsonl', [good(1), good(2), good(3)]);
    const statePath = defaultStatePath(file);
    const state = {
      version: 1,
      file,
      size: 1,
      mtime_ms: 1,
      format: 'openai',
      acknowledged_lines: 2,
      counts: { stored: 2, duplicate: 0, skipped: 0, rejected: 0 },
      updated_at: '',
    };
    writeFileSync(statePath, JSON.stringify(state));
    const err = stderr();
    expect(await importFile(options(file), { stderr: err, fetch: fakeApi().fetch })).toMatchObject({ stored: 3 });
    expect(err.text).toContain('it was written for a different file');

    const api = fakeApi();
    await importFile(options(file), { stderr: stderr(), fetch: api.fetch });
    writeFileSync(statePath, JSON.stringify(state));
    await importFile(options(file, { restart: true }), { stderr: stderr(), fetch: api.fetch });
    expect(api.calls.flatMap((c) => c.captures)).toHaveLength(6);
  });

  it('splits batches by size, and rejects a capture no request could carry', async () => {
    const file = writeLines('big.jsonl', [good(1, 'a'.repeat(3000)), good(2, 'b'.repeat(3000)), good(3, 'c'.repeat(3000)), good(4, 'd'.repeat(9000)), good(5)]);
    const api = fakeApi();
    const err = stderr();
    const summary = await importFile(options(file, { maxBatchBytes: 7000 }), { stderr: err, fetch: api.fetch });
    expect(summary).toMatchObject({ stored: 4, rejected: 1 });
    expect(err.text).toContain('line 4: capture is 9 kB as JSON; a request to the API carries at most 7 kB');
    expect(api.calls.map((c) => c.captures.map((x) => x.id.slice(-1)))).toEqual([
      ['1', '2'],
      ['3', '5'],
    ]);
  });

  it('lists the first rejected lines and counts the rest', async () => {
    const file = writeLines(
      'bad.jsonl',
      Array.from({ length: 8 }, () => '{'),
    );
    const err = stderr();
    const summary = await importFile(options(file), { stderr: err, fetch: fakeApi().fetch, reportLimit: 3 });
    expect(summary.rejected).toBe(8);
    expect(err.text.match(/unreadable JSON/g)).toHaveLength(3);
    expect(err.text).toContain('… and 5 more rejected line(s) not listed');
  });
});
