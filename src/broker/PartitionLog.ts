import type { KafkaError } from "../protocol/errors.ts";
import type { ProducerBatch, RecordBatch } from "../protocol/records.ts";

/** The idempotence verdict on a producer batch (KIP-98), from the log's producer state. */
export type SequenceCheck =
  | { readonly kind: "ok" }
  | { readonly kind: "duplicate"; readonly baseOffset: number }
  | { readonly kind: "error"; readonly error: KafkaError };

/** An epoch and its end offset, as OffsetsForLeaderEpoch answers. */
export interface EpochEndOffsetAnswer {
  readonly epoch: number;
  readonly endOffset: number;
}

/**
 * What a partition replica needs from its log (src/broker/log/ implements it): offsets,
 * appends as leader and follower, reads, truncation, the leader epoch cache and the
 * producer state. Kept as an interface so the replication logic reads on its own.
 */
export interface PartitionLog {
  readonly logStartOffset: number;
  readonly logEndOffset: number;
  readonly highWatermark: number;
  /** Sets the high watermark, clamped to [logStartOffset, logEndOffset]. */
  updateHighWatermark(offset: number): void;
  checkProducerBatch(batch: ProducerBatch): SequenceCheck;
  appendAsLeader(batch: ProducerBatch, leaderEpoch: number, nowMicros: number): RecordBatch | KafkaError;
  appendAsFollower(batches: readonly RecordBatch[]): KafkaError | null;
  /**
   * After an append: when it reached flush.messages, Kafka's append flushed before
   * returning, so its caller waits: `done` runs once durable and this returns true.
   */
  awaitAppendFlush(done: () => void): boolean;
  read(fetchOffset: number, maxBytes: number, upperBoundOffset: number): readonly RecordBatch[] | "OFFSET_OUT_OF_RANGE";
  truncateTo(offset: number): void;
  truncateFullyAndStartAt(offset: number): void;
  latestEpoch(): number;
  /** Records that `epoch` starts at `startOffset` (a new leader's first offset). */
  assignEpoch(epoch: number, startOffset: number): void;
  /** KIP-101 (`kip279` false: endOffset only, epoch UNDEFINED) or KIP-279 answer for `epoch`. */
  endOffsetForEpoch(epoch: number, kip279: boolean): EpochEndOffsetAnswer;
  /** Retention and compaction, run periodically by the broker. */
  maintain(nowMicros: number): void;
}
