// captureTraffic with a capture store whose writes fail for some ids: a batch still answers per item, never throws
// after a partial write, and says which items failed.
import { describe, expect, it } from 'vitest';
import type { StoredCapture } from '../../../shared/domain/capture.js';
import type { CapturePutResult, CaptureStore } from '../../../shared/ports/index.js';
import { type CaptureTrafficDeps, captureTraffic } from '../../../shared/use-cases/capture-traffic.js';

class FlakyStore implements Pick<CaptureStore, 'put'> {
  readonly written = new Map<string, StoredCapture>();
  constructor(private readonly failing: ReadonlySet<string>) {}
  async put(_tenant: string, c: StoredCapture): Promise<CapturePutResult> {
    if (this.failing.has(c.id)) throw Object.assign(new Error('throughput exceeded'), { name: 'ProvisionedThroughputExceededException' });
    this.written.set(c.id, c);
    return { status: 'stored' };
  }
}

const deps = (store: FlakyStore) => ({ captures: store, clock: { now: () => Date.parse('2026-06-01T00:00:00Z') } }) as unknown as CaptureTrafficDeps;
const capture = (id: string) => ({ id, model: 'm', messages: [{ role: 'user', content: 'q' }], completion: 'a' });

describe('captureTraffic', () => {
  it('reports a failed write per item and keeps the others', async () => {
    const store = new FlakyStore(new Set(['b']));
    const outcome = await captureTraffic(deps(store), 't', { captures: [capture('a'), capture('b'), capture('c')] });
    expect(outcome).toMatchObject({
      kind: 'batch',
      items: [
        { index: 0, status: 'stored', id: 'a' },
        { index: 1, status: 'failed', id: 'b', error: { status: 503, error: 'write_failed' } },
        { index: 2, status: 'stored', id: 'c' },
      ],
    });
    expect([...store.written.keys()]).toEqual(['a', 'c']);
  });

  it('answers one failed capture as a 503 problem, not a throw', async () => {
    const outcome = await captureTraffic(deps(new FlakyStore(new Set(['x']))), 't', capture('x'));
    expect(outcome).toMatchObject({ kind: 'single', item: { status: 'failed', error: { status: 503 } } });
  });

  it('hashes the content the client sent: a server-filled time is left out, a client time is in', async () => {
    const store = new FlakyStore(new Set());
    await captureTraffic(deps(store), 't', { captures: [capture('p'), { ...capture('q'), captured_at: '2026-05-01T00:00:00Z' }] });
    const later = new FlakyStore(new Set());
    await captureTraffic({ ...deps(later), clock: { now: () => Date.parse('2026-06-02T00:00:00Z') } } as unknown as CaptureTrafficDeps, 't', capture('p'));
    expect(later.written.get('p')?.content_hash).toBe(store.written.get('p')?.content_hash);
    expect(store.written.get('q')?.content_hash).not.toBe(store.written.get('p')?.content_hash);
  });
});
