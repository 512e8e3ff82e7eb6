import { type EventHandle, type Message, type Micros, type NodeContext } from "../../../sim/index.ts";
import { BATCH_OVERHEAD_BYTES, type KafkaRecord } from "../../protocol/records.ts";
import { brokerIdOf } from "../../protocol/requests.ts";
import type { ClientError } from "../errors.ts";
import { MetadataCache } from "../metadata/MetadataCache.ts";
import { CorrelationIds, NetworkClient } from "../network/NetworkClient.ts";
import { utf8Length } from "../partitioner/murmur2.ts";
import { Partitioner, type TopicLayout } from "../partitioner/Partitioner.ts";
import { BufferPool } from "./BufferPool.ts";
import { IdempotenceManager } from "./IdempotenceManager.ts";
import { PendingRecord, type ProduceCallback, type ProducerBatch } from "./ProducerBatch.ts";
import { producerOptions, type ProducerOptions } from "./ProducerOptions.ts";
import { RecordAccumulator } from "./RecordAccumulator.ts";
import { Sender, type BatchCompletions } from "./Sender.ts";

/** What the application hands to send(). */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  /** Unique id of the value, followed by checkers from send to log to consumer. */
  readonly valueId: number;
  /** The value's size; the record's size adds the key's UTF-8 bytes and the v2 per-record overhead. */
  readonly sizeBytes: number;
}

/** Kafka's v2 record header besides key and value (length, attributes, deltas, header count), about. */
export const RECORD_OVERHEAD_BYTES = 10;

/** Counters for the run summary. */
export interface ProducerStats {
  /** send() calls. */
  sent: number;
  /** Records acknowledged (callback ok). */
  acknowledged: number;
  /** Records failed (callback not ok), whatever the reason. */
  failed: number;
  /** Batches put back for a retry. */
  retries: number;
}

/** Reports for a history recorder or a latency histogram; all optional. */
export interface ProducerObserver {
  /** send() was called (Jepsen's invoke); `sizeBytes` is the record's, key and overhead included. Fields, not a record: no object per send. */
  sent?(topic: string, key: string | null, valueId: number, sizeBytes: number): void;
  /** The record was acknowledged, `latencyMicros` after send(). offset is -1 with acks=0. */
  acknowledged?(record: KafkaRecord, topic: string, partition: number, offset: number, latencyMicros: Micros): void;
  /**
   * A whole batch was acknowledged at `atMicros`, record i at baseOffset + i (each -1 with
   * acks=0). An observer that has this hook gets one call per batch (of records sent without
   * a callback) instead of `acknowledged` per record: a steady load completes millions.
   */
  batchAcknowledged?(records: AcknowledgedRecords, topic: string, partition: number, baseOffset: number, atMicros: Micros): void;
  /** The record failed; `maybeWritten` when its outcome is in doubt. */
  failed?(record: KafkaRecord, topic: string, partition: number, error: ClientError, maybeWritten: boolean, latencyMicros: Micros): void;
}

/** The records of an acknowledged batch, in send order, read in place. */
export interface AcknowledgedRecords {
  readonly recordCount: number;
  valueIdAt(i: number): number;
  createdAtMicrosAt(i: number): Micros;
}

export interface KafkaProducerExtras {
  readonly observer?: ProducerObserver;
  /** Shared with the other clients of the same process (see CorrelationIds). */
  readonly correlationIds?: CorrelationIds;
}

/** A send waiting for metadata or buffer memory (the application thread blocked in send()). */
interface BlockedSend {
  readonly topic: string;
  readonly record: PendingRecord;
  readonly deadlineMicros: Micros;
}

/**
 * Kafka's KafkaProducer as a library hosted in a process (like CoordClient): the host
 * passes it the messages and connection resets of broker nodes (see `receive`,
 * `connectionReset`, `handles`). send() partitions the record, appends it to the
 * accumulator and returns at once; the record's callback runs when its batch completes.
 * A send that finds no metadata for its topic, or no buffer memory for a new batch, waits
 * (and every later send waits behind it, as the application's thread would) for up to
 * max.block.ms, then fails with MAX_BLOCK_TIMEOUT.
 */
