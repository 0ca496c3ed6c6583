// `switchyard import FILE --format F --api URL --token T`: arguments, exit codes (0 done, 1 fatal, 2 bad arguments,
// 130 interrupted) and the JSON summary on stdout.
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { IMPORT_FORMATS, isImportFormat } from './formats/index.js';
import { ImportInterrupted, importFile } from './run-import.js';
import { defaultStatePath } from './state.js';

export const IMPORT_USAGE =
  'usage: switchyard import FILE|- --format openai|portkey|langfuse|switchyard [--api URL] [--token T] [--state PATH] [--restart] [--concurrency N] [--batch-size N]';

type Io = {
  env?: NodeJS.ProcessEnv;
  stdout?: { write(text: string): unknown };
  stderr?: { write(text: string): unknown; isTTY?: boolean };
};

function wholeNumber(value: string, option: string, lo: number, hi: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < lo || n > hi) throw new UsageError(`${option}: a whole number from ${lo} to ${hi}`);
  return n;
}

class UsageError extends Error {}

async function parse(args: string[], env: NodeJS.ProcessEnv) {
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(args);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'FILE: give the file to import, or - for stdin' : 'FILE: give one file');
  const file = positionals[0]!;
  if (!isImportFormat(values.format)) throw new UsageError(`--format: one of ${IMPORT_FORMATS.join(', ')}`);
  const api = values.api ?? env.SWITCHYARD_API;
  if (!api) throw new UsageError('--api: the API URL is required (or set SWITCHYARD_API)');
  let url: URL;
  try {
    url = new URL(api);
  } catch {
    throw new UsageError(`--api: not a URL: ${api}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError('--api: an http(s) URL');
  const token = values.token ?? env.SWITCHYARD_TOKEN;
  if (!token) throw new UsageError('--token: a bearer token is required (or set SWITCHYARD_TOKEN)');
  if (file === '-' && values.state) throw new UsageError('--state: not available when reading stdin (nothing to resume)');
  if (file !== '-') {
    const info = await stat(file).catch(() => null);
    if (!info?.isFile()) throw new UsageError(`FILE: ${file} is not a readable file`);
  }
  return {
    file,
    format: values.format,
    api: api.replace(/\/+$/, ''),
    token,
    statePath: file === '-' ? null : (values.state ?? defaultStatePath(file)),
    restart: values.restart,
    concurrency: wholeNumber(values.concurrency, '--concurrency', 1, 16),
    batchSize: wholeNumber(values['batch-size'], '--batch-size', 1, 100),
  };
}

function parseOptions(args: string[]) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      api: { type: 'string' },
      token: { type: 'string' },
      state: { type: 'string' },
      restart: { type: 'boolean', default: false },
      concurrency: { type: 'string', default: '4' },
      'batch-size': { type: 'string', default: '100' },
    },
  });
}

export async function importCommand(args: string[], io: Io = {}): Promise<number> {
  const stdout = io.stdout ?? process.stdout;
  const stderr = io.stderr ?? process.stderr;
  let options: Awaited<ReturnType<typeof parse>>;
  try {
    options = await parse(args, io.env ?? process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    stderr.write(`switchyard import: ${error.message}\n${IMPORT_USAGE}\n`);
    return 2;
  }
  // Ctrl-C stops reading, lets the batches in flight finish and saves the resume point.
  const interrupt = new AbortController();
  const onSignal = () => interrupt.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const summary = await importFile(options, { stderr, signal: interrupt.signal });
    stdout.write(`${JSON.stringify(summary)}\n`);
    return 0;
  } catch (error) {
    stderr.write(`switchyard import: ${error instanceof Error ? error.message : String(error)}\n`);
    return error instanceof ImportInterrupted ? 130 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
