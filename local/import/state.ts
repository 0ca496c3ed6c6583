// The resume point of an import: how many lines of which file the API has fully acknowledged, and the counts so far.
// Written beside the file (FILE.import-state.json) as the import goes, deleted when it completes.
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as z from '../../shared/schemas/zod.js';
import type { Fingerprint } from './source.js';

export const CountsSchema = z.object({
  stored: z.number().check(z.int(), z.nonnegative()),
  duplicate: z.number().check(z.int(), z.nonnegative()),
  skipped: z.number().check(z.int(), z.nonnegative()),
  rejected: z.number().check(z.int(), z.nonnegative()),
  /** ids the API already holds with different content (409 per item): not overwritten */
  conflict: z._default(z.number().check(z.int(), z.nonnegative()), 0),
  /** items whose write failed on the server: not stored; importing the file again sends them again */
  failed: z._default(z.number().check(z.int(), z.nonnegative()), 0),
});
export type Counts = z.infer<typeof CountsSchema>;

export const zeroCounts = (): Counts => ({ stored: 0, duplicate: 0, skipped: 0, rejected: 0, conflict: 0, failed: 0 });

export function addCounts(into: Counts, from: Counts): void {
  into.stored += from.stored;
  into.duplicate += from.duplicate;
  into.skipped += from.skipped;
  into.rejected += from.rejected;
  into.conflict += from.conflict;
  into.failed += from.failed;
}

const StateSchema = z.object({
  version: z.literal(1),
  file: z.string(),
  size: z.number(),
  mtime_ms: z.number(),
  format: z.string(),
  /** lines 1..acknowledged_lines are done: stored, duplicate, skipped or rejected */
  acknowledged_lines: z.number().check(z.int(), z.nonnegative()),
  counts: CountsSchema,
  updated_at: z.string(),
});
export type ImportState = z.infer<typeof StateSchema>;

export const defaultStatePath = (file: string) => `${file}.import-state.json`;

export type Resume = { kind: 'fresh' } | { kind: 'resume'; state: ImportState } | { kind: 'mismatch'; why: string };

/** The saved resume point, if it is for this very file (same path, size and modification time) and format. */
export async function loadState(statePath: string, fingerprint: Fingerprint, format: string): Promise<Resume> {
  let text: string;
  try {
    text = await readFile(statePath, 'utf8');
  } catch {
    return { kind: 'fresh' };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'mismatch', why: 'it is not readable JSON' };
  }
  const parsed = StateSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'mismatch', why: 'it is not an import state' };
  const s = parsed.data;
  if (s.file !== fingerprint.file || s.size !== fingerprint.size || s.mtime_ms !== fingerprint.mtime_ms) {
    return { kind: 'mismatch', why: 'it was written for a different file (path, size or modification time differ)' };
  }
  if (s.format !== format) return { kind: 'mismatch', why: `it was written for --format ${s.format}` };
  return { kind: 'resume', state: s };
}

/** Written whole to a temporary file, then renamed over the old one: a crash never leaves half a state file. */
export function saveState(statePath: string, state: Omit<ImportState, 'version' | 'updated_at'>): void {
  const tmp = `${statePath}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ version: 1, ...state, updated_at: new Date().toISOString() })}\n`);
  renameSync(tmp, statePath);
}

export function removeState(statePath: string): void {
  rmSync(statePath, { force: true });
}
