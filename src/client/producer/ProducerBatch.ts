import { assert, type Micros } from "../../../sim/index.ts";
import {
  BATCH_OVERHEAD_BYTES,
  NO_PRODUCER_ID,
  NO_SEQUENCE,
  RecordSet,
  type KafkaRecord,
  type ProducerBatch as WireBatch,
  type TopicPartition,
} from "../../protocol/records.ts";
import type { ClientError } from "../errors.ts";

/** What send() reports for one record. */
export type ProduceResult =
  | { readonly ok: true; readonly topic: string; readonly partition: number; readonly offset: number }
  | {
      readonly ok: false;
      readonly topic: string;
      /** -1 when the record failed before a partition was chosen. */
      readonly partition: number;
      readonly error: ClientError;
      /**
       * True when some attempt's outcome is unknown (no answer, or the answer came after an
       * append): the record may be in the log although it failed (Jepsen's `info`).
       */
      readonly maybeWritten: boolean;
    };

export type ProduceCallback = (result: ProduceResult) => void;

/**
 * A record with its callback, as send() makes it and as a batch hands its records back at
 * completion (a new object then: see ProducerBatch). What the observer is given.
 *
 * A class, not an object literal, for V8's sake: a literal shares its hidden class with every
 * other literal of the same keys (RecordSet.at's records, the broker's internal records),
 * and those hold a value id as a small integer where a producer's is a double. Each clash
 * deprecated the shared hidden class, and records kept being made with the deprecated one,
 * so every first read of one (RecordSet.of copying a batch) migrated it in the runtime:
 * about 30 us per produce batch, 13% of a 60 s light run. A class has a hidden class of its own.
 */
export class PendingRecord implements KafkaRecord {
  constructor(
    readonly key: string | null,
    readonly valueId: number,
    readonly sizeBytes: number,
    readonly createdAtMicros: Micros,
    readonly callback: ProduceCallback | undefined,
  ) {}
}

/** Numbers a batch keeps per record: value id, send time, size (RecordSet.fromNumbers' layout). */
const STRIDE = 3;
/** The most records a batch makes room for at its first record (it grows by doubling from there). */
const PRESIZED_RECORDS = 32;
const NO_NUMBERS: number[] = [];

/**
 * A batch of records for one partition as the producer holds it (Kafka's ProducerBatch):
 * open for appends until first drained, then sent, maybe re-enqueued and sent again with
 * the same producer id and sequence, until it completes once, successfully or not.
 *
 * The records are kept as columns, not as the objects send() made: those die young, and
 * completion reads the batch's few arrays in order rather than objects made milliseconds
 * earlier and scattered (or moved) by the collector since; the first send hands its
 * arrays to the RecordSet. `recordAt` makes a record object again.
 */
export class ProducerBatch {
  /**
   * Value id, send time and size of record i at [3i, 3i+1, 3i+2]; grown by doubling from a
   * first size (see `grow`: grown by push, the array was copied a dozen times on its way to a
   * full batch, a fifth of what a steady run allocated), and cut to the records' length when
   * the batch is first sent, which hands it to the RecordSet.
   */
  private numbers: number[] = NO_NUMBERS;
  /** The records' keys, from the first record with one (null until then: all keyless). */
  private keys: (string | null)[] | null = null;
  /** The records' callbacks, from the first record with one. */
  private callbacks: (ProduceCallback | undefined)[] | null = null;
  private count = 0;
  sizeBytes = BATCH_OVERHEAD_BYTES;
  /** No more appends: the batch has been drained once. */
  closed = false;
  /** Times re-enqueued for a retry (Kafka's attempts). */
  attempts = 0;
  /** Times put into a produce request. */
  sends = 0;
  /** When the batch last came back for a retry (retry.backoff.ms counts from here). */
  lastAttemptMicros: Micros;
  /** In a produce request that has not been answered yet. */
  inFlight = false;
  done = false;
  /** Some attempt ended without knowing whether the broker appended (see ProduceResult). */
  mayHaveWritten = false;
  producerId = NO_PRODUCER_ID;
  producerEpoch = -1;
  baseSequence = NO_SEQUENCE;

  constructor(
    readonly tp: TopicPartition,
    /** tpKey(tp), the accumulator's key. */
    readonly key: string,
    readonly createdMicros: Micros,
    /** Buffer memory held by the batch until it completes. */
    readonly reservedBytes: number,
  ) {
    this.lastAttemptMicros = createdMicros;
  }

  get recordCount(): number {
    return this.count;
  }

  get hasSequence(): boolean {
    return this.baseSequence !== NO_SEQUENCE;
  }

  get lastSequence(): number {
    return this.baseSequence + this.count - 1;
  }

  /** Appends if the batch is open and the record fits in batch.size (a first record always fits). */
  tryAppend(record: PendingRecord, batchSizeBytes: number): boolean {
    return this.tryAppendFields(record.key, record.valueId, record.sizeBytes, record.createdAtMicros, record.callback, batchSizeBytes);
  }

