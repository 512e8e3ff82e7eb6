import { isCompacted, lastOffsetOf, nextOffsetOf, recordOffsetOf, type CompactedBatch, type RecordBatch } from "../../protocol/records.ts";

export type { CompactedBatch };
export { isCompacted };

/**
 * Only batches written by the cleaner are compacted (see CompactedBatch), so a gap in the
 * log is always followed by a compacted batch: recovery and follower appends rely on that
 * to tell a gap left by compaction from lost data.
 */

/** What a segment file holds, one disk record per batch. */
export type StoredBatch = RecordBatch | CompactedBatch;

/** The batch's last offset; for a compacted batch, the last offset it was written with. */
export const batchLastOffset = lastOffsetOf;
/** The offset after the batch: the log end offset once it is the last one. */
export const batchNextOffset = nextOffsetOf;
/** The offset of `batch.records[i]`. */
export const recordOffset = recordOffsetOf;

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
