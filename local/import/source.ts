// The file being imported, read line by line as a stream: a path or `-` (stdin), gunzipped when the name ends in .gz
// or the first bytes are gzip's magic number. Counts the bytes read so progress can show how far through the file it is.
import { once } from 'node:events';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export type Fingerprint = { file: string; size: number; mtime_ms: number };

export type LineSource = {
  lines: AsyncIterable<string>;
  /** bytes of the file read so far (compressed bytes for a .gz) */
  bytesRead(): number;
  /** the file's size, when known (not for stdin) */
  totalBytes: number | null;
  /** identifies the file for resuming (not for stdin) */
  fingerprint: Fingerprint | null;
  gzip: boolean;
  close(): void;
};

const GZIP_MAGIC = [0x1f, 0x8b];

/** The stream's first chunk, left in place: enough to see gzip's magic bytes. */
async function peek(stream: Readable): Promise<Buffer | null> {
  for (;;) {
    const chunk: Buffer | null = stream.read();
    if (chunk !== null) {
      stream.unshift(chunk);
      return chunk;
    }
    if (stream.readableEnded || stream.destroyed) return null;
    await Promise.race([once(stream, 'readable'), once(stream, 'end')]);
  }
}

export async function openLines(file: string, stdin: Readable = process.stdin): Promise<LineSource> {
  const info = file === '-' ? null : await stat(file);
  if (info && !info.isFile()) throw new Error(`${file} is not a file`);
  const raw = file === '-' ? stdin : createReadStream(file, { highWaterMark: 256 * 1024 });
  let bytes = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  // Errors anywhere (an unreadable file, a corrupt gzip stream) end the last stream with that error, and the line
  // iterator throws it.
  raw.once('error', (e: Error) => counter.destroy(e));
  raw.pipe(counter);
  const first = await peek(counter);
  const gzip = file.endsWith('.gz') || (first !== null && first[0] === GZIP_MAGIC[0] && first[1] === GZIP_MAGIC[1]);
  const gunzip = gzip ? createGunzip() : null;
  if (gunzip) pipeline(counter, gunzip).catch(() => {}); // the gunzip stream carries the error to the line iterator
  // An empty input has already ended during the peek: readline would wait for an 'end' that has passed.
  const lines = first === null ? null : createInterface({ input: gunzip ?? counter, crlfDelay: Number.POSITIVE_INFINITY });
  // The iterator is taken now: it buffers (and pauses the stream) until read, whereas lines emitted before a
  // `for await` starts would be lost.
  const iterator: AsyncIterator<string> = lines ? lines[Symbol.asyncIterator]() : (async function* () {})();
  return {
    lines: { [Symbol.asyncIterator]: () => iterator },
    bytesRead: () => bytes,
    totalBytes: info ? info.size : null,
    fingerprint: info ? { file: path.resolve(file), size: info.size, mtime_ms: Math.trunc(info.mtimeMs) } : null,
    gzip,
    close() {
      lines?.close();
      gunzip?.destroy();
      counter.destroy();
      if (raw !== stdin) raw.destroy();
    },
  };
}