export class KafkaProducer {
  readonly options: ProducerOptions;
  readonly stats: ProducerStats = { sent: 0, acknowledged: 0, failed: 0, retries: 0 };
  readonly metadata: MetadataCache;
  private readonly network: NetworkClient;
  private readonly partitioner: Partitioner;
  private readonly pool: BufferPool;
  private readonly accumulator: RecordAccumulator;
  private readonly idempotence: IdempotenceManager | null;
  private readonly sender: Sender;
  private readonly blocked: BlockedSend[] = [];
  private blockedOnMemory = false;
  private blockTimer: EventHandle = -1;
  private closed = false;
  /** The layout of the topic last sent to, as of metadata version `version` (see layoutOf). */
  private lastLayout: (TopicLayout & { readonly topic: string; readonly version: number }) | null = null;
  /** The topic last given to metadata.addTopic: a run of sends to one topic adds it once (topics are never dropped). */
  private lastTopicAdded: string | null = null;

  constructor(
    private readonly ctx: NodeContext,
    options: Partial<ProducerOptions> = {},
    private readonly extras: KafkaProducerExtras = {},
  ) {
    this.options = producerOptions(options);
    const o = this.options;
    this.network = new NetworkClient(ctx, {
      requestTimeoutMicros: o.requestTimeoutMicros,
      reconnectBackoffMicros: o.reconnectBackoffMicros,
      correlationIds: extras.correlationIds,
      label: "producer",
    });
    this.metadata = new MetadataCache(ctx, this.network, o, () => this.metadataUpdated());
    this.partitioner = new Partitioner(o.partitioner, ctx.random);
    this.pool = new BufferPool(o.bufferMemoryBytes);
    this.accumulator = new RecordAccumulator(o);
    this.idempotence = o.enableIdempotence ? new IdempotenceManager(o.idempotenceRecovery) : null;
    this.sender = new Sender(ctx, o, this.network, this.metadata, this.accumulator, this.idempotence, this.completions);
  }

  /** Starts the sender (an idempotent producer asks for its producer id at once). */
  start(): void {
    this.sender.wakeup();
  }

  /** The producer id (-1 before InitProducerId answered, or without idempotence). */
  get producerId(): number {
    return this.idempotence?.producerId ?? -1;
  }

  /** Produce requests sent so far and not yet answered. */
  get requests(): { sent: number; inFlight: number } {
    return { sent: this.sender.produceRequests, inFlight: this.sender.inFlight };
  }

  /** Sends waiting in send() for metadata or buffer memory (the application thread is blocked while > 0). */
  get blockedSends(): number {
    return this.blocked.length;
  }

  /** Buffer memory not held by batches. */
  get availableMemoryBytes(): number {
    return this.pool.available;
  }

  // ---- the API ----------------------------------------------------------------------------

  send(input: OutgoingRecord, callback?: ProduceCallback): void {
    this.sendRecord(input.topic, input.key, input.valueId, input.sizeBytes, callback);
  }

