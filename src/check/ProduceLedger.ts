import type { ProducerObserver } from "../client/producer/KafkaProducer.ts";
import type { ClientError } from "../client/errors.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";
import { ValueIdTable } from "./ValueIdTable.ts";

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
  /**
   * Where each acknowledged record landed, as columns (no object per record: a big run
   * acknowledges millions): row `ackedRow.get(valueId)` holds its partition (an index into
   * `partitionKeys`) and offset (-1 with acks=0). A value acknowledged again overwrites its row.
   */
  private readonly ackedRow = new ValueIdTable();
  private ackedPartition = new Int32Array(1024);
  private ackedOffset = new Float64Array(1024);
  /** `canonical`: the first index with the same key string (the same partition unless names collide). */
  private readonly partitionKeys: { topic: string; partition: number; key: string; canonical: number }[] = [];
  private readonly partitionIndex = new Map<string, Map<number, number>>();

  readonly observer: ProducerObserver = {
    sent: () => {
      this.sent++;
    },
    acknowledged: (record, topic, partition, offset, latencyMicros) => {
      this.acked++;
      this.latency.record(latencyMicros);
      this.recordAck(record.valueId, topic, partition, offset);
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
    // Keyed by producer and partition key as one number, not a string per record.
    const last = new Map<number, { valueId: number; offset: number }>();
    const partitions = this.partitionKeys.length;
    this.ackedRow.forEachInIdOrder((valueId, row) => {
      const offset = this.ackedOffset[row]!;
      if (offset < 0) return; // acks=0: no offset to compare
      const partition = this.ackedPartition[row]!;
      const where = this.partitionKeys[partition]!;
      const key = Math.floor(valueId / valuesPerProducer) * partitions + where.canonical;
      const before = last.get(key);
      if (before && offset < before.offset) report({ valueId, topic: where.topic, partition: where.partition, offset, previous: before.offset });
      if (before) {
        before.valueId = valueId;
        before.offset = offset;
      } else last.set(key, { valueId, offset });
    });
  }

  /** Acknowledged records for which `seen` is false (unprocessed by a consumer group, say). */
  ackedNot(seen: (valueId: number) => boolean): number {
    let n = 0;
    this.ackedRow.forEachInIdOrder((valueId) => {
      if (!seen(valueId)) n++;
    });
    return n;
  }

  /**
   * Acknowledged records for which `seen` is false, told where each was acknowledged
   * (partition and offset, -1 with acks=0), so a check can look there first.
   */
  ackedNotAt(seen: (valueId: number, topic: string, partition: number, offset: number) => boolean): number {
    let n = 0;
    this.ackedRow.forEachInIdOrder((valueId, row) => {
      const where = this.partitionKeys[this.ackedPartition[row]!]!;
      if (!seen(valueId, where.topic, where.partition, this.ackedOffset[row]!)) n++;
    });
    return n;
  }

  /** Partition keys (`topic-p`) that acknowledged records went to. */
  partitionsWritten(): string[] {
    const used = new Set<number>();
    this.ackedRow.forEachInIdOrder((_valueId, row) => {
      used.add(this.ackedPartition[row]!);
    });
    return [...new Set([...used].map((i) => this.partitionKeys[i]!.key))].sort();
  }

  private recordAck(valueId: number, topic: string, partition: number, offset: number): void {
    let byPartition = this.partitionIndex.get(topic);
    if (byPartition === undefined) {
      byPartition = new Map();
      this.partitionIndex.set(topic, byPartition);
    }
    let partitionKey = byPartition.get(partition);
    if (partitionKey === undefined) {
      partitionKey = this.partitionKeys.length;
      const key = `${topic}-${partition}`;
      const canonical = this.partitionKeys.find((k) => k.key === key)?.canonical ?? partitionKey;
      this.partitionKeys.push({ topic, partition, key, canonical });
      byPartition.set(partition, partitionKey);
    }
    let row = this.ackedRow.get(valueId);
    if (row === -1) {
      row = this.ackedRow.size;
      this.ackedRow.set(valueId, row);
      if (row >= this.ackedOffset.length) {
        const partitions = new Int32Array(this.ackedOffset.length * 2);
        partitions.set(this.ackedPartition);
        this.ackedPartition = partitions;
        const offsets = new Float64Array(this.ackedOffset.length * 2);
        offsets.set(this.ackedOffset);
        this.ackedOffset = offsets;
      }
    }
    this.ackedPartition[row] = partitionKey;
    this.ackedOffset[row] = offset;
  }

  losses(committed: CommittedValues): LossReport {
    let lostAcked = 0;
    let lostInOfflinePartitions = 0;
    const examples: { valueId: number; topic: string; partition: number; offset: number }[] = [];
    this.ackedRow.forEachInIdOrder((valueId, row) => {
      const where = this.partitionKeys[this.ackedPartition[row]!]!;
      const values = committed.get(where.key);
      if (values && values.has(valueId)) return;
      lostAcked++;
      if (!values) lostInOfflinePartitions++;
      if (examples.length < 10) examples.push({ valueId, topic: where.topic, partition: where.partition, offset: this.ackedOffset[row]! });
    });
    let duplicated = 0;
    for (const values of committed.values()) {
      if (!values) continue;
      for (const offsets of values.values()) if (offsets.length > 1) duplicated++;
    }
    return { lostAcked, lostInOfflinePartitions, duplicated, examples };
  }
}
