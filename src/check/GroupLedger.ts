import type { GroupConsumerObserver } from "../client/consumer/group/GroupConsumerObserver.ts";
import { recordOffsetOf } from "../protocol/records.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";
import { ValueIdTable } from "./ValueIdTable.ts";
import { ProcessedStream, type ProcessedRecord } from "./ProcessedStream.ts";
import { oneOwnerPerGeneration } from "./oneOwnerPerGeneration.ts";

export type { ProcessedRecord };

/**
 * What consumer group members did, as the run goes: every record they processed (with
 * how many times), commits that failed (a zombie's, a stale generation's), and the
 * rebalances with how long each member waited for its new assignment. Redelivery (a value
 * processed more than once) is counted, not judged: at-least-once delivery allows it.
 */
export class GroupLedger {
  processed = 0;
  commitFailed = 0;
  private redeliveredValues = 0;
  /** Generations in which some member received an assignment, per group member's view. */
  private readonly generations = new Set<number>();
  /** How many times each value was processed (a typed array per producer, not a Map entry per value). */
  private readonly timesProcessed = new ValueIdTable();
  readonly endToEnd = new LatencyHistogram();
  readonly rebalanceDuration = new LatencyHistogram();

  /**
   * Every processed record, in order, as parallel columns of numbers (no object per record):
   * the run's record of what each member did, for checkers that follow a value from send
   * to processing (redelivery, loss, one owner per partition and generation).
   */
  private readonly stream = new ProcessedStream();

  readonly observer: GroupConsumerObserver = {
    processed: (record, generation, member, atMicros) => {
      const owner = this.stream.ownerOf(record.topic, record.partition, generation, member);
      this.processedOne(owner, record.record.valueId, record.offset, record.record.createdAtMicros, atMicros);
    },
    processedAll: (records, generation, member, atMicros) => {
      for (let run = 0; run < records.runCount; run++) {
        const { topic, partition } = records.runTopicPartition(run);
        const owner = this.stream.ownerOf(topic, partition, generation, member);
        const batch = records.runBatch(run);
        const values = batch.records;
        const end = records.runFirst(run) + records.runLength(run);
        for (let i = records.runFirst(run); i < end; i++) this.processedOne(owner, values.valueIdAt(i), recordOffsetOf(batch, i), values.createdAtMicrosAt(i), atMicros);
      }
    },
    commitFailed: () => {
      this.commitFailed++;
    },
    partitionsAssigned: (_partitions, generation, _member, startedMicros, atMicros) => {
      this.generations.add(generation);
      this.rebalanceDuration.record(atMicros - startedMicros);
    },
  };

  /** A record processed by `owner` (the stream's id of its partition, generation and member). */
  private processedOne(owner: number, valueId: number, offset: number, createdAtMicros: number, atMicros: number): void {
    this.stream.appendOwned(owner, valueId, offset, atMicros);
    this.processed++;
    const times = this.timesProcessed.increment(valueId);
    if (times === 2) this.redeliveredValues++;
    this.endToEnd.record(atMicros - createdAtMicros);
  }

  /** The processed stream, one entry at a time (for checkers and reports). */
  *processedStream(): Generator<ProcessedRecord> {
    for (let i = 0; i < this.stream.length; i++) yield this.stream.read(i, {} as ProcessedRecord);
  }

  /** Reports each processed record whose member is not the first to process its partition in its generation (see oneOwnerPerGeneration). */
  checkOneOwnerPerGeneration(report: (record: Readonly<ProcessedRecord>, owner: string) => void): void {
    oneOwnerPerGeneration(this.stream, report);
  }

  /** Rebalances that completed: generations members were assigned in, the first one included. */
  get rebalances(): number {
    return this.generations.size;
  }

  /** Values processed more than once (each counts once). */
  get redelivered(): number {
    return this.redeliveredValues;
  }

  wasProcessed(valueId: number): boolean {
    return this.timesProcessed.has(valueId);
  }
}
