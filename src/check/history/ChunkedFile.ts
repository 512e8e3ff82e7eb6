import { closeSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

const FLUSH_BYTES = 1 << 16;

/**
 * A text file written in 64 KiB chunks under `FILE.partial` and renamed to `FILE` when
 * complete, so an interrupted export never leaves a half-written history or trace under
 * the name the user asked for.
 */
export class ChunkedFile {
  private readonly fd: number;
  private buffer: string[] = [];
  private bufferedBytes = 0;
  private closed = false;

  constructor(private readonly path: string) {
    this.fd = openSync(`${path}.partial`, "w");
  }

  /** Appends `line` and a newline. */
  writeLine(line: string): void {
    this.buffer.push(line, "\n");
    this.bufferedBytes += line.length + 1;
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

  /** Drops the partial file (the export failed). */
  abandon(): void {
    if (this.closed) return;
    closeSync(this.fd);
    this.closed = true;
    rmSync(`${this.path}.partial`, { force: true });
  }
}

/** Writes the lines `produce` emits to `path` (via `path.partial`); nothing at `path` if it throws. */
export function writeLinesToFile(path: string, produce: (emit: (line: string) => void) => void): void {
  const file = new ChunkedFile(path);
  try {
    produce((line) => file.writeLine(line));
  } catch (error) {
    file.abandon();
    throw error;
  }
  file.finish();
}
