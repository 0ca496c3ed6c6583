// The local work journal: fauxqs keeps its queue in memory, so `npm start` records each run's work items on disk
// (one JSON line per item, written before the item is queued). After a restart, recovery re-drives the journalled
// items that have no stored result; a run's journal is dropped once the run has ended.
import { appendFile, mkdir, readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { WorkQueue } from '../shared/ports/index.js';
import { type WorkItem, WorkItemSchema } from '../shared/schemas/messages.js';

const SUFFIX = '.jsonl';

export class WorkJournal {
  constructor(readonly dir: string) {}

  private file(runId: string): string {
    return path.join(this.dir, `${encodeURIComponent(runId)}${SUFFIX}`);
  }

  /** Appends the items, grouped by run, before they are queued. */
  async record(items: readonly WorkItem[]): Promise<void> {
    const byRun = new Map<string, string[]>();
    for (const item of items) {
      const { throttled: _, ...plain } = item;
      const lines = byRun.get(item.run_id) ?? [];
      lines.push(JSON.stringify(plain));
      byRun.set(item.run_id, lines);
    }
    if (byRun.size === 0) return;
    await mkdir(this.dir, { recursive: true });
    for (const [runId, lines] of byRun) await appendFile(this.file(runId), `${lines.join('\n')}\n`);
  }

  /** A run's journalled items, one per (capture, model); null when the run has no journal. A torn last line is skipped. */
  async items(runId: string): Promise<WorkItem[] | null> {
    let text: string;
    try {
      text = await readFile(this.file(runId), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
    const seen = new Map<string, WorkItem>();
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      let parsed: ReturnType<typeof WorkItemSchema.safeParse>;
      try {
        parsed = WorkItemSchema.safeParse(JSON.parse(line));
      } catch {
        continue;
      }
      if (parsed.success && parsed.data.run_id === runId) seen.set(`${parsed.data.capture_id}\n${parsed.data.model}`, parsed.data);
    }
    return [...seen.values()];
  }

  /** Run ids that have a journal. */
  async runs(): Promise<string[]> {
    try {
      return (await readdir(this.dir)).filter((f) => f.endsWith(SUFFIX)).map((f) => decodeURIComponent(f.slice(0, -SUFFIX.length)));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async forget(runId: string): Promise<void> {
    await rm(this.file(runId), { force: true });
  }
}

/** The work queue with every enqueued item journalled first. */
export function journaledQueue(queue: WorkQueue, journal: WorkJournal): WorkQueue {
  return {
    enqueue: async (items, delaySeconds) => {
      await journal.record(items);
      await queue.enqueue(items, delaySeconds);
    },
    delay: (receiptHandle, seconds) => queue.delay(receiptHandle, seconds),
  };
}
