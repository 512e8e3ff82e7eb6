import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import type { TraceEvent, TraceSink } from "../../sim/index.ts";

const FLUSH_BYTES = 1 << 16;

/**
 * Writes trace events as JSON lines. Lines go to `FILE.partial` in 64 KiB chunks and the
 * file takes its name only when the run finishes, so an interrupted or failed run never
 * leaves a half-written trace under the name the user asked for.
 */
export class TraceFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private closed = false;
  readonly sink: TraceSink = (event) => this.write(event);

  constructor(private readonly path: string) {
    this.fd = openSync(`${path}.partial`, "w");
  }

  private write(event: TraceEvent): void {
    const line = JSON.stringify(event) + "\n";
    this.buffer.push(line);
    this.bufferedBytes += line.length;
    if (this.bufferedBytes >= FLUSH_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffer.length === 0) return;
    writeSync(this.fd, this.buffer.join(""));
    this.buffer = [];
    this.bufferedBytes = 0;
  }

  /** Completes the file under its final name. */
  finish(): void {
    if (this.closed) return;
    this.flush();
    closeSync(this.fd);
    this.closed = true;
    renameSync(`${this.path}.partial`, this.path);
  }

  /** Drops the partial file (the run failed). */
  abandon(): void {
    if (this.closed) return;
    closeSync(this.fd);
    this.closed = true;
    rmSync(`${this.path}.partial`, { force: true });
  }
}
