// `switchyard import`: streams a file of JSON lines through a format's mapper into batches for POST /v1/captures,
// a few batches in flight at a time, in bounded memory. Lines are acknowledged in order: the state file records the
// longest prefix of lines whose batches the API has answered, so a stopped import resumes after it.
import type { Readable } from 'node:stream';
import { type ImportCapture, validateCapture } from './formats/common.js';
import { type ImportFormat, MAPPERS } from './formats/index.js';
import { ImportProgress } from './progress.js';
import { ImportFatalError, postBatch, type Sender } from './sender.js';
import { openLines } from './source.js';
import { addCounts, type Counts, loadState, removeState, saveState, zeroCounts } from './state.js';

export type ImportOptions = {
  file: string;
  format: ImportFormat;
  api: string;
  token: string;
  /** where the resume point is kept; null: not kept (stdin) */
  statePath: string | null;
  restart: boolean;
  /** batches in flight at once */
  concurrency: number;
  /** captures per request (the API takes at most 100) */
  batchSize: number;
  /** JSON bytes per request: under API Gateway's and Lambda's payload limits */
  maxBatchBytes?: number;
};

export type ImportEnv = {
  stderr: { write(text: string): unknown; isTTY?: boolean };
  stdin?: Readable;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  signal?: AbortSignal;
  /** rejected lines listed one by one before only counting them */
  reportLimit?: number;
  progress?: { tty?: boolean; plainEveryMs?: number; plainEveryLines?: number };
};

export type ImportSummary = Counts & { lines: number; seconds: number; lines_per_s: number };

export class ImportInterrupted extends Error {
  override readonly name = 'ImportInterrupted';
}

const MAX_BATCH_BYTES = 5 * 1024 * 1024;

/** Lines between two batch boundaries: done when the batch that closes them is answered. */
type Segment = { upTo: number; done: boolean; counts: Counts };
type Batch = { lines: number[]; json: string[]; bytes: number };

const emptyBatch = (): Batch => ({ lines: [], json: [], bytes: 0 });

