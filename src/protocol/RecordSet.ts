import { assert } from "../../sim/index.ts";
import type { KafkaRecord } from "./records.ts";

/** Numbers kept per record in `RecordSet.numbers`: value id, send time, size. */
const STRIDE = 3;

/**
 * The records of a batch, stored by column rather than as one object per record.
 *
 * A long run keeps every record it ever wrote in its brokers' logs (three replicas share
 * one batch), tens of millions of them: as objects (with the value id boxed, being past
 * 2^31) that was three heap objects per record for the garbage collector to trace on every
 * full collection, which made a 60 s steady run spend most of its time collecting. Here a
 * batch's numbers sit unboxed in one array of doubles, keys only when some record has one,
 * payloads (the internal topics' structured content) only when some record has one.
 *
 * Immutable once built. `at(i)` makes a KafkaRecord for readers that want one (consumers,
 * the group coordinator's load); hot paths read the columns (`valueIdAt`, ...).
 */
export class RecordSet {
  static readonly EMPTY = new RecordSet([], null, null);

  /**
   * How many records. A field, not numbers.length / 3: readers ask it of every batch they
   * walk (offsets, committed logs), and the set is at hand where its array may not be in cache.
   */
  readonly length: number;

  private constructor(
    /** valueId, createdAtMicros, sizeBytes of record i at [3i, 3i+1, 3i+2]. */
    private readonly numbers: readonly number[],
    private readonly keys: readonly (string | null)[] | null,
    private readonly payloads: readonly unknown[] | null,
  ) {
    this.length = numbers.length / STRIDE;
  }

  /** The records as a set (copied: the set never aliases the caller's array). */
  static of(records: readonly KafkaRecord[]): RecordSet {
    if (records.length === 0) return RecordSet.EMPTY;
    // Sized up front: grown by push, the array kept up to half again its length spare.
    const numbers: number[] = new Array<number>(records.length * STRIDE);
    let keys: (string | null)[] | null = null;
    let payloads: unknown[] | null = null;
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      numbers[i * STRIDE] = r.valueId;
      numbers[i * STRIDE + 1] = r.createdAtMicros;
      numbers[i * STRIDE + 2] = r.sizeBytes;
      if (r.key !== null && keys === null) keys = new Array<string | null>(records.length).fill(null);
      if (keys !== null) keys[i] = r.key;
      if (r.payload !== undefined && payloads === null) payloads = new Array<unknown>(records.length).fill(undefined);
      if (payloads !== null) payloads[i] = r.payload;
    }
    return new RecordSet(numbers, keys, payloads);
  }

  /**
   * A set from records kept as numbers (valueId, createdAtMicros, sizeBytes of each record
   * in turn, the set's own layout) and keys (null: all keyless), as a producer's batch keeps
   * them. The set takes the arrays over, uncopied: the caller (a closed batch) never changes
   * them again, and made them as `of` makes its own (so readers see one kind of array).
   */
  static fromNumbers(numbers: readonly number[], keys: readonly (string | null)[] | null): RecordSet {
    if (numbers.length === 0) return RecordSet.EMPTY;
    assert(numbers.length % STRIDE === 0, () => `${numbers.length} numbers for records of ${STRIDE}`);
    const count = numbers.length / STRIDE;
    assert(keys === null || keys.length === count, () => `${keys!.length} keys for ${count} records`);
    return new RecordSet(numbers, keys, null);
  }

  valueIdAt(i: number): number {
    return this.numbers[i * STRIDE]!;
  }

  createdAtMicrosAt(i: number): number {
    return this.numbers[i * STRIDE + 1]!;
  }

  sizeBytesAt(i: number): number {
    return this.numbers[i * STRIDE + 2]!;
  }

  keyAt(i: number): string | null {
    return this.keys === null ? null : this.keys[i]!;
  }

  payloadAt(i: number): unknown {
    return this.payloads === null ? undefined : this.payloads[i];
  }

  /** Record i as an object (a new one each call). */
  at(i: number): KafkaRecord {
    assert(i >= 0 && i < this.length, () => `record ${i} of a set of ${this.length}`);
    const record: { key: string | null; valueId: number; sizeBytes: number; createdAtMicros: number; payload?: unknown } = {
      key: this.keyAt(i),
      valueId: this.valueIdAt(i),
      sizeBytes: this.sizeBytesAt(i),
      createdAtMicros: this.createdAtMicrosAt(i),
    };
    if (this.payloads !== null && this.payloads[i] !== undefined) record.payload = this.payloads[i];
    return record;
  }

  /** Every record as an object, in order. */
  toArray(): KafkaRecord[] {
    const out: KafkaRecord[] = new Array(this.length);
    for (let i = 0; i < out.length; i++) out[i] = this.at(i);
    return out;
  }

  /** The records at `indices` (ascending), as a new set: what a cleaner keeps of a batch. */
  select(indices: readonly number[]): RecordSet {
    return RecordSet.of(indices.map((i) => this.at(i)));
  }
}