  /**
   * send() with the record's fields as arguments: a workload sending hundreds of thousands
   * of records a second makes no OutgoingRecord for each. `sizeBytes` is the value's size;
   * `keyBytes`, the key's UTF-8 length, when the caller has it at hand (a workload sending
   * the same keys again and again), else it is counted here.
   */
  sendRecord(topic: string, key: string | null, valueId: number, sizeBytes: number, callback?: ProduceCallback, keyBytes?: number): void {
    const now = this.ctx.now;
    if (keyBytes === undefined) keyBytes = key === null ? 0 : utf8Length(key);
    const recordBytes = sizeBytes + keyBytes + RECORD_OVERHEAD_BYTES;
    this.stats.sent++;
    this.extras.observer?.sent?.(topic, key, valueId, recordBytes);
    // The record as an object only where it waits (failing soon, or blocked): appended at
    // once, its fields go straight into the batch's columns.
    if (this.closed) return this.failSoon(topic, new PendingRecord(key, valueId, recordBytes, now, callback), "PRODUCER_CLOSED");
    const batchBytes = BATCH_OVERHEAD_BYTES + recordBytes;
    if (batchBytes > this.options.maxRequestSizeBytes || batchBytes > this.options.bufferMemoryBytes) {
      return this.failSoon(topic, new PendingRecord(key, valueId, recordBytes, now, callback), "RECORD_TOO_LARGE");
    }
    if (topic !== this.lastTopicAdded) {
      this.metadata.addTopic(topic);
      this.lastTopicAdded = topic;
    }
    if (this.blocked.length > 0 || !this.place(topic, key, valueId, recordBytes, now, callback)) {
      this.block({ topic, record: new PendingRecord(key, valueId, recordBytes, now, callback), deadlineMicros: now + this.options.maxBlockMicros });
    }
  }

  /** Refuses further sends (they fail with PRODUCER_CLOSED); what was accepted is still sent. */
  close(): void {
    this.closed = true;
  }

  // ---- from the host ----------------------------------------------------------------------

  /** True for the messages the host must hand to `receive`: answers from broker nodes. */
  handles(from: string, message: Message): boolean {
    return brokerIdOf(from) >= 0 && this.network.owns(message);
  }

  receive(from: string, message: Message): void {
    this.network.receive(from, message);
  }

  /** The host calls this for every reset of a connection with a broker node. */
  connectionReset(peer: string): void {
    this.network.connectionReset(peer);
  }

  // ---- placing records --------------------------------------------------------------------

  /** Partitions the record and appends it; false when it must wait (no metadata yet, or no memory). */
  private place(topic: string, key: string | null, valueId: number, recordBytes: number, createdAtMicros: Micros, callback: ProduceCallback | undefined): boolean {
    const layout = this.layoutOf(topic);
    if (layout === null) {
      // Kafka's waitOnMetadata: keep asking (within the back-off) until max.block.ms.
      this.metadata.requestUpdate();
      return false;
    }
    let partition = this.partitioner.partition(topic, key, layout);
    if (this.accumulator.tryAppend(topic, partition, key, valueId, recordBytes, createdAtMicros, callback)) return true;
    if (key === null && this.partitioner.switchesOnNewBatch) {
      // KIP-480: a keyless record that would open a new batch switches the sticky partition.
      this.partitioner.onNewBatch(topic, layout, partition);
      partition = this.partitioner.partition(topic, key, layout);
      if (this.accumulator.tryAppend(topic, partition, key, valueId, recordBytes, createdAtMicros, callback)) return true;
    }
    const reserve = this.accumulator.reserveFor(BATCH_OVERHEAD_BYTES + recordBytes);
    if (!this.pool.tryAllocate(reserve)) {
      this.blockedOnMemory = true;
      return false;
    }
    this.blockedOnMemory = false;
    this.accumulator.appendToNewBatch({ topic, partition }, key, valueId, recordBytes, createdAtMicros, callback, reserve, this.ctx.now);
    this.sender.wakeup();
    return true;
  }

  /**
   * The topic's layout for the partitioner (null before its metadata arrived). Kept for the
   * last topic until the metadata's version moves (only an applied answer changes a known
   * topic's partitions): a send to the same topic makes no object and no metadata lookup.
   */
  private layoutOf(topic: string): TopicLayout | null {
    const version = this.metadata.version;
    const last = this.lastLayout;
    if (last !== null && last.topic === topic && last.version === version) return last;
    const partitionCount = this.metadata.partitionCount(topic);
    if (partitionCount === undefined) return null;
    const layout = { topic, version, partitionCount, available: this.metadata.availablePartitions(topic) };
    this.lastLayout = layout;
    return layout;
  }

  private block(send: BlockedSend): void {
    this.blocked.push(send);
    if (this.blocked.length === 1) this.armBlockTimer();
  }

