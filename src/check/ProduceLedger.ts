import type { ProducerObserver } from "../client/producer/KafkaProducer.ts";
import type { ClientError } from "../client/errors.ts";
import { PackedColumn } from "./PackedColumn.ts";
import { LatencyHistogram } from "../report/LatencyHistogram.ts";
import { ValueIdTable } from "./ValueIdTable.ts";

/**
 * For each partition, the value ids in its final committed log, with the offsets they sit
 * at; `repeatedCount`, where given, says how many sit at more than one (without visiting
 * them all), and `valueAt` the value at an offset (a value found where it was acknowledged
 * needs no lookup by value).
 */
export type CommittedValues = ReadonlyMap<string, (ReadonlyMap<number, readonly number[]> & { readonly repeatedCount?: number; valueAt?(offset: number): number | undefined }) | null>;

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
  private readonly ackedPartition = new PackedColumn();
  private readonly ackedOffset = new PackedColumn();
  /** The value id of each row: rows are in the order values were first acknowledged. */
  private readonly ackedValueIds = new PackedColumn();
  /** `canonical`: the first index with the same key string (the same partition unless names collide). */
  private readonly partitionKeys: { topic: string; partition: number; key: string; canonical: number }[] = [];
  private readonly partitionIndex = new Map<string, Map<number, number>>();
  private lastTopic: string | null = null;
  private lastPartition = -1;
  private lastPartitionKey = -1;

  readonly observer: ProducerObserver & Required<Pick<ProducerObserver, "batchAcknowledged">> = {
    sent: () => {
      this.sent++;
    },
    acknowledged: (record, topic, partition, offset, latencyMicros) => {
      this.acked++;
      this.latency.record(latencyMicros);
      this.recordAck(record.valueId, topic, partition, offset);
    },
    batchAcknowledged: (records, topic, partition, baseOffset, atMicros) => {
      const count = records.recordCount;
      this.acked += count;
      for (let i = 0; i < count; i++) {
        this.latency.record(atMicros - records.createdAtMicrosAt(i));
        this.recordAck(records.valueIdAt(i), topic, partition, baseOffset < 0 ? -1 : baseOffset + i);
      }
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
    // Value ids are visited in increasing order, so one producer's come together: the last
    // offset per partition (by its canonical index) is an array, started anew per producer.
    const last = new Float64Array(this.partitionKeys.length).fill(NaN);
    let producer = NaN;
    this.ackedRow.forEachInIdOrder((valueId, row) => {
      const offset = this.ackedOffset.get(row);
      if (offset < 0) return; // acks=0: no offset to compare
      const where = this.partitionKeys[this.ackedPartition.get(row)]!;
      const from = Math.floor(valueId / valuesPerProducer);
      if (from !== producer) {
        producer = from;
        last.fill(NaN);
      }
      const before = last[where.canonical]!;
      if (offset < before) report({ valueId, topic: where.topic, partition: where.partition, offset, previous: before });
      last[where.canonical] = offset;
    });
  }

  /** Acknowledged records for which `seen` is false (unprocessed by a consumer group, say). */
  ackedNot(seen: (valueId: number) => boolean): number {
    let n = 0;
    const rows = this.ackedRow.size;
    for (let row = 0; row < rows; row++) if (!seen(this.ackedValueIds.get(row))) n++;
    return n;
  }

  /** How many distinct values were acknowledged: rows 0 to this - 1. */
  get ackedValues(): number {
    return this.ackedRow.size;
  }

  /** The value acknowledged `row`-th (in the order values were first acknowledged). */
  ackedValueAt(row: number): number {
    return this.ackedValueIds.get(row);
  }

  /** Where the value of `row` was (last) acknowledged: an index for `partitionAt`, and the offset (-1 with acks=0). */
  ackedPartitionAt(row: number): number {
    return this.ackedPartition.get(row);
  }

  ackedOffsetAt(row: number): number {
    return this.ackedOffset.get(row);
  }

  /** Rows `from` .. `from + count - 1` at once: their values, partition indexes and offsets (see `ackedValueAt` and the two after it). */
  readAcked(from: number, count: number, valueIds: Float64Array, partitions: Float64Array, offsets: Float64Array): void {
    this.ackedValueIds.readInto(from, count, valueIds);
    this.ackedPartition.readInto(from, count, partitions);
    this.ackedOffset.readInto(from, count, offsets);
  }

  /** The partition an `ackedPartitionAt` index stands for. */
  partitionAt(index: number): { readonly topic: string; readonly partition: number } {
    return this.partitionKeys[index]!;
  }

  /** Partition keys (`topic-p`) that acknowledged records went to. */
  partitionsWritten(): string[] {
    const used = new Set<number>();
    const rows = this.ackedRow.size;
    for (let row = 0; row < rows; row++) used.add(this.ackedPartition.get(row));
    return [...new Set([...used].map((i) => this.partitionKeys[i]!.key))].sort();
  }

  private recordAck(valueId: number, topic: string, partition: number, offset: number): void {
    const partitionKey = topic === this.lastTopic && partition === this.lastPartition ? this.lastPartitionKey : this.partitionKeyOf(topic, partition);
    // One lookup: a new value gets the next row, a value acknowledged again keeps its own.
    const row = this.ackedRow.addIfAbsent(valueId, this.ackedRow.size);
    if (row === -1) {
      // Rows are made in order (row === length): one chunk at a time, packed (see PackedColumn).
      this.ackedValueIds.push(valueId);
      this.ackedPartition.push(partitionKey);
      this.ackedOffset.push(offset);
      return;
    }
    this.ackedPartition.set(row, partitionKey);
    this.ackedOffset.set(row, offset);
  }

  /** The index of a partition in `partitionKeys`, added on first sight; remembered for the next acknowledgement (a batch's records come together). */
  private partitionKeyOf(topic: string, partition: number): number {
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
    this.lastTopic = topic;
    this.lastPartition = partition;
    this.lastPartitionKey = partitionKey;
    return partitionKey;
  }

  /**
   * Acknowledged values absent from the committed log of the partition they were
   * acknowledged in, with the first few (smallest value ids) as examples.
   */
  losses(committed: CommittedValues): LossReport {
    // Each partition's committed values looked up once, not by key string per record.
    const byPartition = this.partitionKeys.map((k) => committed.get(k.key));
    let lostInOfflinePartitions = 0;
    const lostRows: number[] = [];
    const rows = this.ackedRow.size;
    for (let row = 0; row < rows; row++) {
      const values = byPartition[this.ackedPartition.get(row)];
      const valueId = this.ackedValueIds.get(row);
      if (values && (values.valueAt?.(this.ackedOffset.get(row)) === valueId || values.has(valueId))) continue;
      lostRows.push(row);
      if (!values) lostInOfflinePartitions++;
    }
    const examples = lostRows
      .sort((a, b) => this.ackedValueIds.get(a) - this.ackedValueIds.get(b))
      .slice(0, 10)
      .map((row) => {
        const where = this.partitionKeys[this.ackedPartition.get(row)]!;
        return { valueId: this.ackedValueIds.get(row), topic: where.topic, partition: where.partition, offset: this.ackedOffset.get(row) };
      });
    let duplicated = 0;
    for (const values of committed.values()) {
      if (!values) continue;
      if (values.repeatedCount !== undefined) duplicated += values.repeatedCount;
      else for (const offsets of values.values()) if (offsets.length > 1) duplicated++;
    }
    return { lostAcked: lostRows.length, lostInOfflinePartitions, duplicated, examples };
  }
}
