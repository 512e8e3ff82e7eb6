import { CORRUPT_RECORD, type Disk, type DiskError, type DiskFile } from "../../../sim/index.ts";
import { segmentFileName } from "./LogSegment.ts";
import type { StoredBatch } from "./storedBatch.ts";

function pad(offset: number): string {
  return String(offset).padStart(20, "0");
}

export function cleanedFileName(dir: string, baseOffset: number): string {
  return `${dir}/${pad(baseOffset)}.cleaned`;
}

export function swapMarkerName(dir: string, baseOffset: number): string {
  return `${dir}/${pad(baseOffset)}.swap`;
}

/**
 * Makes replacing segments by a cleaned one atomic across crashes, as Kafka's cleaner
 * does with `.cleaned` and `.swap` files. On the simulated disk a write is durable only
 * after an fsync, while creating, deleting and truncating a file are durable at once, so:
 *
 * 1. the cleaned batches go to `<base>.cleaned`, which is fsynced (`writeCleaned`);
 * 2. the swap commits by creating the empty marker `<base>.swap` (durable at once); the
 *    merged segments' files are deleted and `<base>.log` is rewritten and fsynced
 *    (`commit`); once that fsync completes, the marker and the cleaned file go.
 *
 * After a crash (`recoverSwaps`): a marker means the cleaned file is complete and
 * authoritative, and it is copied over `<base>.log` again; a cleaned file without a
 * marker is an unfinished round and is deleted. While a swap is pending, truncating or
 * deleting its segment applies to the cleaned file too, so a crash cannot resurrect
 * what was truncated.
 */
export class SegmentSwaps {
  /** Base offset of each segment whose swap is committed but not yet durable, with its cleaned file. */
  private readonly pending = new Map<number, DiskFile<StoredBatch>>();

  constructor(
    private readonly disk: Disk,
    private readonly dir: string,
  ) {}

  /** Step 1: writes the cleaned batches for the segment at `baseOffset`; the caller fsyncs the file. */
  writeCleaned(baseOffset: number, batches: readonly StoredBatch[]): DiskFile<StoredBatch> | DiskError {
    const file = this.disk.file<StoredBatch>(cleanedFileName(this.dir, baseOffset));
    const error = this.disk.replace(file, batches as StoredBatch[]);
    return error ?? file;
  }

  /** Drops an unfinished round's cleaned file. */
  abandon(baseOffset: number): void {
    if (this.pending.has(baseOffset)) return; // a committed swap is not abandoned
    this.disk.delete(cleanedFileName(this.dir, baseOffset));
  }

  /** Step 2: commits the swap of `merged` (their files are deleted) into `segmentFile`. */
  commit(baseOffset: number, segmentFile: DiskFile<StoredBatch>, batches: readonly StoredBatch[], merged: readonly DiskFile<StoredBatch>[], deleteFile: (name: string) => void): DiskError | null {
    this.disk.file(swapMarkerName(this.dir, baseOffset)); // created empty: the commit point
    const cleaned = this.disk.file<StoredBatch>(cleanedFileName(this.dir, baseOffset));
    this.pending.set(baseOffset, cleaned);
    for (const file of merged) deleteFile(file.name);
    return this.rewrite(baseOffset, segmentFile, batches);
  }

  /** The segment at `baseOffset` now holds only its first `batchCount` batches. */
  segmentTruncated(baseOffset: number, batchCount: number): void {
    const cleaned = this.pending.get(baseOffset);
    if (cleaned !== undefined && cleaned.length > batchCount) this.disk.truncate(cleaned, batchCount);
  }

  /** The segment at `baseOffset` was deleted: so is its pending swap. */
  segmentDeleted(baseOffset: number): void {
    if (!this.pending.has(baseOffset)) return;
    this.finish(baseOffset);
  }

  /** Every pending swap and cleaned file goes (the log was emptied). */
  clear(): void {
    for (const name of this.disk.list(`${this.dir}/`)) {
      if (name.endsWith(".cleaned") || name.endsWith(".swap")) this.disk.delete(name);
    }
    this.pending.clear();
  }

  /**
   * After a crash, before the segments are scanned: completes committed swaps (their
   * cleaned file is copied over the segment again) and deletes unfinished cleaned files.
   */
  recoverSwaps(): void {
    for (const name of this.disk.list(`${this.dir}/`)) {
      if (!name.endsWith(".cleaned")) continue;
      const baseOffset = Number(name.slice(this.dir.length + 1, -".cleaned".length));
      if (!this.disk.exists(swapMarkerName(this.dir, baseOffset))) {
        this.disk.delete(name);
        continue;
      }
      const cleaned = this.disk.file<StoredBatch>(name);
      const batches: StoredBatch[] = [];
      for (const batch of cleaned.readAll()) {
        if (batch === CORRUPT_RECORD) break; // fsynced before the commit, so only a corruption fault gets here
        batches.push(batch);
      }
      this.pending.set(baseOffset, cleaned);
      const segmentFile = this.disk.file<StoredBatch>(segmentFileName(this.dir, baseOffset));
      this.rewrite(baseOffset, segmentFile, batches);
    }
    for (const name of this.disk.list(`${this.dir}/`)) {
      if (name.endsWith(".swap") && !this.disk.exists(name.replace(/\.swap$/, ".cleaned"))) this.disk.delete(name);
    }
  }

  /** Base offsets with a committed swap still pending. */
  pendingBases(): number[] {
    return [...this.pending.keys()];
  }

  private rewrite(baseOffset: number, segmentFile: DiskFile<StoredBatch>, batches: readonly StoredBatch[]): DiskError | null {
    const error = this.disk.replace(segmentFile, batches as StoredBatch[]);
    if (error !== null) return error;
    const cleaned = this.pending.get(baseOffset);
    this.disk.fsync(segmentFile, () => {
      if (this.pending.get(baseOffset) === cleaned) this.finish(baseOffset);
    });
    return null;
  }

  private finish(baseOffset: number): void {
    this.pending.delete(baseOffset);
    this.disk.delete(swapMarkerName(this.dir, baseOffset));
    this.disk.delete(cleanedFileName(this.dir, baseOffset));
  }
}
