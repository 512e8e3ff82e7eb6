import type { GroupConsumerObserver } from "../client/consumer/group/GroupConsumerObserver.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";
import { ValueIdTable } from "./ValueIdTable.ts";

/**
 * What consumer group members did, as the run goes: every record they processed (with
 * how many times), commits that failed (a zombie's, a stale generation's), and the
 * rebalances with how long each member waited for its new assignment. Redelivery (a value
 * processed more than once) is counted, not judged: at-least-once delivery allows it.
 */
export class GroupLedger {
  processed = 0;
  commitFailed = 0;
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
  private readonly stream = { valueId: [] as number[], partition: [] as number[], offset: [] as number[], generation: [] as number[], member: [] as number[], atMicros: [] as number[] };
  private readonly memberIds: string[] = [];
  private readonly memberIndex = new Map<string, number>();
  private readonly topicOf: string[] = [];

  readonly observer: GroupConsumerObserver = {
    processed: (record, generation, member, atMicros) => {
      this.append(record.record.valueId, record.topic, record.partition, record.offset, generation, member, atMicros);
      this.processed++;
      const id = record.record.valueId;
      this.timesProcessed.set(id, Math.max(this.timesProcessed.get(id), 0) + 1);
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

  private append(valueId: number, topic: string, partition: number, offset: number, generation: number, member: string, atMicros: number): void {
    let index = this.memberIndex.get(member);
    if (index === undefined) {
      index = this.memberIds.length;
      this.memberIds.push(member);
      this.memberIndex.set(member, index);
    }
    const s = this.stream;
    s.valueId.push(valueId);
    s.partition.push(partition);
    s.offset.push(offset);
    s.generation.push(generation);
    s.member.push(index);
    s.atMicros.push(atMicros);
    this.topicOf.push(topic);
  }

  /** The processed stream, one entry at a time (for checkers and reports). */
  *processedStream(): Generator<{ valueId: number; topic: string; partition: number; offset: number; generation: number; member: string; atMicros: number }> {
    const s = this.stream;
    for (let i = 0; i < s.valueId.length; i++) {
      yield { valueId: s.valueId[i]!, topic: this.topicOf[i]!, partition: s.partition[i]!, offset: s.offset[i]!, generation: s.generation[i]!, member: this.memberIds[s.member[i]!]!, atMicros: s.atMicros[i]! };
    }
  }

  /** Rebalances that completed: generations members were assigned in, the first one included. */
  get rebalances(): number {
    return this.generations.size;
  }

  /** Values processed more than once (each counts once). */
  get redelivered(): number {
    let n = 0;
    this.timesProcessed.forEachInIdOrder((_valueId, times) => {
      if (times > 1) n++;
    });
    return n;
  }

  wasProcessed(valueId: number): boolean {
    return this.timesProcessed.has(valueId);
  }
}
