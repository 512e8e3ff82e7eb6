import type { GroupConsumerObserver } from "../client/consumer/group/GroupConsumerObserver.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";

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
  private readonly timesProcessed = new Map<number, number>();
  readonly endToEnd = new LatencyHistogram();
  readonly rebalanceDuration = new LatencyHistogram();

  readonly observer: GroupConsumerObserver = {
    processed: (record, _generation, _member, atMicros) => {
      this.processed++;
      const id = record.record.valueId;
      this.timesProcessed.set(id, (this.timesProcessed.get(id) ?? 0) + 1);
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

  /** Rebalances that completed: generations members were assigned in, the first one included. */
  get rebalances(): number {
    return this.generations.size;
  }

  /** Values processed more than once (each counts once). */
  get redelivered(): number {
    let n = 0;
    for (const times of this.timesProcessed.values()) if (times > 1) n++;
    return n;
  }

  wasProcessed(valueId: number): boolean {
    return this.timesProcessed.has(valueId);
  }
}
