import { assert, type NodeContext } from "../../../sim/index.ts";
import type { KafkaError } from "../../protocol/errors.ts";
import type { ProducerBatch, RecordBatch } from "../../protocol/records.ts";
import type { TopicOptions } from "../BrokerOptions.ts";
import type { EpochEndOffsetAnswer, PartitionLog, SequenceCheck } from "../PartitionLog.ts";
import type { LogConfig } from "./LogConfig.ts";
import { ReplicaLog } from "./ReplicaLog.ts";

/** Kafka's log directory name for a partition. */
export function partitionDir(topic: string, partition: number): string {
  return `${topic}-${partition}`;
}

/** The log settings of a topic, from the broker's topic options. */
export function logConfigOf(options: TopicOptions): Partial<LogConfig> {
  return {
    segmentBytes: options.segmentBytes,
    segmentMicros: options.segmentMicros,
    retentionMicros: options.retentionMicros,
    retentionBytes: options.retentionBytes,
    cleanupPolicy: options.cleanupPolicy,
    flushMessages: options.flushMessages,
    flushMicros: options.flushMicros,
  };
}

/** Opens (and recovers) a partition replica's log on the node's disk, behind the broker's PartitionLog interface. */
export function openPartitionLog(ctx: NodeContext, topic: string, partition: number, options: TopicOptions, onOffline?: (reason: string) => void): PartitionLogAdapter {
  return new PartitionLogAdapter(new ReplicaLog(ctx, partitionDir(topic, partition), logConfigOf(options), onOffline));
}

/** The broker's view of a ReplicaLog. `log` is there for checkers and tests. */
export class PartitionLogAdapter implements PartitionLog {
  constructor(readonly log: ReplicaLog) {}

  get logStartOffset(): number { return this.log.logStartOffset; }
  get logEndOffset(): number { return this.log.logEndOffset; }
  get highWatermark(): number { return this.log.highWatermark; }

  updateHighWatermark(offset: number): void {
    this.log.updateHighWatermark(offset);
  }

  checkProducerBatch(batch: ProducerBatch): SequenceCheck {
    const check = this.log.producerState.check(batch.producerId, batch.producerEpoch, batch.baseSequence, batch.records.length);
    if (check.kind === "duplicate") return { kind: "duplicate", baseOffset: check.firstOffset };
    if (check.kind === "error") return { kind: "error", error: check.error };
    return check;
  }

  appendAsLeader(batch: ProducerBatch, leaderEpoch: number, nowMicros: number): RecordBatch | KafkaError {
    const result = this.log.appendAsLeader(batch, leaderEpoch, nowMicros);
    assert(result.kind !== "duplicate", () => `${this.log.dir}: duplicate batch appended without checkProducerBatch`);
    return result.kind === "appended" ? result.batch : result.error;
  }

  awaitAppendFlush(done: () => void): boolean {
    return this.log.awaitAppendFlush(done);
  }

  appendAsFollower(batches: readonly RecordBatch[]): KafkaError | null {
    const result = this.log.appendAsFollower(batches);
    return result.kind === "appended" ? null : result.error;
  }

  /** CORRUPT_MESSAGE and KAFKA_STORAGE_ERROR have no place in this interface: they read as nothing. */
  read(fetchOffset: number, maxBytes: number, upperBoundOffset: number): readonly RecordBatch[] | "OFFSET_OUT_OF_RANGE" {
    const result = this.log.read(fetchOffset, maxBytes, upperBoundOffset);
    if (result.error === "OFFSET_OUT_OF_RANGE") return "OFFSET_OUT_OF_RANGE";
    return result.batches;
  }

  truncateTo(offset: number): void {
    this.log.truncateTo(offset);
  }

  truncateFullyAndStartAt(offset: number): void {
    this.log.truncateFullyAndStartAt(offset);
  }

  latestEpoch(): number {
    return this.log.latestEpoch;
  }

  assignEpoch(epoch: number, startOffset: number): void {
    this.log.assignEpochStartOffset(epoch, startOffset);
  }

  endOffsetForEpoch(epoch: number, kip279: boolean): EpochEndOffsetAnswer {
    return this.log.endOffsetForEpoch(epoch, kip279 ? "kip-279" : "kip-101");
  }

  /** The broker's periodic log tasks: retention, cleaning, `flush.ms`, producer expiration. */
  maintain(nowMicros: number): void {
    this.log.deleteOldSegments(nowMicros);
    this.log.compact();
    this.log.flushIfDue(nowMicros);
    this.log.removeExpiredProducers(nowMicros);
  }
}
