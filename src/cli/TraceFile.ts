import type { TraceSink } from "../../sim/index.ts";
import { ChunkedFile } from "../check/history/ChunkedFile.ts";

/**
 * Writes trace events as JSON lines. Lines go to `FILE.partial` in 64 KiB chunks and the
 * file takes its name only when the run finishes, so an interrupted or failed run never
 * leaves a half-written trace under the name the user asked for.
 */
export class TraceFile {
  private readonly file: ChunkedFile;
  readonly sink: TraceSink = (event) => this.file.writeLine(JSON.stringify(event));

  constructor(path: string) {
    this.file = new ChunkedFile(path);
  }

  /** Completes the file under its final name. */
  finish(): void {
    this.file.finish();
  }

  /** Drops the partial file (the run failed). */
  abandon(): void {
    this.file.abandon();
  }
}
