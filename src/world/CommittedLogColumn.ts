import type { PartitionLog } from "../broker/PartitionLog.ts";
import { isCompacted, nextOffsetOf, recordOffsetOf, type RecordBatch } from "../protocol/records.ts";

/** What a column reads of the replica that leads its partition. */
export type CommittedLogSource = Pick<PartitionLog, "logStartOffset" | "read">;

/** Told of each value a column gains or loses (a value may sit at several offsets: once per offset). */
export interface ColumnChanges {
  added(valueId: number): void;
  removed(valueId: number): void;
}

const READ_BYTES = 1 << 20;
const FIRST_CAPACITY = 1024;

/**
 * One partition's committed log as a column of value ids by offset: the records below the
 * high watermark of the replica that leads it, read from the log start batch by batch,
 * stopping where a read gives nothing (a corrupt batch, an offline log) or at the first
 * batch that ends at or past the high watermark.
 *
 * The liveness phase asks every second, so a refresh does not read every record again.
 * Batches are immutable objects that followers store as they fetched them, so the batches
 * a refresh walks are compared, by identity, with those the last one walked: records are
 * read only from the first batch that differs (new data, or data a truncation, compaction,
 * corruption or a leader with another history replaced). A different log start starts
 * over. A refresh says whether the column lost anything, so what was found in it stays
 * found until then; what it gains or loses can be told to `changes`.
 */
export class CommittedLogColumn {
  private live = false;
  private startOffset = 0;
  private highWatermark = 0;
  /** valueIds[offset - startOffset]: the value there, NaN where none. */
  private valueIds = new Float64Array(FIRST_CAPACITY).fill(NaN);
  /** The batches the last refresh walked, in order, and the walk's next offset after each. */
  private readonly batches: RecordBatch[] = [];
  private readonly batchEnds: number[] = [];

  /**
   * Reads the log again (undefined: the partition has no leader, so no committed log).
   * Returns true when a value the column held is gone.
   */
  refresh(log: CommittedLogSource | undefined, highWatermark: number, changes: ColumnChanges | null): boolean {
    if (log === undefined) {
      const dropped = this.dropFrom(0, changes);
      this.live = false;
      return dropped;
    }
    let dropped = false;
    const start = log.logStartOffset;
    if (!this.live || start !== this.startOffset) {
      dropped = this.dropFrom(0, changes);
      this.live = true;
      this.startOffset = start;
    }
    this.highWatermark = highWatermark;
    // Sized once for everything below the high watermark: placing batch by batch doubled a
    // long run's column ten times over, each a fresh array copied and NaN-filled.
    this.ensureCapacity(highWatermark - start);
    let offset = start;
    let walked = 0;
    while (offset < highWatermark) {
      const read = log.read(offset, READ_BYTES, highWatermark);
      if (read === "OFFSET_OUT_OF_RANGE" || read.length === 0) break;
      for (const batch of read) {
        if (walked < this.batches.length) {
          if (this.batches[walked] === batch) {
            offset = this.batchEnds[walked++]!;
            continue;
          }
          dropped = this.dropFrom(walked, changes) || dropped;
        }
        offset = this.place(batch, offset, highWatermark, changes);
        walked++;
      }
    }
    if (walked < this.batches.length) dropped = this.dropFrom(walked, changes) || dropped;
    return dropped;
  }

  /** The value at `offset` as of the last refresh, NaN where none (or no leader). */
  valueAt(offset: number): number {
    if (!this.live) return NaN;
    const index = offset - this.startOffset;
    return index >= 0 && index < this.valueIds.length ? this.valueIds[index]! : NaN;
  }

  /** Visits every value the column holds (once per offset). */
  forEachValue(visit: (valueId: number) => void): void {
    if (!this.live || this.batchEnds.length === 0) return;
    const end = Math.min(this.valueIds.length, this.batchEnds[this.batchEnds.length - 1]! - this.startOffset);
    for (let i = 0; i < end; i++) {
      const valueId = this.valueIds[i]!;
      if (!Number.isNaN(valueId)) visit(valueId);
    }
  }

  /**
   * The committed log as of the last refresh (length high watermark - log start), null
   * without a leader: a view of the column, not a copy (the end-of-run checks read millions
   * of values once), so it holds only until the next refresh.
   */
  snapshot(): { readonly startOffset: number; readonly valueIds: Float64Array } | null {
    if (!this.live) return null;
    const length = Math.max(0, this.highWatermark - this.startOffset);
    this.ensureCapacity(length);
    return { startOffset: this.startOffset, valueIds: this.valueIds.subarray(0, length) };
  }

  /** Records of `batch` at or after `offset` and below the high watermark go in; returns the walk's next offset. */
  private place(batch: RecordBatch, offset: number, highWatermark: number, changes: ColumnChanges | null): number {
    const records = batch.records;
    if (records.length > 0) this.ensureCapacity(recordOffsetOf(batch, records.length - 1) + 1 - this.startOffset);
    const valueIds = this.valueIds;
    // Only a cleaner's batch has gaps between its records' offsets.
    const gaps = isCompacted(batch);
    for (let i = 0; i < records.length; i++) {
      const at = gaps ? recordOffsetOf(batch, i) : batch.baseOffset + i;
      if (at < offset || at >= highWatermark) continue;
      const index = at - this.startOffset;
      const valueId = records.valueIdAt(i);
      if (changes !== null) {
        const before = valueIds[index]!;
        if (!Number.isNaN(before)) changes.removed(before);
        changes.added(valueId);
      }
      valueIds[index] = valueId;
    }
    const next = Math.max(offset, nextOffsetOf(batch));
    this.batches.push(batch);
    this.batchEnds.push(next);
    return next;
  }

  /**
   * Forgets the walked batches from the `index`-th on, and the values they placed (all at
   * or after the walk's offset before it). Returns whether there were any.
   */
  private dropFrom(index: number, changes: ColumnChanges | null): boolean {
    if (index >= this.batches.length) return false;
    const from = (index === 0 ? this.startOffset : this.batchEnds[index - 1]!) - this.startOffset;
    const to = Math.min(this.valueIds.length, this.batchEnds[this.batchEnds.length - 1]! - this.startOffset);
    for (let i = Math.max(0, from); i < to; i++) {
      const valueId = this.valueIds[i]!;
      if (Number.isNaN(valueId)) continue;
      changes?.removed(valueId);
      this.valueIds[i] = NaN;
    }
    this.batches.length = index;
    this.batchEnds.length = index;
    return true;
  }

  private ensureCapacity(length: number): void {
    if (length <= this.valueIds.length) return;
    // Doubling: a long run's column reaches millions of values, and each growth copies and
    // fills a fresh array (growing by half, that was ~4% of a steady 20 s run; doubling ~3%).
    let capacity = Math.max(1, this.valueIds.length * 2);
    while (capacity < length) capacity *= 2;
    const grown = new Float64Array(capacity).fill(NaN);
    grown.set(this.valueIds);
    this.valueIds = grown;
  }
}
