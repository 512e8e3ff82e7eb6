import type { GroupConsumerObserver } from "../client/consumer/group/GroupConsumerObserver.ts";
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
      this.stream.append(record.record.valueId, record.topic, record.partition, record.offset, generation, member, atMicros);
      this.processed++;
      const id = record.record.valueId;
      const times = this.timesProcessed.increment(id);
      if (times === 2) this.redeliveredValues++;
      this.endToEnd.record(atMicros - record.record.createdAtMicros);
    },
    commitFailed: () => {
      this.commitFailed++;
    },
    partitionsAssigned: (_partitions, generation, _member, startedMicros, atMicros) => {
      this.generations.add(generation);
      this.rebalanceDuration.record(atMicros - startedMicros);
    },
  };

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