  /** Places waiting sends in order while they fit. */
  private unblock(): void {
    if (this.blocked.length === 0) return;
    while (this.blocked.length > 0) {
      const { topic, record } = this.blocked[0]!;
      if (!this.place(topic, record.key, record.valueId, record.sizeBytes, record.createdAtMicros, record.callback)) break;
      this.blocked.shift();
    }
    if (this.blocked.length === 0) this.blockedOnMemory = false;
    this.armBlockTimer();
  }

  private armBlockTimer(): void {
    if (this.blockTimer !== -1) this.ctx.cancelTimer(this.blockTimer);
    this.blockTimer = -1;
    const head = this.blocked[0];
    if (!head) return;
    this.blockTimer = this.ctx.setTimer(Math.max(0, head.deadlineMicros - this.ctx.now), "producer.max-block", () => {
      this.blockTimer = -1;
      while (this.blocked.length > 0 && this.blocked[0]!.deadlineMicros <= this.ctx.now) {
        const expired = this.blocked.shift()!;
        this.finishRecord(expired.topic, -1, expired.record, { error: "MAX_BLOCK_TIMEOUT", maybeWritten: false });
      }
      if (this.blocked.length === 0) this.blockedOnMemory = false;
      this.unblock();
    });
  }

  private metadataUpdated(): void {
    this.unblock();
    this.sender.wakeup();
  }

  // ---- completing records -----------------------------------------------------------------

  private readonly completions: BatchCompletions = {
    succeeded: (batch, baseOffset) => this.batchDone(batch, baseOffset, null),
    failed: (batch, error) => this.batchDone(batch, -1, { error, maybeWritten: batch.mayHaveWritten }),
    retried: () => {
      this.stats.retries++;
    },
    memoryExhausted: () => this.blockedOnMemory && this.blocked.length > 0,
  };

  /** Completes every record of a batch: acknowledged at baseOffset + i (-1 with acks=0), or failed when `failure` is given. */
  private batchDone(batch: ProducerBatch, baseOffset: number, failure: Failure | null): void {
    batch.done = true;
    this.pool.release(batch.reservedBytes);
    const { topic, partition } = batch.tp;
    const count = batch.recordCount;
    const observer = this.extras.observer;
    if (failure === null && !batch.hasCallbacks && observer?.batchAcknowledged !== undefined) {
      // No callback to interleave with the observer's calls: the whole batch in one.
      this.stats.acknowledged += count;
      observer.batchAcknowledged(batch, topic, partition, baseOffset, this.ctx.now);
      this.unblock();
      return;
    }
    for (let i = 0; i < count; i++) {
      if (failure !== null) this.finishRecord(topic, partition, batch.recordAt(i), failure);
      else this.finishRecord(topic, partition, batch.recordAt(i), baseOffset < 0 ? -1 : baseOffset + i);
    }
    this.unblock();
  }

  private failSoon(topic: string, record: PendingRecord, error: ClientError): void {
    this.ctx.setTimer(0, "producer.fail-fast", () => this.finishRecord(topic, -1, record, { error, maybeWritten: false }));
  }

  /** Ends one record: acknowledged at `outcome` (an offset, -1 with acks=0), or failed. */
  private finishRecord(topic: string, partition: number, record: PendingRecord, outcome: number | Failure): void {
    const callback = record.callback;
    const latencyMicros = this.ctx.now - record.createdAtMicros;
    if (typeof outcome === "number") {
      this.stats.acknowledged++;
      this.extras.observer?.acknowledged?.(record, topic, partition, outcome, latencyMicros);
      callback?.({ ok: true, topic, partition, offset: outcome });
    } else {
      this.stats.failed++;
      this.extras.observer?.failed?.(record, topic, partition, outcome.error, outcome.maybeWritten, latencyMicros);
      callback?.({ ok: false, topic, partition, error: outcome.error, maybeWritten: outcome.maybeWritten });
    }
  }
}

interface Failure {
  readonly error: ClientError;
  readonly maybeWritten: boolean;
}
