// The local work journal: what a restart re-drives when fauxqs (in memory) has lost its queue.
import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { journaledQueue, WorkJournal } from '../../../local/work-journal.js';
import type { WorkQueue } from '../../../shared/ports/index.js';
import type { WorkItem } from '../../../shared/schemas/messages.js';

let dir: string;
const item = (run: string, capture: string, model: string, throttled?: number): WorkItem => ({
  v: 1,
  tenant_id: 't1',
  run_id: run,
  capture_id: capture,
  model,
  ...(throttled ? { throttled } : {}),
});

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'switchyard-journal-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('work journal', () => {
  it('keeps each run’s items once per (capture, model), across appends', async () => {
    const journal = new WorkJournal(path.join(dir, 'work'));
    await journal.record([item('run_a', 'c1', 'm1'), item('run_a', 'c1', 'm2'), item('run_b', 'c9', 'm1')]);
    // A throttled item put back later is the same work, not new work.
    await journal.record([item('run_a', 'c1', 'm2', 3)]);
    const a = await journal.items('run_a');
    expect(a?.map((i) => `${i.capture_id}/${i.model}`).sort()).toEqual(['c1/m1', 'c1/m2']);
    expect(a?.every((i) => i.throttled === undefined)).toBe(true);
    expect((await journal.runs()).sort()).toEqual(['run_a', 'run_b']);
  });

  it('answers null for a run without a journal, and forgets a run', async () => {
    const journal = new WorkJournal(path.join(dir, 'work'));
    expect(await journal.items('run_x')).toBeNull();
    expect(await journal.runs()).toEqual([]);
    await journal.record([item('run_x', 'c1', 'm1')]);
    await journal.forget('run_x');
    expect(await journal.items('run_x')).toBeNull();
  });

  it('skips a line torn by a crash mid-write and lines of other runs', async () => {
    const journal = new WorkJournal(path.join(dir, 'work'));
    await journal.record([item('run_a', 'c1', 'm1')]);
    await appendFile(path.join(dir, 'work', 'run_a.jsonl'), `${JSON.stringify(item('run_z', 'c5', 'm1'))}\n{"v":1,"tenant_id":"t1","run_`);
    expect((await journal.items('run_a'))?.map((i) => i.capture_id)).toEqual(['c1']);
  });

  it('writes the items before they are queued', async () => {
    const journal = new WorkJournal(path.join(dir, 'work'));
    const seenAtEnqueue: (string[] | null)[] = [];
    const queue: WorkQueue = {
      enqueue: async (items) => {
        seenAtEnqueue.push((await journal.items(items[0]!.run_id))?.map((i) => i.capture_id) ?? null);
      },
      delay: async () => {},
    };
    await journaledQueue(queue, journal).enqueue([item('run_q', 'c1', 'm1'), item('run_q', 'c2', 'm1')]);
    expect(seenAtEnqueue).toEqual([['c1', 'c2']]);
  });
});
