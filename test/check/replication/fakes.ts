import { RecordSet } from "../../../src/protocol/RecordSet.ts";
/**
 * Tiny stand-ins for replica logs and brokers, enough for the ReplicationChecker: a log is
 * a list of value ids from its log start, read back as one-record batches (a few per read,
 * so the checker's read loop turns), with a high watermark the test sets.
 */
import type { FinalBroker, FinalReplica, ReadableLog } from "../../../src/check/replication/index.ts";
import type { RecordBatch } from "../../../src/protocol/records.ts";

export const T = "orders";

export class FakeLog implements ReadableLog {
  highWatermark: number;

  constructor(
    readonly values: number[] = [],
    hw = 0,
    readonly logStartOffset = 0,
  ) {
    this.highWatermark = hw;
  }

  get logEndOffset(): number {
    return this.logStartOffset + this.values.length;
  }

  append(...valueIds: number[]): this {
    this.values.push(...valueIds);
    return this;
  }

  read(fetchOffset: number, _maxBytes: number, upperBoundOffset: number): readonly RecordBatch[] | "OFFSET_OUT_OF_RANGE" {
    if (fetchOffset < this.logStartOffset || fetchOffset > this.logEndOffset) return "OFFSET_OUT_OF_RANGE";
    const out: RecordBatch[] = [];
    const upper = Math.min(upperBoundOffset, this.logEndOffset);
    for (let o = fetchOffset; o < upper && out.length < 3; o++) {
      out.push({
        baseOffset: o,
        records: RecordSet.of([{ key: null, valueId: this.values[o - this.logStartOffset]!, sizeBytes: 10, createdAtMicros: 0 }]),
        partitionLeaderEpoch: 0,
        producerId: -1,
        producerEpoch: -1,
        baseSequence: -1,
        appendedAtMicros: 0,
        sizeBytes: 71,
      });
    }
    return out;
  }
}

/** Logs by broker and partition of topic T: `logs.get(broker, partition)`. */
export class FakeCluster {
  private readonly logs = new Map<string, FakeLog>();

  set(broker: number, log: FakeLog, partition = 0): FakeLog {
    this.logs.set(`${broker}/${partition}`, log);
    return log;
  }

  get(broker: number, partition = 0): FakeLog | undefined {
    return this.logs.get(`${broker}/${partition}`);
  }

  /** The checker's lookup. */
  readonly logOf = (broker: number, topic: string, partition: number): FakeLog | undefined =>
    topic === T ? this.get(broker, partition) : undefined;
}

/** A final replica of T-0 on `brokerId`. */
export function replica(brokerId: number, log: FakeLog, o: { leaderEpoch?: number; isr?: number[]; isLeader?: boolean } = {}): FinalReplica {
  return { topic: T, partition: 0, brokerId, log, isLeader: o.isLeader ?? false, leaderEpoch: o.leaderEpoch ?? 0, isr: o.isr ?? [] };
}

export function broker(...replicas: FinalReplica[]): FinalBroker {
  return { replicas: { allPartitions: () => replicas } };
}