export async function importFile(options: ImportOptions, env: ImportEnv): Promise<ImportSummary> {
  const started = performance.now();
  const mapper = MAPPERS[options.format];
  const maxBytes = options.maxBatchBytes ?? MAX_BATCH_BYTES;
  const reportLimit = env.reportLimit ?? 50;
  const source = await openLines(options.file, env.stdin);
  let lineNo = 0;

  // What the API has acknowledged (saved in the state file) and what this run has seen so far (shown as progress).
  const acked = zeroCounts();
  const live = zeroCounts();
  let acknowledged = 0;
  const skipReasons = new Map<string, number>();
  let reported = 0;
  const progress = new ImportProgress(
    env.stderr,
    () => ({ lines: lineNo, ...live, bytes: source.bytesRead(), totalBytes: source.totalBytes }),
    env.progress ?? {},
  );
  const note = (text: string) => progress.note(text);

  const statePath = source.fingerprint ? options.statePath : null;
  if (statePath && source.fingerprint && !options.restart) {
    const resume = await loadState(statePath, source.fingerprint, options.format);
    if (resume.kind === 'resume') {
      acknowledged = resume.state.acknowledged_lines;
      addCounts(acked, resume.state.counts);
      addCounts(live, resume.state.counts);
      note(`resuming after line ${acknowledged} (state in ${statePath}; --restart to start over)`);
    } else if (resume.kind === 'mismatch') {
      note(`ignoring ${statePath}: ${resume.why}; starting from the first line`);
    }
  }
  const resumeAfter = acknowledged;

  let stateWritable = statePath !== null;
  let lastSave = 0;
  const save = (force: boolean) => {
    if (!statePath || !source.fingerprint || !stateWritable) return;
    if (!force && performance.now() - lastSave < 1000) return;
    lastSave = performance.now();
    try {
      saveState(statePath, { ...source.fingerprint, format: options.format, acknowledged_lines: acknowledged, counts: acked });
    } catch (error) {
      stateWritable = false;
      note(`could not write ${statePath} (${error instanceof Error ? error.message : String(error)}): this import cannot be resumed`);
    }
  };

  const ledger: Segment[] = [];
  let open: Segment = { upTo: 0, done: false, counts: zeroCounts() };
  let batch = emptyBatch();
  const inFlight = new Set<Promise<void>>();
  let fatal: Error | undefined;
  const sender: Sender = {
    api: options.api,
    token: options.token,
    fetch: env.fetch,
    sleep: env.sleep,
    onRetry: (attempt, why, delay) => note(`batch attempt ${attempt} failed (${why}); retrying in ${(delay / 1000).toFixed(1)} s`),
  };

  const advance = () => {
    while (ledger[0]?.done) {
      const segment = ledger.shift()!;
      acknowledged = segment.upTo;
      addCounts(acked, segment.counts);
    }
    save(false);
  };

  const count = (segment: Segment, kind: keyof Counts) => {
    segment.counts[kind]++;
    live[kind]++;
  };
  const rejectLine = (segment: Segment, line: number, reason: string, kind: 'rejected' | 'conflict' | 'failed' = 'rejected') => {
    count(segment, kind);
    if (++reported <= reportLimit) note(`line ${line}: ${reason}`);
  };
  const skipLine = (reason: string) => {
    count(open, 'skipped');
    skipReasons.set(reason, (skipReasons.get(reason) ?? 0) + 1);
  };

  /** Closes the open segment at `upTo` and sends its batch. */
  const seal = (upTo: number) => {
    const segment = open;
    segment.upTo = upTo;
    ledger.push(segment);
    open = { upTo: 0, done: false, counts: zeroCounts() };
    const sent = batch;
    batch = emptyBatch();
    if (sent.lines.length === 0) {
      segment.done = true;
      advance();
      return;
    }
    const body = `{"captures":[${sent.json.join(',')}]}`;
    const request: Promise<void> = postBatch(sender, body, sent.lines.length)
      .then(
        (results) => {
          for (const [i, result] of results.entries()) {
            if (!('reason' in result)) count(segment, result.status);
            else
              rejectLine(segment, sent.lines[i]!, `${result.status === 'rejected' ? 'rejected' : result.status} by the API: ${result.reason}`, result.status);
          }
          segment.done = true;
          advance();
        },
        (error: unknown) => {
          fatal ??= error instanceof Error ? error : new Error(String(error));
        },
      )
      .finally(() => inFlight.delete(request));
    inFlight.add(request);
  };
  const sendWhenFree = async (upTo: number) => {
    while (inFlight.size >= options.concurrency) await Promise.race(inFlight);
    if (!fatal) seal(upTo);
  };

  progress.start();

  let readError: unknown;
  try {
    for await (const line of source.lines) {
      lineNo++;
      if (lineNo <= resumeAfter) continue;
      if (resumeAfter > 0 && lineNo === resumeAfter + 1) progress.rebase(resumeAfter, source.bytesRead());
      if (fatal || env.signal?.aborted) break;
      progress.onLine(lineNo);
      if (line.trim() === '') {
        skipLine('blank line');
        continue;
      }
      let record: unknown;
      try {
        record = JSON.parse(line);
      } catch {
        // The parser's message quotes the line: never echo captured text.
        rejectLine(open, lineNo, 'unreadable JSON');
        continue;
      }
      let capture: ImportCapture;
      try {
        const outcome = mapper(record, line);
        if (outcome.kind === 'skip') {
          skipLine(outcome.reason);
          continue;
        }
        if (outcome.kind === 'reject') {
          rejectLine(open, lineNo, outcome.reason);
          continue;
        }
        const checked = options.format === 'switchyard' ? { ok: true as const, capture: outcome.capture } : validateCapture(outcome.capture);
        if (!checked.ok) {
          rejectLine(open, lineNo, checked.reason);
          continue;
        }
        capture = outcome.capture;
      } catch (error) {
        throw new ImportFatalError(`line ${lineNo}: could not be mapped (${error instanceof Error ? error.message : String(error)})`);
      }
      const json = JSON.stringify(capture);
      const bytes = Buffer.byteLength(json);
      if (bytes + 32 > maxBytes) {
        rejectLine(open, lineNo, `capture is ${size(bytes)} as JSON; a request to the API carries at most ${size(maxBytes)}`);
        continue;
      }
      if (batch.lines.length > 0 && batch.bytes + bytes + 32 > maxBytes) await sendWhenFree(lineNo - 1);
      if (fatal) break;
      batch.lines.push(lineNo);
      batch.json.push(json);
      batch.bytes += bytes + 1;
      if (batch.lines.length >= options.batchSize) await sendWhenFree(lineNo);
    }
    if (!fatal && !env.signal?.aborted) await sendWhenFree(lineNo);
  } catch (error) {
    readError = error;
  } finally {
    source.close();
  }
  await Promise.all(inFlight);
  progress.stop();

  const where =
    statePath && stateWritable ? `state saved in ${statePath}: run the same command again to resume` : 'run it again: what was stored is answered duplicate';
  if (readError instanceof ImportFatalError) fatal ??= readError;
  else if (readError)
    fatal ??= new ImportFatalError(`reading ${options.file === '-' ? 'stdin' : options.file} failed after line ${lineNo}: ${errorText(readError)}`);
  if (fatal) {
    save(true);
    throw new ImportFatalError(`${fatal.message}. ${acknowledged} line(s) acknowledged; ${where}`);
  }
  if (env.signal?.aborted) {
    save(true);
    throw new ImportInterrupted(`interrupted after ${acknowledged} acknowledged line(s); ${where}`);
  }
  if (statePath) removeState(statePath);

  const seconds = (performance.now() - started) / 1000;
  const summary: ImportSummary = {
    lines: lineNo,
    ...acked,
    seconds: Number(seconds.toFixed(2)),
    lines_per_s: seconds > 0 ? Math.round((lineNo - resumeAfter) / seconds) : 0,
  };
  if (reported > reportLimit) note(`… and ${reported - reportLimit} more rejected line(s) not listed`);
  const skips = [...skipReasons].map(([reason, k]) => `${k} ${reason}`).join(', ');
  note(
    `import ${options.format}: ${summary.lines} lines in ${summary.seconds} s (${summary.lines_per_s} lines/s): ${summary.stored} stored, ` +
      `${summary.duplicate} duplicate, ${summary.skipped} skipped${skips ? ` (${skips})` : ''}, ${summary.rejected} rejected` +
      (summary.conflict || summary.failed ? `, ${summary.conflict} conflict, ${summary.failed} failed (not stored)` : ''),
  );
  return summary;
}

const size = (bytes: number) => (bytes >= 1_048_576 ? `${(bytes / 1_048_576).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} kB`);

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
