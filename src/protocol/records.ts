import type { RecordSet } from "./RecordSet.ts";

export { RecordSet } from "./RecordSet.ts";

/**
 * Records and batches as the model stores them: objects with sizes, never bytes. A record's
 * value is an id (`producer:sequence`-like, unique per send) so checkers can follow it from
 * send to log to consumer.
 */
export interface KafkaRecord {
  readonly key: string | null;
  /** Unique id of the value; what a checker follows end to end. */
  readonly valueId: number;
  /** Size on the wire and on disk, key and headers included. */
  readonly sizeBytes: number;
  /** The producer's send time (simulated), for end-to-end latency. */
  readonly createdAtMicros: number;
  /**
   * Structured content for internal topics (a committed offset, a group's metadata in
   * __consumer_offsets); absent on application records, whose value is only its id.
   */
  readonly payload?: unknown;
}

export const NO_PRODUCER_ID = -1;
export const NO_SEQUENCE = -1;
export const NO_PARTITION_LEADER_EPOCH = -1;

/**
 * A record batch (Kafka's RecordBatch v2): the unit of produce, replication, storage and
 * fetch. Offsets are assigned by the leader on append; the batch carries the leader epoch
 * it was appended in (partitionLeaderEpoch), which feeds the leader epoch cache.
 */
export interface RecordBatch {
  readonly baseOffset: number;
  /** lastOffset = baseOffset + records.length - 1. */
  readonly records: RecordSet;
  readonly partitionLeaderEpoch: number;
  readonly producerId: number;
  readonly producerEpoch: number;
  /** Sequence of the first record; records are numbered consecutively after it. */
  readonly baseSequence: number;
  /** Simulated time the leader appended the batch (LogAppendTime), for retention. */
  readonly appendedAtMicros: number;
  readonly sizeBytes: number;
}

/** Per-batch overhead of the v2 format (header without records), for sizes. */
export const BATCH_OVERHEAD_BYTES = 61;

/**
 * A batch the log cleaner rewrote. Kafka's v2 batch keeps its base offset and its
 * lastOffsetDelta when records are removed, and each remaining record keeps its own
 * offset delta, so readers (followers and consumers alike) see each record's own offset:
 * here a compacted batch keeps `baseOffset`, records its original last offset, and lists
 * the offset of each remaining record. Offsets are never reassigned.
 */
export interface CompactedBatch extends RecordBatch {
  /** Offset of record i, ascending. */
  readonly recordOffsets: readonly number[];
  /** The batch's last offset as first written (Kafka's baseOffset + lastOffsetDelta). */
  readonly lastOffset: number;
}

export function isCompacted(batch: RecordBatch): batch is CompactedBatch {
  return (batch as CompactedBatch).recordOffsets !== undefined;
}

/** The batch's last offset; for a compacted batch, the last offset it was written with. */
export function lastOffsetOf(batch: RecordBatch): number {
  return isCompacted(batch) ? batch.lastOffset : batch.baseOffset + batch.records.length - 1;
}

/** The offset after the batch: the log end offset once it is the last one. */
export function nextOffsetOf(batch: RecordBatch): number {
  return lastOffsetOf(batch) + 1;
}

/** The offset of record i of the batch. */
export function recordOffsetOf(batch: RecordBatch, i: number): number {
  return isCompacted(batch) ? batch.recordOffsets[i]! : batch.baseOffset + i;
}

export function lastSequenceOf(batch: RecordBatch): number {
  return batch.baseSequence === NO_SEQUENCE ? NO_SEQUENCE : batch.baseSequence + batch.records.length - 1;
}

/** What a producer sends: a batch without offsets, epoch or append time (the leader sets those). */
export interface ProducerBatch {
  readonly records: RecordSet;
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly sizeBytes: number;
}

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

export function tpKey(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}
