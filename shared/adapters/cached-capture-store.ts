// A CaptureStore whose point reads are kept per container: a stored capture never changes (the same id with other
// content is refused), and the worker reads the same capture once per model it is replayed on. Bounded by count.

import type { StoredCapture } from '../domain/capture.js';
import type { CaptureStore } from '../ports/index.js';

export function withCachedCaptureReads(inner: CaptureStore, maxEntries = 512): CaptureStore {
  const cache = new Map<string, Promise<StoredCapture | null>>();
  return Object.assign(Object.create(inner) as CaptureStore, {
    get(tenantId: string, id: string): Promise<StoredCapture | null> {
      const key = `${tenantId}|${id}`;
      const hit = cache.get(key);
      if (hit) {
        // Most recently used last, so the oldest entry is the one evicted.
        cache.delete(key);
        cache.set(key, hit);
        return hit;
      }
      const read = inner.get(tenantId, id);
      cache.set(key, read);
      // A missing capture or a failed read is not kept: it may be stored (or readable) on the next delivery.
      read.then(
        (found) => {
          if (!found) cache.delete(key);
        },
        () => cache.delete(key),
      );
      if (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
      return read;
    },
  });
}
