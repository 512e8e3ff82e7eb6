import { CORRUPT_RECORD, type Disk } from "../../../sim/index.ts";
import type { EpochEntry } from "./LeaderEpochCache.ts";
import { LogSegment, segmentFileName } from "./LogSegment.ts";
import { batchNextOffset, isCompacted, type StoredBatch } from "./storedBatch.ts";

const LOG_SUFFIX = ".log";

/** What recovery kept of a log directory. */
export interface RecoveredSegments {
  /** At least one segment, ascending by base offset. */
  readonly segments: LogSegment[];
  /** Where each epoch increase starts among the kept batches, in log order (to rebuild the epoch cache). */
  readonly epochStarts: EpochEntry[];
  /** Batches removed: corrupt, or after a discontinuity, or in a deleted segment. */
  readonly truncatedBatches: number;
  readonly deletedSegments: number;
}

/** Base offsets of the segment files in `dir`, ascending (file names are zero-padded). */
export function listSegmentBases(disk: Disk, dir: string): number[] {
  return disk
    .list(`${dir}/`)
    .filter((name) => name.endsWith(LOG_SUFFIX))
    .map((name) => Number(name.slice(dir.length + 1, -LOG_SUFFIX.length)));
}

/**
 * Kafka's log recovery (LogLoader + LogSegment.recover) on what the disk kept after a
 * crash: every segment is scanned, batch by batch, and the log is cut at the first
 * batch that cannot be trusted: a corrupt one (its checksum fails: a torn write) or one
 * that does not continue the offsets before it (records lost from the unsynced tail of
 * an earlier segment while a later file kept some). The cut segment is truncated there
 * and every later segment deleted, as Kafka deletes the unflushed segments after a
 * corrupt one.
 *
 * A gap in the offsets is legitimate only next to data the cleaner rewrote: the batch
 * after it is a compacted one (see storedBatch.ts), or the batch before it is (a
 * truncation into the compacted part of the log continues at its target offset). Empty
 * segments whose base offset lies beyond the end of the data are dropped otherwise.
 */
export function recoverSegments(disk: Disk, dir: string, nowMicros: number): RecoveredSegments {
  const bases = listSegmentBases(disk, dir);
  if (bases.length === 0) {
    const segment = new LogSegment(0, disk.file<StoredBatch>(segmentFileName(dir, 0)), nowMicros);
    return { segments: [segment], epochStarts: [], truncatedBatches: 0, deletedSegments: 0 };
  }
  const scan = new Scan(disk, dir, nowMicros);
  for (const base of bases) {
    if (!scan.addSegment(base)) break;
  }
  return scan.finish(bases);
}

class Scan {
  readonly segments: LogSegment[] = [];
  readonly epochStarts: EpochEntry[] = [];
  truncatedBatches = 0;
  /** The offset the next batch must start at (a compacted batch may start later). */
  private expected = -1;
  private latestEpoch = -1;
  /** Whether the last batch kept was rewritten by the cleaner. */
  private prevCompacted = false;
  /** Index in `segments` of the first segment that starts beyond the data so far, until a batch vouches for the gap. */
  private gapFrom: number | null = null;

  constructor(
    private readonly disk: Disk,
    private readonly dir: string,
    private readonly nowMicros: number,
  ) {}

  /** Scans one segment; false once the log has been cut (later segments are to be deleted). */
  addSegment(base: number): boolean {
    if (this.expected >= 0 && base < this.expected) return false; // overlaps the data before it
    const file = this.disk.file<StoredBatch>(segmentFileName(this.dir, base));
    const segment = new LogSegment(base, file, this.nowMicros);
    if (this.expected < 0) this.expected = base;
    if (base > this.expected && !this.prevCompacted && this.gapFrom === null) this.gapFrom = this.segments.length;
    this.segments.push(segment);
    for (let i = 0; i < file.length; i++) {
      const batch = file.read(i);
      if (batch === CORRUPT_RECORD || !this.continues(batch, base)) {
        this.cut(segment, i);
        return false;
      }
      this.accept(segment, batch);
    }
    return true;
  }

  finish(bases: number[]): RecoveredSegments {
    if (this.gapFrom !== null) this.dropFrom(this.gapFrom);
    let deletedSegments = 0;
    for (const base of bases) {
      if (this.segments.some((s) => s.baseOffset === base)) continue;
      const name = segmentFileName(this.dir, base);
      this.truncatedBatches += this.disk.file<StoredBatch>(name).length;
      this.disk.delete(name);
      deletedSegments++;
    }
    return { segments: this.segments, epochStarts: this.epochStarts, truncatedBatches: this.truncatedBatches, deletedSegments };
  }

  private continues(batch: StoredBatch, segmentBase: number): boolean {
    if (batch.baseOffset < segmentBase || (batch.records.length === 0 && !isCompacted(batch))) return false;
    if (batch.baseOffset === this.expected) return true;
    return batch.baseOffset > this.expected && (isCompacted(batch) || this.prevCompacted);
  }

  private accept(segment: LogSegment, batch: StoredBatch): void {
    segment.index(batch);
    this.expected = batchNextOffset(batch);
    this.prevCompacted = isCompacted(batch);
    this.gapFrom = null;
    if (batch.partitionLeaderEpoch > this.latestEpoch) {
      this.latestEpoch = batch.partitionLeaderEpoch;
      this.epochStarts.push({ epoch: batch.partitionLeaderEpoch, startOffset: batch.baseOffset });
    }
  }

  /** The batch at `index` of `segment` cannot be trusted: the log ends before it. */
  private cut(segment: LogSegment, index: number): void {
    if (this.gapFrom !== null) {
      this.dropFrom(this.gapFrom); // the gap itself is the discontinuity
      return;
    }
    this.truncatedBatches += segment.file.length - index;
    segment.truncateToIndex(this.disk, index);
  }

  private dropFrom(index: number): void {
    this.segments.length = Math.max(1, index);
  }
}
