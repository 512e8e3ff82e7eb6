import { assert } from "../../../sim/index.ts";
import { recordOffsetOf, type RecordBatch, type TopicPartition } from "../../protocol/records.ts";
import { ConsumerRecord } from "./ConsumerRecord.ts";
import type { ConsumedRecord } from "./Fetcher.ts";

/**
 * What one poll() returns (Kafka's ConsumerRecords): the records handed out, kept as runs,
 * each a stretch of consecutive records of one fetched batch. A ConsumerRecord is made only
 * for a reader that asks for one (`at`, iteration); the run's observers read the runs (a
 * consumer hands out as many records as the producers send, and an object per record was a
 * quarter of what a steady run allocated).
 */
export class ConsumerRecords implements Iterable<ConsumedRecord> {
  static readonly EMPTY = new ConsumerRecords();

  private readonly tps: TopicPartition[] = [];
  private readonly batches: RecordBatch[] = [];
  /** Index in its batch of each run's first record. */
  private readonly firsts: number[] = [];
  private readonly counts: number[] = [];
  private total = 0;
  /** The run of the last record `at` found, and the index of that run's first record: readers go in order. */
  private cursorRun = 0;
  private cursorStart = 0;

  /** How many records (Kafka's count()). */
  get length(): number {
    return this.total;
  }

  get runCount(): number {
    return this.batches.length;
  }

  runTopicPartition(run: number): TopicPartition {
    return this.tps[run]!;
  }

  runBatch(run: number): RecordBatch {
    return this.batches[run]!;
  }

  /** The index, in the run's batch, of its first record. */
  runFirst(run: number): number {
    return this.firsts[run]!;
  }

  runLength(run: number): number {
    return this.counts[run]!;
  }

  /** Appends records `first` .. `first + count - 1` of `batch` (of `tp`) as a run; while the poll is made. */
  append(tp: TopicPartition, batch: RecordBatch, first: number, count: number): void {
    assert(this !== ConsumerRecords.EMPTY, "ConsumerRecords: EMPTY is shared");
    assert(count > 0 && first >= 0 && first + count <= batch.records.length, () => `ConsumerRecords: records ${first} + ${count} of a batch of ${batch.records.length}`);
    this.tps.push(tp);
    this.batches.push(batch);
    this.firsts.push(first);
    this.counts.push(count);
    this.total += count;
  }

  /** Record `i` as a ConsumerRecord (a new object each call). */
  at(i: number): ConsumedRecord {
    assert(i >= 0 && i < this.total, () => `ConsumerRecords: record ${i} of ${this.total}`);
    if (i < this.cursorStart) {
      this.cursorRun = 0;
      this.cursorStart = 0;
    }
    while (i >= this.cursorStart + this.counts[this.cursorRun]!) this.cursorStart += this.counts[this.cursorRun++]!;
    const run = this.cursorRun;
    return recordOf(this.tps[run]!, this.batches[run]!, this.firsts[run]! + i - this.cursorStart);
  }

  *[Symbol.iterator](): Iterator<ConsumedRecord> {
    for (let run = 0; run < this.batches.length; run++) {
      const tp = this.tps[run]!;
      const batch = this.batches[run]!;
      const end = this.firsts[run]! + this.counts[run]!;
      for (let i = this.firsts[run]!; i < end; i++) yield recordOf(tp, batch, i);
    }
  }

  toArray(): ConsumedRecord[] {
    return [...this];
  }

  /** These records but the first (a planted bug's loss). */
  withoutFirst(): ConsumerRecords {
    const out = new ConsumerRecords();
    for (let run = 0; run < this.batches.length; run++) {
      const skip = run === 0 ? 1 : 0;
      if (this.counts[run]! > skip) out.append(this.tps[run]!, this.batches[run]!, this.firsts[run]! + skip, this.counts[run]! - skip);
    }
    return out;
  }
}

/** Record `i` of `batch` as poll() hands it out. */
export function recordOf(tp: TopicPartition, batch: RecordBatch, i: number): ConsumerRecord {
  const records = batch.records;
  return new ConsumerRecord(
    tp.topic,
    tp.partition,
    recordOffsetOf(batch, i),
    batch.partitionLeaderEpoch,
    records.keyAt(i),
    records.valueIdAt(i),
    records.sizeBytesAt(i),
    records.createdAtMicrosAt(i),
    records.payloadAt(i),
  );
}
