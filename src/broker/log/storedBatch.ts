import type { RecordBatch } from "../../protocol/records.ts";

/**
 * A batch the cleaner rewrote. Kafka's v2 batch keeps its base offset and its
 * lastOffsetDelta when records are removed, and each remaining record keeps its own
 * offset delta; so here a compacted batch keeps `baseOffset`, records its original last
 * offset, and lists the offset of each remaining record. Offsets are never reassigned:
 * a compacted log has gaps, inside batches and between them (whole batches removed).
 *
 * Only batches written by the cleaner have these fields, so a gap in the log is always
 * followed by a compacted batch: recovery and follower appends rely on that to tell a
 * gap left by compaction from lost data.
 */
export interface CompactedBatch extends RecordBatch {
  /** Offset of `records[i]`, ascending. */
  readonly recordOffsets: readonly number[];
  /** The batch's last offset as first written (Kafka's baseOffset + lastOffsetDelta). */
  readonly lastOffset: number;
}

/** What a segment file holds, one disk record per batch. */
export type StoredBatch = RecordBatch | CompactedBatch;

export function isCompacted(batch: RecordBatch): batch is CompactedBatch {
  return (batch as CompactedBatch).recordOffsets !== undefined;
}

/** The batch's last offset; for a compacted batch, the last offset it was written with. */
export function batchLastOffset(batch: RecordBatch): number {
  return isCompacted(batch) ? batch.lastOffset : batch.baseOffset + batch.records.length - 1;
}

/** The offset after the batch: the log end offset once it is the last one. */
export function batchNextOffset(batch: RecordBatch): number {
  return batchLastOffset(batch) + 1;
}

/** The offset of `batch.records[i]`. */
export function recordOffset(batch: RecordBatch, i: number): number {
  return isCompacted(batch) ? batch.recordOffsets[i]! : batch.baseOffset + i;
}

const INT32_MAX = 2147483647;

/**
 * The sequence of the batch's last record, from its base sequence and its offset span
 * (Kafka's lastSequence: baseSequence + lastOffsetDelta, wrapping past Int.MAX to 0).
 */
export function batchLastSequence(batch: RecordBatch): number {
  if (batch.baseSequence < 0) return batch.baseSequence;
  return incrementSequence(batch.baseSequence, batchLastOffset(batch) - batch.baseOffset);
}

export function incrementSequence(sequence: number, increment: number): number {
  if (sequence > INT32_MAX - increment) return increment - (INT32_MAX - sequence) - 1;
  return sequence + increment;
}
