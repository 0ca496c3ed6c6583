// Reading the file to import: plain or gzip (by extension or by its magic bytes), from a path or stdin, as a stream.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { openLines } from '../../../local/import/source.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'import-source-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const body = `${Array.from({ length: 2500 }, (_, i) => JSON.stringify({ n: i, text: `line ${i}` })).join('\n')}\n`;

async function readAll(file: string, stdin?: Readable) {
  const source = await openLines(file, stdin);
  const lines: string[] = [];
  try {
    for await (const line of source.lines) lines.push(line);
  } finally {
    source.close();
  }
  return { lines, source };
}

describe('openLines', () => {
  it.each([
    ['a plain file', 'plain.jsonl', Buffer.from(body), false],
    ['a .gz file', 'traffic.jsonl.gz', gzipSync(body), true],
    ['gzip without the extension (magic bytes)', 'traffic.export', gzipSync(body), true],
    ['CRLF line ends', 'crlf.jsonl', Buffer.from(body.replaceAll('\n', '\r\n')), false],
  ])('reads %s line by line', async (_, name, bytes, gzip) => {
    const file = path.join(dir, name);
    writeFileSync(file, bytes);
    const { lines, source } = await readAll(file);
    expect(lines).toHaveLength(2500);
    expect(JSON.parse(lines[2499]!)).toEqual({ n: 2499, text: 'line 2499' });
    expect(source.gzip).toBe(gzip);
    expect(source.totalBytes).toBe(bytes.length);
    expect(source.bytesRead()).toBe(bytes.length);
    expect(source.fingerprint).toMatchObject({ file, size: bytes.length });
  });

  it.each([
    ['plain', Buffer.from(body)],
    ['gzip', gzipSync(body)],
  ])('reads %s stdin (-), with no size and nothing to resume', async (_, bytes) => {
    const { lines, source } = await readAll('-', Readable.from([bytes.subarray(0, 100), bytes.subarray(100)]));
    expect(lines).toHaveLength(2500);
    expect(source.totalBytes).toBeNull();
    expect(source.fingerprint).toBeNull();
  });

  it('reads an empty file as no lines', async () => {
    const file = path.join(dir, 'empty.jsonl');
    writeFileSync(file, '');
    expect((await readAll(file)).lines).toEqual([]);
  });

  it('fails on a corrupt gzip stream instead of stopping quietly', async () => {
    const file = path.join(dir, 'corrupt.jsonl.gz');
    writeFileSync(file, Buffer.concat([gzipSync(body).subarray(0, 200)]));
    await expect(readAll(file)).rejects.toThrow(/unexpected end of file/);
  });

  it('fails on a missing file', async () => {
    await expect(openLines(path.join(dir, 'nope.jsonl'))).rejects.toThrow(/ENOENT/);
  });
});
