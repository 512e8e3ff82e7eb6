import { assert, type Micros } from "../../../sim/index.ts";
import { tpKey, type TopicPartition } from "../../protocol/records.ts";
import { ProducerBatch, type ProduceCallback } from "./ProducerBatch.ts";

export interface AccumulatorOptions {
  readonly batchSizeBytes: number;
  readonly lingerMicros: Micros;
  readonly retryBackoffMicros: Micros;
  readonly deliveryTimeoutMicros: Micros;
  readonly maxRequestSizeBytes: number;
}

/** What `ready` found: the brokers with something to send, and when to look again. */
export interface ReadyCheck {
  readonly readyBrokers: number[];
  /** Microseconds until a batch not ready now may become ready (Infinity: none waits). */
  readonly nextReadyCheckMicros: Micros;
  /** Some partition with batches has no known leader: metadata must be refreshed. */
  readonly unknownLeader: boolean;
}

/** One partition's batches, oldest first (a retried batch goes back to the front). */
interface PartitionQueue {
  readonly batches: ProducerBatch[];
  /** Not drained while a request with one of its batches is out (max.in.flight.requests.per.connection=1). */
  muted: boolean;
}

/**
 * Kafka's RecordAccumulator: a queue of batches per partition. Records are appended to the
 * partition's last batch while it is open and has room; `ready` finds the brokers that
 * lead a partition whose first batch may go (full, lingered long enough, memory exhausted,
 * or a retry whose back-off has passed); `drain` takes at most one batch per partition for
 * a broker, up to max.request.size; a retried batch goes back to the front of its queue.
 */
export class RecordAccumulator {
  /**
   * Every partition's queue, in the order first used: `ready` and `drain` walk them in this
   * order (the order of brokers found ready and of batches in a request depends on it), as
   * an array, which the sender's loop walks without an iterator or an entry per queue.
   */
  private readonly partitionQueues: PartitionQueue[] = [];
  /** The same queues by tpKey, for mute and unmute. */
  private readonly queues = new Map<string, PartitionQueue>();
  /** The same queues by topic and partition number: the per-record append builds no key string. */
  private readonly queuesByTopic = new Map<string, PartitionQueue[]>();
  /** The queues of the topic last appended to: a run of sends to one topic looks it up once. */
  private lastTopic: string | null = null;
  private lastTopicQueues: PartitionQueue[] | undefined = undefined;
  private readonly drainIndex = new Map<number, number>();

  constructor(private readonly options: AccumulatorOptions) {}

  /** Appends to the open batch at the tail of the partition's queue; false when a new batch is needed. */
  tryAppend(topic: string, partition: number, key: string | null, valueId: number, sizeBytes: number, createdAtMicros: Micros, callback: ProduceCallback | undefined): boolean {
    if (topic !== this.lastTopic) {
      this.lastTopic = topic;
      this.lastTopicQueues = this.queuesByTopic.get(topic);
    }
    const batches = this.lastTopicQueues?.[partition]?.batches;
    const last = batches?.[batches.length - 1];
    return last !== undefined && last.tryAppendFields(key, valueId, sizeBytes, createdAtMicros, callback, this.options.batchSizeBytes);
  }

  /** Memory a new batch for a record of `recordBytes` reserves (Kafka allocates max(batch.size, size)). */
  reserveFor(batchBytes: number): number {
    return Math.max(this.options.batchSizeBytes, batchBytes);
  }

  /** Opens a new batch at the tail (its memory already reserved) with the record (its fields) in it. */
  appendToNewBatch(tp: TopicPartition, key: string | null, valueId: number, sizeBytes: number, createdAtMicros: Micros, callback: ProduceCallback | undefined, reservedBytes: number, now: Micros): ProducerBatch {
    const partitionKey = tpKey(tp);
    const batch = new ProducerBatch(tp, partitionKey, now, reservedBytes);
    batch.tryAppendFields(key, valueId, sizeBytes, createdAtMicros, callback, this.options.batchSizeBytes);
    const queue = this.queueOf(tp, partitionKey).batches;
    // The expiry scans rely on it (see takeExpired).
    assert(queue.length === 0 || queue[queue.length - 1]!.createdMicros <= now, () => `batch for ${partitionKey} made before the last one`);
    queue.push(batch);
    return batch;
  }

  /** The partition's queue, made on first use (queues are never removed). */
  private queueOf(tp: TopicPartition, key: string): PartitionQueue {
    let queue = this.queues.get(key);
    if (!queue) {
      queue = { batches: [], muted: false };
      this.queues.set(key, queue);
      this.partitionQueues.push(queue);
      let ofTopic = this.queuesByTopic.get(tp.topic);
      if (!ofTopic) {
        this.queuesByTopic.set(tp.topic, (ofTopic = []));
        this.lastTopic = null; // it may have remembered this topic as having no queues
      }
      ofTopic[tp.partition] = queue;
    }
    return queue;
  }

  /** True when the partition's last batch is open (a record would join it rather than open a new one). */
  hasOpenBatch(tp: TopicPartition): boolean {
    const batches = this.queues.get(tpKey(tp))?.batches;
    const last = batches?.[batches.length - 1];
    return last !== undefined && !last.closed;
  }

  get hasUndrained(): boolean {
    for (const queue of this.partitionQueues) if (queue.batches.length > 0) return true;
    return false;
  }

  // ---- ready and drain ------------------------------------------------------------------

