import cliProgress from "cli-progress";

/**
 * How a fuzz campaign shows it is alive, on stderr (stdout keeps the result): a bar with
 * seeds done, failures and time left on a terminal; a plain line at each tenth of the
 * campaign (or each half minute of a timed one) when not, as CI logs want; nothing with --json.
 */
export interface Progress {
  update(done: number, failed: number): void;
  stop(): void;
}

export type ProgressStyle = "bar" | "lines" | "none";

export function progressStyle(json: boolean, stream: NodeJS.WriteStream): ProgressStyle {
  if (json) return "none";
  return stream.isTTY ? "bar" : "lines";
}

/** `total`: seeds to run, or null for a campaign bounded by `timeMs` of wall time. */
export function startProgress(style: ProgressStyle, total: number | null, timeMs: number | null, stream: NodeJS.WriteStream): Progress {
  if (style === "none") return { update: () => {}, stop: () => {} };
  const startedMs = Date.now();
  if (style === "lines") return new ProgressLines(total, timeMs, startedMs, stream);
  return new ProgressBar(total, timeMs, startedMs, stream);
}

class ProgressLines implements Progress {
  private shown = 0;

  constructor(
    private readonly total: number | null,
    private readonly timeMs: number | null,
    private readonly startedMs: number,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(done: number, failed: number): void {
    const elapsedMs = Date.now() - this.startedMs;
    // A line per tenth of the seeds, or per half minute of a timed campaign.
    const step = this.total === null ? Math.floor(elapsedMs / 30_000) : Math.floor((done * 10) / this.total);
    if (step <= this.shown) return;
    this.shown = step;
    const of = this.total === null ? "" : `/${this.total}`;
    this.stream.write(`fuzz: ${done}${of} seeds, ${failed} failed, ${formatLeft(leftMs(done, this.total, this.timeMs, elapsedMs))} left\n`);
  }

  stop(): void {}
}

class ProgressBar implements Progress {
  private readonly bar: cliProgress.SingleBar;

  constructor(
    private readonly total: number | null,
    private readonly timeMs: number | null,
    private readonly startedMs: number,
    stream: NodeJS.WriteStream,
  ) {
    this.bar = new cliProgress.SingleBar(
      { stream, format: "fuzz [{bar}] {seeds} seeds | {failed} failed | {left} left", hideCursor: true, clearOnComplete: true, fps: 4, barsize: 30 },
      cliProgress.Presets.legacy,
    );
    this.bar.start(1000, 0, { seeds: this.total === null ? "0" : `0/${this.total}`, failed: 0, left: "?" });
  }

  update(done: number, failed: number): void {
    const elapsedMs = Date.now() - this.startedMs;
    const fraction = this.total === null ? elapsedMs / this.timeMs! : done / this.total;
    this.bar.update(Math.min(1000, Math.round(fraction * 1000)), {
      seeds: this.total === null ? String(done) : `${done}/${this.total}`,
      failed,
      left: formatLeft(leftMs(done, this.total, this.timeMs, elapsedMs)),
    });
  }

  stop(): void {
    this.bar.stop();
  }
}

function leftMs(done: number, total: number | null, timeMs: number | null, elapsedMs: number): number | null {
  if (total === null) return Math.max(0, timeMs! - elapsedMs);
  if (done === 0) return null;
  return (elapsedMs / done) * (total - done);
}

function formatLeft(ms: number | null): string {
  if (ms === null) return "?";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
