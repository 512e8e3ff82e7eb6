import type { ProducerObserver } from "../client/producer/KafkaProducer.ts";
import type { ClientError } from "../client/errors.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";

/** Where an acknowledged record should be: its partition (and offset, -1 with acks=0). */
interface AckedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** For each partition, the value ids in its final committed log, with the offsets they sit at. */
export type CommittedValues = ReadonlyMap<string, ReadonlyMap<number, readonly number[]> | null>;

export interface LossReport {
  /** Acknowledged records absent from the final committed log of their partition. */
  readonly lostAcked: number;
  /** Of those, in partitions that had no leader at the end (unavailable rather than truncated). */
  readonly lostInOfflinePartitions: number;
  /** Values present at more than one offset (a retry written twice). */
  readonly duplicated: number;
  /** The first few lost records, for the report. */
  readonly examples: readonly { valueId: number; topic: string; partition: number; offset: number }[];
}

/**
 * What producers were told, as the run goes: sends, acknowledgements (with where the
 * record landed) and failures, and the produce latency of every acknowledged record. At
 * the end it compares the acknowledgements with the partitions' final committed logs:
 * the first, simple loss count (the full Jepsen-style checkers come later).
 */
export class ProduceLedger {
  sent = 0;
  acked = 0;
  failed = 0;
  /** Failures whose outcome is unknown (the record may be in the log). */
  failedMaybeWritten = 0;
  readonly errors = new Map<ClientError, number>();
  readonly latency = new LatencyHistogram();
  private readonly ackedRecords = new Map<number, AckedRecord>();

  readonly observer: ProducerObserver = {
    sent: () => {
      this.sent++;
    },
    acknowledged: (record, topic, partition, offset, latencyMicros) => {
      this.acked++;
      this.latency.record(latencyMicros);
      this.ackedRecords.set(record.valueId, { topic, partition, offset });
    },
    failed: (_record, _topic, _partition, error, maybeWritten) => {
      this.failed++;
      if (maybeWritten) this.failedMaybeWritten++;
      this.errors.set(error, (this.errors.get(error) ?? 0) + 1);
    },
  };

  /**
   * Jepsen's nonmonotonic-send: per producer and partition, in send order (value ids grow
   * with each producer's sends), acknowledged offsets must grow too. Reports each step back.
   */
  nonmonotonicSends(report: (e: { valueId: number; topic: string; partition: number; offset: number; previous: number }) => void, valuesPerProducer: number): void {
    const last = new Map<string, { valueId: number; offset: number }>();
    const ids = [...this.ackedRecords.keys()].sort((a, b) => a - b);
    for (const valueId of ids) {
      const r = this.ackedRecords.get(valueId)!;
      if (r.offset < 0) continue; // acks=0: no offset to compare
      const key = `${Math.floor(valueId / valuesPerProducer)}:${r.topic}-${r.partition}`;
      const before = last.get(key);
      if (before && r.offset < before.offset) report({ valueId, topic: r.topic, partition: r.partition, offset: r.offset, previous: before.offset });
      last.set(key, { valueId, offset: r.offset });
    }
  }

  /** Acknowledged records for which `seen` is false (unprocessed by a consumer group, say). */
  ackedNot(seen: (valueId: number) => boolean): number {
    let n = 0;
    for (const id of this.ackedRecords.keys()) if (!seen(id)) n++;
    return n;
  }

  /** Partition keys (`topic-p`) that acknowledged records went to. */
  partitionsWritten(): string[] {
    return [...new Set([...this.ackedRecords.values()].map((r) => `${r.topic}-${r.partition}`))].sort();
  }

  losses(committed: CommittedValues): LossReport {
    let lostAcked = 0;
    let lostInOfflinePartitions = 0;
    const examples: { valueId: number; topic: string; partition: number; offset: number }[] = [];
    const ids = [...this.ackedRecords.keys()].sort((a, b) => a - b);
    for (const valueId of ids) {
      const r = this.ackedRecords.get(valueId)!;
      const values = committed.get(`${r.topic}-${r.partition}`);
      if (values && values.has(valueId)) continue;
      lostAcked++;
      if (!values) lostInOfflinePartitions++;
      if (examples.length < 10) examples.push({ valueId, ...r });
    }
    let duplicated = 0;
    for (const values of committed.values()) {
      if (!values) continue;
      for (const offsets of values.values()) if (offsets.length > 1) duplicated++;
    }
    return { lostAcked, lostInOfflinePartitions, duplicated, examples };
  }
}
