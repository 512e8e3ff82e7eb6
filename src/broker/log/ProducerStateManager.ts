import { assert } from "../../../sim/index.ts";
import { NO_PRODUCER_ID, NO_SEQUENCE, type RecordBatch } from "../../protocol/records.ts";
import { batchLastOffset, batchLastSequence, incrementSequence } from "./storedBatch.ts";

/** Kafka keeps the metadata of this many recent batches per producer for duplicate detection. */
export const NUM_BATCHES_TO_RETAIN = 5;
/** The epoch of a producer the log has no state for (RecordBatch.NO_PRODUCER_EPOCH). */
export const NO_PRODUCER_EPOCH = -1;

const INT32_MAX = 2147483647;

/** What the log remembers of one appended batch of a producer. */
export interface BatchMetadata {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly firstOffset: number;
  readonly lastOffset: number;
}

/** A producer's state in one partition: its epoch and its last few batches, oldest first. */
export class ProducerStateEntry {
  readonly batches: BatchMetadata[] = [];

  constructor(
    readonly producerId: number,
    public producerEpoch: number,
    public lastTimestampMicros: number,
  ) {}

  get lastSeq(): number {
    return this.batches.length === 0 ? NO_SEQUENCE : this.batches[this.batches.length - 1]!.lastSeq;
  }

  /** Offset of the producer's last record in the log, or -1. */
  get lastDataOffset(): number {
    return this.batches.length === 0 ? -1 : this.batches[this.batches.length - 1]!.lastOffset;
  }

  /** The retained batch with exactly this epoch and sequence range, if any (Kafka's findDuplicateBatch). */
  findDuplicate(producerEpoch: number, firstSeq: number, lastSeq: number): BatchMetadata | undefined {
    if (producerEpoch !== this.producerEpoch) return undefined;
    for (const b of this.batches) if (b.firstSeq === firstSeq && b.lastSeq === lastSeq) return b;
    return undefined;
  }

  /** A new epoch forgets the batches of the old one; at most NUM_BATCHES_TO_RETAIN are kept. */
  addBatch(producerEpoch: number, batch: BatchMetadata, timestampMicros: number): void {
    if (this.producerEpoch !== producerEpoch) {
      this.batches.length = 0;
      this.producerEpoch = producerEpoch;
    }
    if (this.batches.length === NUM_BATCHES_TO_RETAIN) this.batches.shift();
    this.batches.push(batch);
    this.lastTimestampMicros = timestampMicros;
  }
}

/** Errors the idempotence check gives, by Kafka's names. */
export type ProducerStateError = "OUT_OF_ORDER_SEQUENCE_NUMBER" | "INVALID_PRODUCER_EPOCH" | "UNKNOWN_PRODUCER_ID";

/**
 * The verdict on a producer's batch before a leader appends it. A duplicate is answered
 * as a success with the offsets the batch got the first time.
 */
export type ProducerCheck =
  | { readonly kind: "ok" }
  | { readonly kind: "duplicate"; readonly firstOffset: number; readonly lastOffset: number }
  | { readonly kind: "error"; readonly error: ProducerStateError; readonly detail: string };

const OK: ProducerCheck = { kind: "ok" };

/** One producer in a snapshot file: like Kafka's, only its last batch is kept. */
export interface ProducerSnapshotEntry {
  readonly producerId: number;
  readonly producerEpoch: number;
  readonly lastSeq: number;
  readonly lastOffset: number;
  readonly offsetDelta: number;
  readonly lastTimestampMicros: number;
}

export interface ProducerStateOptions {
  /** `producer.id.expiration.ms`. */
  readonly producerIdExpirationMicros: number;
  /** Pre-KIP-360 rule: an unknown producer's batch must start at sequence 0, else UNKNOWN_PRODUCER_ID. */
  readonly rejectUnknownProducerSequence: boolean;
}

/**
 * Kafka's ProducerStateManager for idempotent producers (KIP-98), without transactions:
 * per producer id, its epoch and its last five batches. A leader checks a batch before
 * appending it (`check`); every append, leader's or follower's, updates the state
 * (`update`), without checks on a follower, as Kafka does for replicated batches.
 * Batches of non-idempotent producers (producerId -1) are not tracked.
 *
 * Persistence (snapshot files) is the log's business: this class only converts to and
 * from snapshot entries. `mapEndOffset` is the log offset the state reflects.
 */
