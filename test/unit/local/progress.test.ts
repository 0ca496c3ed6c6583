import { describe, expect, it } from 'vitest';
import { describeReplayProgress, progress } from '../../../local/progress.js';

const stream = (isTTY: boolean) => {
  const writes: string[] = [];
  return { writes, s: { isTTY, write: (t: string) => writes.push(t) } as unknown as NodeJS.WriteStream };
};

describe('progress lines', () => {
  it('says which stage a replay is in, with counts', () => {
    expect(describeReplayProgress({ status: 'running', progress: { stored: 1200, expected: 2100 } })).toBe('Replaying: answers 1,200/2,100 (57%)');
    expect(describeReplayProgress({ status: 'aggregating', progress: { stored: 2100, expected: 2100, judge_verdicts: 450 } })).toBe(
      'Scoring (aggregating): answers 2,100/2,100, judge verdicts 450',
    );
  });

  it('rewrites one line on a terminal and ends it with a newline', () => {
    const { writes, s } = stream(true);
    const bar = progress(s);
    bar.update('a');
    bar.update('b');
    bar.done();
    expect(writes).toEqual(['\r\x1b[2Ka', '\r\x1b[2Kb', '\n']);
  });

  it('prints plain lines at most once per interval when not a terminal', () => {
    const { writes, s } = stream(false);
    const bar = progress(s, 60_000);
    bar.update('first');
    bar.update('second');
    bar.done();
    expect(writes).toEqual(['first\n']);
  });
});
