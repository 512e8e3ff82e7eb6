import { CORRUPT_RECORD, assert, type CorruptRecord, type Disk, type DiskError, type DiskFile } from "../../../sim/index.ts";
import { batchLastOffset, type StoredBatch } from "./storedBatch.ts";

/** `${dir}/${baseOffset zero-padded to 20}.log`, as Kafka names segment files. */
export function segmentFileName(dir: string, baseOffset: number): string {
  return `${dir}/${String(baseOffset).padStart(20, "0")}.log`;
}

/**
 * One segment of a replica log: a disk file holding one record per batch, and in memory
 * the last offset of each batch (the offset index: binary search by offset) and the
 * timestamps that drive rolling and retention. The file is the data; the index is
 * rebuilt from it by recovery.
 */
export class LogSegment {
  /** lastOffsets[i] is the last offset of the i-th batch of the file; ascending. */
  readonly lastOffsets: number[] = [];
  /** Largest append time of the batches (Kafka's largestTimestamp), or -1 if empty. */
  largestAppendMicros = -1;
  /** Append time of the first batch (Kafka's rollingBasedTimestamp), or -1 if empty. */
  firstAppendMicros = -1;

  constructor(
    readonly baseOffset: number,
    readonly file: DiskFile<StoredBatch>,
    /** When the segment was created or loaded: its age for retention while it is empty. */
    readonly createdAtMicros: number,
  ) {}

  get sizeBytes(): number {
    return this.file.sizeBytes;
  }

  get batchCount(): number {
    return this.lastOffsets.length;
  }

  get isEmpty(): boolean {
    return this.lastOffsets.length === 0;
  }

  /** The offset after the segment's last batch, or its base offset if it has none. */
  get nextOffset(): number {
    const n = this.lastOffsets.length;
    return n === 0 ? this.baseOffset : this.lastOffsets[n - 1]! + 1;
  }

  /** The time that counts for time-based retention. */
  get largestTimestampMicros(): number {
    return this.largestAppendMicros >= 0 ? this.largestAppendMicros : this.createdAtMicros;
  }

  /** Index of the first batch whose last offset is at or after `offset` (batchCount if none). */
  indexFor(offset: number): number {
    const offsets = this.lastOffsets;
    let lo = 0;
    let hi = offsets.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (offsets[mid]! < offset) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The i-th batch, or CORRUPT_RECORD if its checksum fails. */
  batchAt(i: number): StoredBatch | CorruptRecord {
    return this.file.read(i);
  }

  /** The base offset of the i-th batch (read from the file: compaction may leave gaps between batches). */
  baseOffsetAt(i: number): number {
    const batch = this.file.read(i);
    if (batch !== CORRUPT_RECORD) return batch.baseOffset;
    return i === 0 ? this.baseOffset : this.lastOffsets[i - 1]! + 1;
  }

  /** Kafka's LogSegment.shouldRoll: full for this batch, or its first batch is older than segment.ms. */
  shouldRoll(batchBytes: number, batchAppendMicros: number, segmentBytes: number, segmentMicros: number): boolean {
    if (this.isEmpty) return false;
    if (this.sizeBytes > segmentBytes - batchBytes) return true;
    return batchAppendMicros - this.firstAppendMicros > segmentMicros;
  }

  append(disk: Disk, batch: StoredBatch): DiskError | null {
    const error = disk.append(this.file, batch);
    if (error !== null) return error;
    this.index(batch);
    return null;
  }

  /** Adds a batch already in the file to the in-memory index (append and recovery). */
  index(batch: StoredBatch): void {
    const last = batchLastOffset(batch);
    const n = this.lastOffsets.length;
    assert(n === 0 || last > this.lastOffsets[n - 1]!, () => `segment ${this.baseOffset}: batch ending at ${last} out of order`);
    this.lastOffsets.push(last);
    if (this.firstAppendMicros < 0) this.firstAppendMicros = batch.appendedAtMicros;
    if (batch.appendedAtMicros > this.largestAppendMicros) this.largestAppendMicros = batch.appendedAtMicros;
  }

  /**
   * Kafka's LogSegment.truncateTo keeps the batches before `keep`, the index of the first
   * batch whose last offset is at or after the target (a straddling batch goes whole).
   */
  truncateToIndex(disk: Disk, keep: number): void {
    if (keep >= this.lastOffsets.length && keep >= this.file.length) return;
    disk.truncate(this.file, keep);
    this.lastOffsets.length = keep;
    this.recomputeTimestamps();
  }

  private recomputeTimestamps(): void {
    this.firstAppendMicros = -1;
    this.largestAppendMicros = -1;
    for (let i = 0; i < this.lastOffsets.length; i++) {
      const batch = this.file.read(i);
      if (batch === CORRUPT_RECORD) continue;
      if (this.firstAppendMicros < 0) this.firstAppendMicros = batch.appendedAtMicros;
      if (batch.appendedAtMicros > this.largestAppendMicros) this.largestAppendMicros = batch.appendedAtMicros;
    }
  }
}