  ready(now: Micros, leaderOf: (tp: TopicPartition) => number, exhausted: boolean): ReadyCheck {
    // A cluster has a few brokers: an array searched is cheaper than a set, and keeps their order.
    const readyBrokers: number[] = [];
    let next = Infinity;
    let unknownLeader = false;
    const { retryBackoffMicros, lingerMicros, batchSizeBytes } = this.options;
    for (const { batches: queue, muted } of this.partitionQueues) {
      const first = queue[0];
      if (!first) continue;
      const leader = leaderOf(first.tp);
      if (leader < 0) {
        unknownLeader = true;
        continue;
      }
      if (readyBrokers.includes(leader) || muted) continue;
      const retrying = first.attempts > 0;
      const waited = now - (retrying ? first.lastAttemptMicros : first.createdMicros);
      const backingOff = retrying && waited < retryBackoffMicros;
      const timeToWait = retrying ? retryBackoffMicros : lingerMicros;
      const full = queue.length > 1 || first.isFull(batchSizeBytes);
      const sendable = full || waited >= timeToWait || exhausted;
      if (sendable && !backingOff) readyBrokers.push(leader);
      else next = Math.min(next, Math.max(timeToWait - waited, 0));
    }
    return { readyBrokers, nextReadyCheckMicros: next, unknownLeader };
  }

  /**
   * Takes, for `broker`, the first batch of each partition it leads, starting after where
   * the last drain for it stopped, while the request stays under max.request.size.
   * `mayDrain` is the idempotence gate (Kafka's shouldStopDrainBatchesForPartition); unlike
   * Kafka, a gated partition is skipped rather than ending the drain, so one partition
   * waiting for its retry order does not hold the others back.
   */
  drain(
    broker: number,
    leaderOf: (tp: TopicPartition) => number,
    now: Micros,
    mayDrain: (first: ProducerBatch) => boolean,
  ): ProducerBatch[] {
    const led: PartitionQueue[] = [];
    for (const queue of this.partitionQueues) if (queue.batches.length > 0 && leaderOf(queue.batches[0]!.tp) === broker) led.push(queue);
    if (led.length === 0) return [];
    const start = (this.drainIndex.get(broker) ?? 0) % led.length;
    const drained: ProducerBatch[] = [];
    let size = 0;
    for (let i = 0; i < led.length; i++) {
      const { batches: queue, muted } = led[(start + i) % led.length]!;
      if (muted) continue;
      const first = queue[0]!;
      if (first.attempts > 0 && now - first.lastAttemptMicros < this.options.retryBackoffMicros) continue;
      if (size + first.sizeBytes > this.options.maxRequestSizeBytes && drained.length > 0) {
        this.drainIndex.set(broker, (start + i) % led.length);
        return drained;
      }
      if (!mayDrain(first)) continue;
      queue.shift();
      first.closed = true;
      size += first.sizeBytes;
      drained.push(first);
    }
    this.drainIndex.set(broker, start + 1);
    return drained;
  }

  /**
   * Puts a batch back for a retry at the front of its queue; a batch with a sequence goes
   * before any later sequence already back there, so retries leave in sequence order.
   */
  reenqueue(batch: ProducerBatch, now: Micros): void {
    batch.attempts++;
    batch.lastAttemptMicros = now;
    const queue = this.queueOf(batch.tp, batch.key).batches;
    let at = 0;
    if (batch.hasSequence) {
      while (at < queue.length && queue[at]!.hasSequence && queue[at]!.baseSequence < batch.baseSequence) at++;
    }
    queue.splice(at, 0, batch);
  }

  /** No batch of the partition `key` is drained until unmuted (max.in.flight.requests.per.connection=1). */
  mute(key: string): void {
    this.queues.get(key)!.muted = true;
  }

  unmute(key: string): void {
    this.queues.get(key)!.muted = false;
  }

  // ---- delivery timeout ------------------------------------------------------------------

  // A queue holds first the batches put back for a retry (attempts > 0, in any order of
  // creation), then the batches never drained (attempts 0) in the order they were created:
  // they are appended at the tail as they are made, drains take from the front, and a retry
  // goes back before every batch never drained (reenqueue stops at the first batch without a
  // sequence), all of which were made after it, since they were behind it when it was drained.
  // So a scan for expired batches stops at the first batch never drained that has not expired:
  // the rest of the queue was made later. (The sender runs these at every wake-up, and a
  // partition without a leader can hold thousands of batches.)

  /** Removes and returns the queued batches whose delivery.timeout.ms has passed, in queue order. */
  takeExpired(now: Micros): ProducerBatch[] {
    const expired: ProducerBatch[] = [];
    for (const { batches: queue } of this.partitionQueues) {
      for (let i = 0; i < queue.length; ) {
        const batch = queue[i]!;
        if (batch.hasReachedDeliveryTimeout(this.options.deliveryTimeoutMicros, now)) {
          expired.push(batch);
          queue.splice(i, 1);
        } else if (batch.attempts === 0) break;
        else i++;
      }
    }
    return expired;
  }

  /** The earliest time a queued batch reaches its delivery timeout (Infinity: nothing queued). */
  nextExpiryMicros(): Micros {
    let earliest = Infinity;
    for (const { batches: queue } of this.partitionQueues) {
      for (const b of queue) {
        earliest = Math.min(earliest, b.createdMicros + this.options.deliveryTimeoutMicros);
        if (b.attempts === 0) break;
      }
    }
    return earliest;
  }

  /** Every queued batch, for the producer-id reset (which renumbers them) and for tests. */
  *queued(): IterableIterator<ProducerBatch> {
    for (const queue of this.partitionQueues) yield* queue.batches;
  }
}
