import { assert } from "../../../sim/index.ts";
import { NO_PRODUCER_ID } from "../../protocol/records.ts";
import type { ProducerBatch } from "./ProducerBatch.ts";

/** A partition's sequence state under the current producer id. */
interface PartitionSequences {
  nextSequence: number;
  lastAckedSequence: number;
  /** Batches with a sequence that have not completed (in flight or back in the queue), by sequence. */
  readonly incomplete: ProducerBatch[];
  /** Produce requests carrying one of the partition's batches that have not been answered. */
  unanswered: number;
  /** The last sequence of a batch that failed for good with an unknown outcome, until resolved. */
  unresolvedSequence: number | null;
}

/** What an OUT_OF_ORDER_SEQUENCE_NUMBER answer means for a batch. */
export type OutOfOrderVerdict = "retry" | "gap";

/**
 * The idempotent half of Kafka's TransactionManager (KIP-98, with KIP-360's recovery in a
 * simpler form). The producer gets an id from InitProducerId; each batch gets the next
 * sequence of its partition when first drained and keeps it through every retry, so the
 * broker, which remembers the last five batches of each producer per partition, answers a
 * resent batch as a duplicate rather than writing it twice.
 *
 * Ordering under retries (RecordAccumulator.shouldStopDrainBatchesForPartition): a retried
 * batch goes out only when it is the partition's lowest incomplete sequence, so retries
 * leave one at a time, in order, while up to five first attempts may be in flight.
 *
 * OUT_OF_ORDER_SEQUENCE_NUMBER (Kafka 2.5+ TransactionManager.canRetry, for the idempotent,
 * non-transactional producer):
 * - for a batch that is not the next expected one (an earlier batch of the partition was
 *   rejected, say with NOT_ENOUGH_REPLICAS, and will be retried first), it is retriable:
 *   the batch keeps its sequence and goes again after the earlier one;
 * - for the next expected batch it is a real gap: the broker lost batches it had
 *   acknowledged (an unclean election, a truncated log). Kafka 2.5+ bumps the epoch and
 *   retries; ksim fails the batch with OUT_OF_ORDER_SEQUENCE_NUMBER, as Kafka 1.1 to 2.4
 *   did, so the loss shows in the history as a failed send, and resets the producer id.
 *
 * A batch with a sequence that fails for good otherwise (delivery timeout, retries spent,
 * a non-retriable error) leaves its sequence unresolved: once no request for the partition
 * is unanswered, it is resolved if a later answer acknowledged it (the append happened),
 * and otherwise the producer id is reset. UNKNOWN_PRODUCER_ID also resets it and retries.
 *
 * The reset stands in for KIP-360's epoch bump (ksim's InitProducerId carries no id to
 * bump): when no produce request is in flight, a new producer id is fetched, every
 * partition starts again at sequence 0, and every incomplete batch is numbered anew when
 * next drained. While a reset is pending, nothing is drained.
 */
export class IdempotenceManager {
  private id = NO_PRODUCER_ID;
  private epoch = -1;
  private resetPending = false;
  private readonly partitions = new Map<string, PartitionSequences>();

  get producerId(): number {
    return this.id;
  }

  get producerEpoch(): number {
    return this.epoch;
  }

  /** True when an InitProducerId must be sent (none yet, or a reset is pending). */
  get needsProducerId(): boolean {
    return this.id === NO_PRODUCER_ID || this.resetPending;
  }

  /** A new producer id: every partition starts at sequence 0; `incomplete` batches lose their old numbers. */
  setProducerId(producerId: number, producerEpoch: number, incomplete: Iterable<ProducerBatch>): void {
    this.id = producerId;
    this.epoch = producerEpoch;
    this.resetPending = false;
    this.partitions.clear();
    for (const batch of incomplete) if (batch.hasSequence) batch.resetProducerState();
  }

  requestReset(): void {
    this.resetPending = true;
  }

  // ---- drain ------------------------------------------------------------------------------

  /** Whether the first batch of a partition may be drained now. */
  mayDrain(first: ProducerBatch): boolean {
    if (this.needsProducerId) return false;
    const p = this.partitions.get(first.key);
    if (!first.hasSequence) return p?.unresolvedSequence == null;
    assert(first.producerId === this.id, `batch of ${first.key} carries a stale producer id`);
    const lowest = p?.incomplete[0];
    return lowest === undefined || lowest.baseSequence === first.baseSequence;
  }

  /** Numbers a batch at its first drain. */
  assignSequence(batch: ProducerBatch): void {
    if (batch.hasSequence) return;
    const p = this.state(batch.key);
    batch.setProducerState(this.id, this.epoch, p.nextSequence);
    p.nextSequence += batch.recordCount;
    p.incomplete.push(batch);
  }

  sent(batch: ProducerBatch): void {
    this.state(batch.key).unanswered++;
  }

  answered(batch: ProducerBatch): void {
    const p = this.state(batch.key);
    p.unanswered--;
    assert(p.unanswered >= 0, `more answers than requests for ${batch.key}`);
  }

  // ---- completion -------------------------------------------------------------------------

  /** The broker acknowledged the batch (maybe after the client had given up on it). */
  acknowledged(batch: ProducerBatch): void {
    if (!batch.hasSequence || batch.producerId !== this.id) return;
    const p = this.state(batch.key);
    p.lastAckedSequence = Math.max(p.lastAckedSequence, batch.lastSequence);
    this.forget(p, batch);
  }

  /** The batch failed for good; its sequence stays unresolved until the broker's answers settle it. */
  failed(batch: ProducerBatch): void {
    if (!batch.hasSequence || batch.producerId !== this.id) return;
    const p = this.state(batch.key);
    this.forget(p, batch);
    p.unresolvedSequence = Math.max(p.unresolvedSequence ?? -1, batch.lastSequence);
  }

  outOfOrder(batch: ProducerBatch): OutOfOrderVerdict {
    const p = this.state(batch.key);
    if (batch.producerId !== this.id) return "retry"; // renumbered on its next drain
    if (p.unresolvedSequence !== null) {
      // The gap is the unresolved batch's: renumber everything under a new id.
      this.requestReset();
      return "retry";
    }
    if (batch.baseSequence !== p.lastAckedSequence + 1) return "retry";
    this.requestReset();
    return "gap";
  }

  /** Kafka's maybeResolveSequences: settles unresolved partitions once nothing for them is unanswered. */
  resolveSequences(): void {
    for (const p of this.partitions.values()) {
      if (p.unresolvedSequence === null || p.unanswered > 0) continue;
      if (p.lastAckedSequence >= p.unresolvedSequence) p.unresolvedSequence = null;
      else this.requestReset();
    }
  }

  private forget(p: PartitionSequences, batch: ProducerBatch): void {
    const at = p.incomplete.indexOf(batch);
    if (at >= 0) p.incomplete.splice(at, 1);
  }

  private state(key: string): PartitionSequences {
    let p = this.partitions.get(key);
    if (!p) {
      p = { nextSequence: 0, lastAckedSequence: -1, incomplete: [], unanswered: 0, unresolvedSequence: null };
      this.partitions.set(key, p);
    }
    return p;
  }
}