  /** `tryAppend` with the record's fields (the producer's send path makes no record object). */
  tryAppendFields(key: string | null, valueId: number, sizeBytes: number, createdAtMicros: Micros, callback: ProduceCallback | undefined, batchSizeBytes: number): boolean {
    if (this.closed) return false;
    if (this.count > 0 && this.sizeBytes + sizeBytes > batchSizeBytes) return false;
    const i = this.count++;
    let numbers = this.numbers;
    if ((i + 1) * STRIDE > numbers.length) numbers = this.grow(batchSizeBytes, sizeBytes);
    numbers[i * STRIDE] = valueId;
    numbers[i * STRIDE + 1] = createdAtMicros;
    numbers[i * STRIDE + 2] = sizeBytes;
    if (key !== null && this.keys === null) this.keys = new Array<string | null>(i).fill(null);
    if (this.keys !== null) this.keys.push(key);
    if (callback !== undefined && this.callbacks === null) this.callbacks = new Array<ProduceCallback | undefined>(i).fill(undefined);
    if (this.callbacks !== null) this.callbacks.push(callback);
    this.sizeBytes += sizeBytes;
    return true;
  }

  /**
   * Room at the first record for as many records of its size as batch.size holds, up to
   * PRESIZED_RECORDS (a batch sent at linger.ms often holds far fewer: sized for a full
   * batch.size, a light load's batches allocated five times what they kept); then twice the
   * records so far, up to what batch.size holds (and beyond only for smaller records).
   */
  private grow(batchSizeBytes: number, recordBytes: number): number[] {
    const fit = Math.max(1, Math.floor((batchSizeBytes - BATCH_OVERHEAD_BYTES) / recordBytes));
    const records = this.count === 1 ? Math.min(fit, PRESIZED_RECORDS) : this.count <= fit ? Math.min(2 * this.count, fit) : 2 * this.count;
    // new Array(n), as RecordSet.of makes its arrays: readers see one kind of array.
    const numbers = new Array<number>(records * STRIDE);
    const old = this.numbers;
    for (let k = 0; k < (this.count - 1) * STRIDE; k++) numbers[k] = old[k]!;
    this.numbers = numbers;
    return numbers;
  }

  /** Record i's value id and send time, read in place (a batch's completion reads no record objects). */
  valueIdAt(i: number): number {
    return this.numbers[i * STRIDE]!;
  }

  createdAtMicrosAt(i: number): Micros {
    return this.numbers[i * STRIDE + 1]!;
  }

  /** Some record was sent with a callback (send()'s second argument). */
  get hasCallbacks(): boolean {
    return this.callbacks !== null;
  }

  /** Record i with its callback, as a new object. */
  recordAt(i: number): PendingRecord {
    const at = i * STRIDE;
    return new PendingRecord(
      this.keys === null ? null : this.keys[i]!,
      this.numbers[at]!,
      this.numbers[at + 2]!,
      this.numbers[at + 1]!,
      this.callbacks === null ? undefined : this.callbacks[i],
    );
  }

  isFull(batchSizeBytes: number): boolean {
    return this.closed || this.sizeBytes >= batchSizeBytes;
  }

  /** The producer's state for this batch (KIP-98): kept across retries so the broker can spot duplicates. */
  setProducerState(producerId: number, producerEpoch: number, baseSequence: number): void {
    assert(!this.hasSequence, `batch for ${this.key} already has sequence ${this.baseSequence}`);
    this.producerId = producerId;
    this.producerEpoch = producerEpoch;
    this.baseSequence = baseSequence;
  }

  /** Forgets the sequence after the producer id was reset; the next drain numbers the batch anew. */
  resetProducerState(): void {
    this.producerId = NO_PRODUCER_ID;
    this.producerEpoch = -1;
    this.baseSequence = NO_SEQUENCE;
  }

  hasReachedDeliveryTimeout(deliveryTimeoutMicros: Micros, now: Micros): boolean {
    return now >= this.createdMicros + deliveryTimeoutMicros;
  }

  /** The records as sent: built at the first send, when the batch is closed, and sent again by every retry. */
  private recordSet: RecordSet | null = null;

  toWire(): WireBatch {
    assert(this.closed, `batch for ${this.key} sent while open`);
    if (this.recordSet === null) {
      // Cut in place (no copy): the batch is closed, so the set can own its arrays.
      this.numbers.length = this.count * STRIDE;
      this.recordSet = RecordSet.fromNumbers(this.numbers, this.keys);
    }
    return {
      records: this.recordSet,
      producerId: this.producerId,
      producerEpoch: this.producerEpoch,
      baseSequence: this.baseSequence,
      sizeBytes: this.sizeBytes,
    };
  }
}
