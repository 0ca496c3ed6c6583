// Progress of an import on stderr: one updating line on a terminal; plain lines every 10 s or every 10,000 lines
// otherwise (logs, CI). The rate is lines per second; the ETA comes from bytes read against the file's size.

export type ProgressSnapshot = {
  lines: number;
  stored: number;
  duplicate: number;
  skipped: number;
  rejected: number;
  bytes: number;
  totalBytes: number | null;
};

type Out = { write(text: string): unknown; isTTY?: boolean };

const n = (x: number) => x.toLocaleString('en-US');
const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1);

function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export class ImportProgress {
  private timer: NodeJS.Timeout | undefined;
  private started: number;
  private baseLines = 0;
  private baseBytes = 0;
  private lastPlainAt: number;
  private lastPlainBucket = 0;
  private drawn = false;
  private readonly tty: boolean;

  constructor(
    private readonly out: Out,
    private readonly snapshot: () => ProgressSnapshot,
    private readonly options: { now?: () => number; plainEveryMs?: number; plainEveryLines?: number; ttyEveryMs?: number; tty?: boolean } = {},
  ) {
    this.tty = options.tty ?? out.isTTY === true;
    this.started = this.now();
    this.lastPlainAt = this.started;
  }

  private now(): number {
    return (this.options.now ?? performance.now.bind(performance))();
  }

  start(): void {
    const every = this.tty ? (this.options.ttyEveryMs ?? 250) : 1000;
    this.timer = setInterval(() => this.tick(), every);
    this.timer.unref();
  }

  /** A resumed import measures its rate and ETA from the first line it reads after the resume point. */
  rebase(lines: number, bytes: number): void {
    this.started = this.now();
    this.baseLines = lines;
    this.baseBytes = bytes;
  }

  /** Called as lines are read: a plain line every `plainEveryLines` lines. */
  onLine(lines: number): void {
    if (this.tty) return;
    const bucket = Math.floor(lines / (this.options.plainEveryLines ?? 10_000));
    if (bucket > this.lastPlainBucket) {
      this.lastPlainBucket = bucket;
      this.plain();
    }
  }

  /** A message between progress updates (a rejected line): on a terminal the progress line is cleared first. */
  note(text: string): void {
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
    this.out.write(`${text}\n`);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty && this.drawn) this.out.write('\r\x1b[2K');
    this.drawn = false;
  }

  private tick(): void {
    if (this.tty) {
      this.out.write(`\r\x1b[2K${this.describe()}`);
      this.drawn = true;
    } else if (this.now() - this.lastPlainAt >= (this.options.plainEveryMs ?? 10_000)) {
      this.plain();
    }
  }

  private plain(): void {
    this.lastPlainAt = this.now();
    this.out.write(`import: ${this.describe()}\n`);
  }

  describe(): string {
    const s = this.snapshot();
    const seconds = (this.now() - this.started) / 1000;
    const rate = seconds > 0 ? (s.lines - this.baseLines) / seconds : 0;
    const parts = [`${n(s.lines)} lines`];
    if (s.totalBytes) parts.push(`${mb(s.bytes)}/${mb(s.totalBytes)} MB (${Math.min(100, Math.floor((100 * s.bytes) / s.totalBytes))}%)`);
    parts.push(
      `stored ${n(s.stored)}`,
      `duplicate ${n(s.duplicate)}`,
      `skipped ${n(s.skipped)}`,
      `rejected ${n(s.rejected)}`,
      `${n(Math.round(rate))} lines/s`,
    );
    const read = s.bytes - this.baseBytes;
    if (s.totalBytes && read > 0 && seconds > 1) parts.push(`ETA ${clock((seconds * (s.totalBytes - s.bytes)) / read)}`);
    return parts.join(' · ');
  }
}
