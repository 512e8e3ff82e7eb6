import { assert } from "../../../sim/index.ts";
import { NO_PRODUCER_ID } from "../../protocol/records.ts";
import type { ProducerBatch } from "./ProducerBatch.ts";
import type { IdempotenceRecovery } from "./ProducerOptions.ts";

/** A partition's sequence state. */
interface PartitionSequences {
  readonly key: string;
  /**
   * The producer id its sequences belong to: the current one, or (KIP-360's epoch bump) the
   * previous one while batches numbered under it are still incomplete (Kafka 2.5+ keeps a
   * producer id and epoch per partition for this).
   */
  readonly producerId: number;
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
export type OutOfOrderVerdict = "retry" | "gap" | "fail";

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
 *   did, so the loss shows in the history as a failed send, and starts the partition again.
 *
 * A batch with a sequence that fails for good otherwise (delivery timeout, retries spent,
 * a non-retriable error) leaves its sequence unresolved: once no request for the partition
 * is unanswered, it is resolved if a later answer acknowledged it (the append happened),
 * and otherwise the partition starts again. UNKNOWN_PRODUCER_ID does too, and retries.
 *
 * Starting again takes a new producer id from InitProducerId once no produce request is in
 * flight (ksim's InitProducerId carries no id to bump, so a new id stands in for the new
 * epoch); while it is pending nothing is drained. What happens to batches numbered under
 * the old id depends on the era (`IdempotenceRecovery`):
 * - `bump-epoch` (Kafka 2.5+): the partitions that hit the problem start at sequence 0 and
 *   their incomplete batches are numbered anew; every other partition finishes the batches
 *   it numbered under the old id, in order, and numbers new batches under the new one only
 *   after them (a batch that had landed is then answered as a duplicate, not written twice);
 * - `reset-producer-id` (Kafka 1.1 to 2.4): every partition starts at 0 under the new id;
 *   batches already numbered go out again with their old id and sequence, and one of them
 *   that needs a retry after the reset is dropped with OUT_OF_ORDER_SEQUENCE_NUMBER ("the
 *   producer id changed in the mean time").
 */
export class IdempotenceManager {
  private id = NO_PRODUCER_ID;
  private epoch = -1;
  private resetPending = false;
  private readonly partitions = new Map<string, PartitionSequences>();
  /** Partitions that start again under the next id (bump-epoch). */
  private readonly restarting = new Set<string>();

  constructor(private readonly recovery: IdempotenceRecovery = "bump-epoch") {}

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

  /** A new producer id; `queued` are the incomplete batches (none is in flight now). */
  setProducerId(producerId: number, producerEpoch: number, queued: Iterable<ProducerBatch>): void {
    const first = this.id === NO_PRODUCER_ID;
    this.id = producerId;
    this.epoch = producerEpoch;
    this.resetPending = false;
    if (first || this.recovery === "reset-producer-id") {
      this.partitions.clear();
    } else {
      for (const [key, p] of this.partitions) {
        if (this.restarting.has(key) || p.incomplete.length === 0) this.partitions.delete(key);
      }
      for (const batch of queued) if (batch.hasSequence && this.restarting.has(batch.key)) batch.resetProducerState();
    }
    this.restarting.clear();
  }

  /** Starts again under a new producer id, because of partition `key`'s sequences. */
  requestReset(key: string): void {
    this.resetPending = true;
    this.restarting.add(key);
  }

  /**
   * reset-producer-id: the batch was numbered under a producer id that is gone (or going),
   * so a retry would be dropped rather than sent (Kafka 1.1 to 2.4's Sender.completeBatch).
   */
  dropsOnRetry(batch: ProducerBatch): boolean {
    return this.recovery === "reset-producer-id" && batch.hasSequence && (batch.producerId !== this.id || this.resetPending);
  }

  // ---- drain ------------------------------------------------------------------------------

  /** Whether the first batch of a partition may be drained now. */
  mayDrain(first: ProducerBatch): boolean {
    if (this.needsProducerId) return false;
    const p = this.partitions.get(first.key);
    if (!first.hasSequence) {
      if (p === undefined) return true;
      // bump-epoch: new batches wait for those numbered under the old id.
      return p.producerId === this.id && p.unresolvedSequence === null;
    }
    if (first.producerId !== this.id && this.recovery === "reset-producer-id") return true; // sent as numbered
    assert(p !== undefined && first.producerId === p.producerId, () => `batch of ${first.key} carries a stale producer id`);
    const lowest = p.incomplete[0];
    return lowest === undefined || lowest.baseSequence === first.baseSequence;
  }

  /** Numbers a batch at its first drain. */
  assignSequence(batch: ProducerBatch): void {
    if (batch.hasSequence) return;
    const p = this.state(batch.key);
    assert(p.producerId === this.id, () => `batch of ${batch.key} numbered under an old producer id`);
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
    this.maybeMoveOn(p);
  }

  // ---- completion -------------------------------------------------------------------------

  /** The broker acknowledged the batch (maybe after the client had given up on it). */
  acknowledged(batch: ProducerBatch): void {
    const p = this.ownPartition(batch);
    if (p === null) return;
    p.lastAckedSequence = Math.max(p.lastAckedSequence, batch.lastSequence);
    this.forget(p, batch);
  }

  /** The batch failed for good; its sequence stays unresolved until the broker's answers settle it. */
  failed(batch: ProducerBatch): void {
    const p = this.ownPartition(batch);
    if (p === null) return;
    p.unresolvedSequence = Math.max(p.unresolvedSequence ?? -1, batch.lastSequence);
    this.forget(p, batch);
  }

  outOfOrder(batch: ProducerBatch): OutOfOrderVerdict {
    const p = this.ownPartition(batch);
    // Numbered under an id its partition no longer uses: renumbered on its next drain
    // (bump-epoch), or dropped (reset-producer-id, whose canRetry refuses a changed id).
    if (p === null) return this.recovery === "reset-producer-id" && batch.hasSequence ? "fail" : "retry";
    if (p.unresolvedSequence !== null) {
      // The gap is the unresolved batch's: the partition starts again.
      this.requestReset(p.key);
      return "retry";
    }
    if (batch.baseSequence !== p.lastAckedSequence + 1) return "retry";
    this.requestReset(p.key);
    return "gap";
  }

  /** Kafka's maybeResolveSequences: settles unresolved partitions once nothing for them is unanswered. */
  resolveSequences(): void {
    for (const p of this.partitions.values()) {
      if (p.unresolvedSequence === null || p.unanswered > 0) continue;
      if (p.lastAckedSequence >= p.unresolvedSequence) p.unresolvedSequence = null;
      else this.requestReset(p.key);
    }
  }

  /** The batch's partition state if the batch was numbered under the id that state uses. */
  private ownPartition(batch: ProducerBatch): PartitionSequences | null {
    if (!batch.hasSequence) return null;
    const p = this.partitions.get(batch.key);
    return p !== undefined && p.producerId === batch.producerId ? p : null;
  }

  private forget(p: PartitionSequences, batch: ProducerBatch): void {
    const at = p.incomplete.indexOf(batch);
    if (at >= 0) p.incomplete.splice(at, 1);
    this.maybeMoveOn(p);
  }

  /**
   * bump-epoch: once nothing numbered under the old id is incomplete or unanswered, the
   * partition moves to the current id at sequence 0 (Kafka's maybeUpdateProducerIdAndEpoch).
   */
  private maybeMoveOn(p: PartitionSequences): void {
    if (p.producerId !== this.id && p.incomplete.length === 0 && p.unanswered === 0) this.partitions.delete(p.key);
  }

  private state(key: string): PartitionSequences {
    let p = this.partitions.get(key);
    if (!p) {
      p = { key, producerId: this.id, nextSequence: 0, lastAckedSequence: -1, incomplete: [], unanswered: 0, unresolvedSequence: null };
      this.partitions.set(key, p);
    }
    return p;
  }
}
