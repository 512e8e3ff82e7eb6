import { recordOffsetOf, type RecordBatch, type TopicPartition } from "../../protocol/records.ts";
import { recordOf, type ConsumerRecords } from "./ConsumerRecords.ts";
import type { ConsumedRecord } from "./Fetcher.ts";

/**
 * The records of one fetch answer for one partition, from the consumer's position on, kept
 * as the answer's batches: poll() hands them out as runs of those batches (ConsumerRecords),
 * and a record object is made only for a reader that asks for one.
 *
 * A lagging consumer's answer holds up to max.partition.fetch.bytes (a megabyte: thousands
 * of records) per partition, and it waits in the fetch buffer while poll() hands it out
 * max.poll.records at a time; made all at once, those objects outlived the young generation
 * and went to the old one as garbage to come.
 */
export class FetchedRecords {
  static empty(tp: TopicPartition): FetchedRecords {
    return new FetchedRecords(tp, [], 0);
  }

  /** Records at or after `from` in `batches` (a fetch may start in the middle of a batch). */
  readonly length: number;
  /** The first record to hand out: batch `batch`, record `index` in it. */
  private batch = 0;
  private index = 0;
  private taken = 0;

  constructor(
    readonly tp: TopicPartition,
    private readonly batches: readonly RecordBatch[],
    from: number,
  ) {
    let length = 0;
    for (const b of batches) length += b.records.length;
    // Offsets rise through the batches, so only a prefix lies below `from`.
    this.length = length - this.skipBelow(from);
  }

  /** Records not yet taken. */
  get remaining(): number {
    return this.length - this.taken;
  }

  /** The offset of the next record to take (undefined when none is left). */
  get nextOffset(): number | undefined {
    if (this.remaining === 0) return undefined;
    return recordOffsetOf(this.batches[this.batch]!, this.index);
  }

  /** Takes the next record. */
  take(): ConsumedRecord {
    const record = recordOf(this.tp, this.batches[this.batch]!, this.index);
    this.taken++;
    if (++this.index >= this.batches[this.batch]!.records.length) {
      this.batch++;
      this.index = 0;
      this.skipEmpty();
    }
    return record;
  }

  /** Takes up to `max` records into `out`, a run per batch; returns how many. */
  takeInto(out: ConsumerRecords, max: number): number {
    let took = 0;
    while (took < max && this.remaining > 0) {
      const b = this.batches[this.batch]!;
      const count = Math.min(max - took, b.records.length - this.index);
      out.append(this.tp, b, this.index, count);
      took += count;
      this.taken += count;
      this.index += count;
      if (this.index >= b.records.length) {
        this.batch++;
        this.index = 0;
        this.skipEmpty();
      }
    }
    return took;
  }

  /** Every record not yet taken, in offset order. */
  takeAll(): ConsumedRecord[] {
    const out: ConsumedRecord[] = [];
    while (this.remaining > 0) out.push(this.take());
    return out;
  }

  /** Moves past the records below `from`; returns how many there were. */
  private skipBelow(from: number): number {
    let skipped = 0;
    this.skipEmpty();
    while (this.batch < this.batches.length && recordOffsetOf(this.batches[this.batch]!, this.index) < from) {
      skipped++;
      if (++this.index >= this.batches[this.batch]!.records.length) {
        this.batch++;
        this.index = 0;
        this.skipEmpty();
      }
    }
    return skipped;
  }

  /** Moves past batches with no records (a compacted batch may keep none). */
  private skipEmpty(): void {
    while (this.batch < this.batches.length && this.batches[this.batch]!.records.length === 0) this.batch++;
  }
}
