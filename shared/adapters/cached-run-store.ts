// A RunStore whose reads are cached for a moment: the worker reads its run for every work item, and a run's
// request and status change rarely. Writes and counters pass straight through.

import type { RunRecord } from '../domain/run.js';
import type { RunStore } from '../ports/index.js';
import type { RunRef } from '../schemas/messages.js';

export function withCachedRunReads(inner: RunStore, ttlMs: number, now: () => number = Date.now): RunStore {
  const cache = new Map<string, { at: number; run: Promise<RunRecord | null> }>();
  return Object.assign(Object.create(inner) as RunStore, {
    get(ref: RunRef): Promise<RunRecord | null> {
      const key = `${ref.tenant_id}|${ref.run_id}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttlMs) return hit.run;
      const run = inner.get(ref);
      cache.set(key, { at: now(), run });
      if (cache.size > 1000) cache.delete(cache.keys().next().value as string);
      return run;
    },
  });
}