export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerStateEntry>();
  /** The state reflects the log up to (not including) this offset. */
  mapEndOffset = 0;

  constructor(private readonly options: ProducerStateOptions) {}

  get producerCount(): number {
    return this.producers.size;
  }

  entry(producerId: number): ProducerStateEntry | undefined {
    return this.producers.get(producerId);
  }

  /** Producer ids in ascending order (for snapshots and inspection). */
  producerIds(): number[] {
    return [...this.producers.keys()].sort((a, b) => a - b);
  }

  /**
   * Kafka's checks for a client's batch, in its order: a duplicate of one of the retained
   * batches first; then the producer epoch (an older one is fenced); then the sequence,
   * which must follow the last one (or be 0 in a new epoch).
   */
  check(producerId: number, producerEpoch: number, baseSequence: number, recordCount: number): ProducerCheck {
    if (producerId === NO_PRODUCER_ID) return OK;
    assert(recordCount > 0, `producer ${producerId}: a batch without records`);
    const firstSeq = baseSequence;
    const lastSeq = incrementSequence(baseSequence, recordCount - 1);
    const entry = this.producers.get(producerId);
    const duplicate = entry?.findDuplicate(producerEpoch, firstSeq, lastSeq);
    if (duplicate !== undefined) return { kind: "duplicate", firstOffset: duplicate.firstOffset, lastOffset: duplicate.lastOffset };
    const currentEpoch = entry === undefined ? NO_PRODUCER_EPOCH : entry.producerEpoch;
    if (producerEpoch < currentEpoch) {
      return error("INVALID_PRODUCER_EPOCH", `producer ${producerId} epoch ${producerEpoch} is older than ${currentEpoch}`);
    }
    if (entry === undefined || producerEpoch !== currentEpoch) return this.checkNewEpoch(producerId, producerEpoch, firstSeq, currentEpoch);
    const currentLastSeq = entry.lastSeq;
    if (!inSequence(currentLastSeq, firstSeq)) {
      return error("OUT_OF_ORDER_SEQUENCE_NUMBER", `producer ${producerId}: sequence ${firstSeq} after ${currentLastSeq}`);
    }
    return OK;
  }

  /** Records an appended batch (leader or follower). */
  update(batch: RecordBatch): void {
    if (batch.producerId === NO_PRODUCER_ID) return;
    let entry = this.producers.get(batch.producerId);
    if (entry === undefined) {
      entry = new ProducerStateEntry(batch.producerId, NO_PRODUCER_EPOCH, batch.appendedAtMicros);
      this.producers.set(batch.producerId, entry);
    }
    const metadata: BatchMetadata = {
      firstSeq: batch.baseSequence,
      lastSeq: batchLastSequence(batch),
      firstOffset: batch.baseOffset,
      lastOffset: batchLastOffset(batch),
    };
    entry.addBatch(batch.producerEpoch, metadata, batch.appendedAtMicros);
  }

  /** Forgets producers idle for longer than `producer.id.expiration.ms`. */
  removeExpiredProducers(nowMicros: number): void {
    for (const [id, entry] of this.producers) {
      if (nowMicros - entry.lastTimestampMicros >= this.options.producerIdExpirationMicros) this.producers.delete(id);
    }
  }

  clear(mapEndOffset: number): void {
    this.producers.clear();
    this.mapEndOffset = mapEndOffset;
  }

  toSnapshot(): ProducerSnapshotEntry[] {
    return this.producerIds().map((id) => {
      const e = this.producers.get(id)!;
      const last = e.batches[e.batches.length - 1];
      return {
        producerId: id,
        producerEpoch: e.producerEpoch,
        lastSeq: last === undefined ? NO_SEQUENCE : last.lastSeq,
        lastOffset: last === undefined ? -1 : last.lastOffset,
        offsetDelta: last === undefined ? 0 : last.lastOffset - last.firstOffset,
        lastTimestampMicros: e.lastTimestampMicros,
      };
    });
  }

  /** Replaces the state with a snapshot's (producers expired by `nowMicros` are skipped, as Kafka does). */
  loadSnapshot(entries: readonly ProducerSnapshotEntry[], mapEndOffset: number, nowMicros: number): void {
    this.producers.clear();
    for (const s of entries) {
      if (nowMicros - s.lastTimestampMicros >= this.options.producerIdExpirationMicros) continue;
      const entry = new ProducerStateEntry(s.producerId, s.producerEpoch, s.lastTimestampMicros);
      if (s.lastOffset >= 0) {
        entry.batches.push({
          firstSeq: decrementSequence(s.lastSeq, s.offsetDelta),
          lastSeq: s.lastSeq,
          firstOffset: s.lastOffset - s.offsetDelta,
          lastOffset: s.lastOffset,
        });
      }
      this.producers.set(s.producerId, entry);
    }
    this.mapEndOffset = mapEndOffset;
  }

  private checkNewEpoch(producerId: number, producerEpoch: number, firstSeq: number, currentEpoch: number): ProducerCheck {
    if (firstSeq === 0) return OK;
    if (currentEpoch !== NO_PRODUCER_EPOCH) {
      return error("OUT_OF_ORDER_SEQUENCE_NUMBER", `producer ${producerId}: new epoch ${producerEpoch} must start at sequence 0, got ${firstSeq}`);
    }
    // No state for this producer (new to the log, or its data expired or was deleted).
    // Since KIP-360 any sequence is accepted; before it the producer had to reset.
    if (this.options.rejectUnknownProducerSequence) {
      return error("UNKNOWN_PRODUCER_ID", `producer ${producerId} is unknown and sequence ${firstSeq} is not 0`);
    }
    return OK;
  }
}

function error(code: ProducerStateError, detail: string): ProducerCheck {
  return { kind: "error", error: code, detail };
}

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function decrementSequence(sequence: number, decrement: number): number {
  if (sequence < decrement) return INT32_MAX - (decrement - sequence) + 1;
  return sequence - decrement;
}
