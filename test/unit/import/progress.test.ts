// Import progress: plain lines every N lines (or every 10 s) off a terminal, one redrawn line on it, rate and ETA.
import { describe, expect, it, vi } from 'vitest';
import { ImportProgress, type ProgressSnapshot } from '../../../local/import/progress.js';

function setup(tty: boolean) {
  let now = 0;
  const out = { text: '', write: (t: string) => (out.text += t) };
  const snap: ProgressSnapshot = { lines: 0, stored: 0, duplicate: 0, skipped: 0, rejected: 0, bytes: 0, totalBytes: 1000 };
  const progress = new ImportProgress(out, () => snap, { now: () => now, tty, plainEveryLines: 100 });
  return { out, snap, progress, advance: (ms: number) => (now += ms) };
}

describe('ImportProgress', () => {
  it('describes lines, bytes, counts, the rate and the ETA', () => {
    const { snap, progress, advance } = setup(false);
    Object.assign(snap, { lines: 2000, stored: 1900, skipped: 60, rejected: 40, bytes: 250 });
    advance(4000);
    expect(progress.describe()).toBe('2,000 lines · 0.0/0.0 MB (25%) · stored 1,900 · duplicate 0 · skipped 60 · rejected 40 · 500 lines/s · ETA 0:12');
  });

  it('measures a resumed import from its resume point', () => {
    const { snap, progress, advance } = setup(false);
    advance(1000);
    progress.rebase(1000, 500);
    Object.assign(snap, { lines: 1200, bytes: 600 });
    advance(2000);
    expect(progress.describe()).toContain('100 lines/s · ETA 0:08');
  });

  it('writes a plain line every N lines when not on a terminal', () => {
    const { out, snap, progress } = setup(false);
    for (let i = 1; i <= 250; i++) {
      snap.lines = i;
      progress.onLine(i);
    }
    expect(out.text.split('\n').filter(Boolean)).toEqual([expect.stringMatching(/^import: 100 lines/), expect.stringMatching(/^import: 200 lines/)]);
  });

  it('redraws one line on a terminal and clears it before a message', () => {
    vi.useFakeTimers();
    try {
      const { out, progress } = setup(true);
      progress.start();
      vi.advanceTimersByTime(600);
      progress.note('line 3: unreadable JSON');
      progress.stop();
      const CLEAR = '\r\x1b[2K';
      expect(out.text.split(CLEAR)).toEqual(['', expect.stringMatching(/^0 lines/), expect.stringMatching(/^0 lines/), 'line 3: unreadable JSON\n']);
    } finally {
      vi.useRealTimers();
    }
  });
});
