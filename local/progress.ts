// Progress for long CLI commands: one updating line on a terminal, plain lines at most every few seconds otherwise.
export type Progress = { update(text: string): void; done(): void };

export function progress(stream: NodeJS.WriteStream = process.stderr, everyMs = 5_000): Progress {
  let last = '';
  let lastAt = 0;
  return {
    update(text) {
      if (text === last) return;
      last = text;
      if (stream.isTTY) {
        stream.write(`\r\x1b[2K${text}`);
        return;
      }
      const now = Date.now();
      if (now - lastAt >= everyMs) {
        lastAt = now;
        stream.write(`${text}\n`);
      }
    },
    done() {
      if (stream.isTTY && last) stream.write('\n');
    },
  };
}

/** "answers 1,200/2,100 (57%)" while the replay runs, then "judging: 450 verdicts" while it is scored. */
export function describeReplayProgress(body: Record<string, unknown>): string {
  const p = (body.progress ?? {}) as { stored?: number; expected?: number; judge_verdicts?: number };
  const stored = p.stored ?? 0;
  const expected = p.expected ?? 0;
  const pct = expected ? ` (${Math.floor((stored / expected) * 100)}%)` : '';
  const status = String(body.status);
  if (status === 'running') return `Replaying: answers ${stored.toLocaleString('en-US')}/${expected.toLocaleString('en-US')}${pct}`;
  return `Scoring (${status}): answers ${stored.toLocaleString('en-US')}/${expected.toLocaleString('en-US')}, judge verdicts ${(p.judge_verdicts ?? 0).toLocaleString('en-US')}`;
}
