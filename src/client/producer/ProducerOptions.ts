import { MICROS_PER_MS, type Micros } from "../../../sim/index.ts";
import type { Acks } from "../../protocol/requests.ts";
import type { PartitionerKind } from "../partitioner/Partitioner.ts";

/**
 * A producer's configuration, Kafka's keys in camelCase with their units last. Every
 * duration is in simulated microseconds.
 */
export interface ProducerOptions {
  /** Broker ids to ask for metadata first (bootstrap.servers). */
  readonly bootstrapBrokers: readonly number[];
  /** acks: 0 (do not wait), 1 (the leader appended), -1 = all (every ISR member has it). */
  readonly acks: Acks;
  /** enable.idempotence: producer id and per-partition sequence numbers; the broker drops duplicates. */
  readonly enableIdempotence: boolean;
  /** linger.ms: how long a batch that is not full waits for more records before it may be sent. */
  readonly lingerMicros: Micros;
  /** batch.size: a batch is full when the next record would take it past this. */
  readonly batchSizeBytes: number;
  /** buffer.memory: memory for batches waiting or in flight; each batch reserves max(batch.size, its size). */
  readonly bufferMemoryBytes: number;
  /** max.block.ms: how long send() may wait for metadata or buffer memory before it fails. */
  readonly maxBlockMicros: Micros;
  /** max.request.size: the largest record (and produce request) the producer sends. */
  readonly maxRequestSizeBytes: number;
  /** max.in.flight.requests.per.connection: unanswered produce requests per broker; 1 keeps order under retries. */
  readonly maxInFlightPerConnection: number;
  /** request.timeout.ms: an unanswered request fails (and its connection is closed) after this. */
  readonly requestTimeoutMicros: Micros;
  /** delivery.timeout.ms: a record not acknowledged this long after its batch was created fails. */
  readonly deliveryTimeoutMicros: Micros;
  /** retries: how many times a batch is resent after a retriable error (attempts = retries + 1). */
  readonly retries: number;
  /** retry.backoff.ms: the wait before a failed batch is sent again, and between metadata requests. */
  readonly retryBackoffMicros: Micros;
  /** reconnect.backoff.ms: the wait before reusing a broker whose connection was lost. */
  readonly reconnectBackoffMicros: Micros;
  /** metadata.max.age.ms: metadata is refreshed at least this often. */
  readonly metadataMaxAgeMicros: Micros;
  /** partitioner.class: how keyless records are spread, `sticky` (Kafka 2.4+) or `round-robin` (before). */
  readonly partitioner: PartitionerKind;
  /**
   * How an idempotent producer recovers from a sequence it cannot trust (a gap the broker
   * reports, an unresolved batch, an unknown producer id): not a Kafka key but its era.
   * `reset-producer-id` (Kafka 1.1 to 2.4, resetProducerId): a new producer id for every
   * partition; batches already numbered keep their old id and one that needs a retry is
   * dropped with OUT_OF_ORDER_SEQUENCE_NUMBER. `bump-epoch` (Kafka 2.5+, KIP-360): only the
   * partitions that hit the problem start again under the new epoch (their batches are
   * renumbered); the others finish their numbered batches under the old one first.
   */
  readonly idempotenceRecovery: IdempotenceRecovery;
}

export type IdempotenceRecovery = "reset-producer-id" | "bump-epoch";

const ms = (n: number): Micros => n * MICROS_PER_MS;

/**
 * The defaults of a current (3.x) Kafka producer (ProducerConfig), with idempotence on and
 * acks=all as since 3.0. linger.ms is 0 as before 4.0. A run must still name its bootstrap
 * brokers; `[1]` is the first broker.
 */
export const DEFAULT_PRODUCER_OPTIONS: ProducerOptions = {
  bootstrapBrokers: [1],
  acks: -1,
  enableIdempotence: true,
  lingerMicros: 0,
  batchSizeBytes: 16_384,
  bufferMemoryBytes: 33_554_432,
  maxBlockMicros: ms(60_000),
  maxRequestSizeBytes: 1_048_576,
  maxInFlightPerConnection: 5,
  requestTimeoutMicros: ms(30_000),
  deliveryTimeoutMicros: ms(120_000),
  retries: 2_147_483_647,
  retryBackoffMicros: ms(100),
  reconnectBackoffMicros: ms(50),
  metadataMaxAgeMicros: ms(300_000),
  partitioner: "sticky",
  idempotenceRecovery: "bump-epoch",
};

/** A configuration Kafka would refuse (a ConfigException), with the reason. */
export class ProducerConfigError extends Error {
  override name = "ProducerConfigError";
}

/** The defaults overlaid with `options`, checked the way Kafka's ProducerConfig checks them. */
export function producerOptions(options: Partial<ProducerOptions> = {}): ProducerOptions {
  const o: ProducerOptions = { ...DEFAULT_PRODUCER_OPTIONS, ...options };
  const fail = (why: string): never => {
    throw new ProducerConfigError(why);
  };
  if (o.bootstrapBrokers.length === 0) fail("bootstrap brokers must not be empty");
  if (![0, 1, -1].includes(o.acks)) fail(`acks must be 0, 1 or -1 (all), not ${o.acks}`);
  if (o.maxInFlightPerConnection < 1) fail("max.in.flight.requests.per.connection must be at least 1");
  if (o.batchSizeBytes < 1 || o.bufferMemoryBytes < 1 || o.maxRequestSizeBytes < 1) fail("sizes must be positive");
  if (o.retries < 0) fail("retries must not be negative");
  if (o.enableIdempotence) {
    if (o.acks !== -1) fail("enable.idempotence requires acks=all");
    if (o.maxInFlightPerConnection > 5) fail("enable.idempotence requires max.in.flight.requests.per.connection <= 5");
    if (o.retries === 0) fail("enable.idempotence requires retries > 0");
  }
  if (o.deliveryTimeoutMicros < o.lingerMicros + o.requestTimeoutMicros) {
    fail("delivery.timeout.ms must be at least linger.ms + request.timeout.ms");
  }
  return o;
}
