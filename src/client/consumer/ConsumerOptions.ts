import { MICROS_PER_MS, type Micros } from "../../../sim/index.ts";

/** auto.offset.reset: where a partition without a valid position starts. */
export type OffsetResetPolicy = "earliest" | "latest" | "none";

/** A consumer's configuration, Kafka's keys in camelCase with their units last. */
export interface ConsumerOptions {
  /** Broker ids to ask for metadata first (bootstrap.servers). */
  readonly bootstrapBrokers: readonly number[];
  /** auto.offset.reset: earliest, latest, or none (a partition without a position fails). */
  readonly autoOffsetReset: OffsetResetPolicy;
  /** fetch.min.bytes: the broker holds a fetch until it has this much (or fetch.max.wait.ms passed). */
  readonly fetchMinBytes: number;
  /** fetch.max.wait.ms: the longest a fetch waits at the broker. */
  readonly fetchMaxWaitMicros: Micros;
  /** fetch.max.bytes: the most one fetch returns across partitions. */
  readonly fetchMaxBytes: number;
  /** max.partition.fetch.bytes: the most one fetch returns per partition. */
  readonly maxPartitionFetchBytes: number;
  /** request.timeout.ms: an unanswered request fails (and its connection is closed) after this. */
  readonly requestTimeoutMicros: Micros;
  /** retry.backoff.ms: the wait after a failed request before the next, and between metadata requests. */
  readonly retryBackoffMicros: Micros;
  /** reconnect.backoff.ms: the wait before reusing a broker whose connection was lost. */
  readonly reconnectBackoffMicros: Micros;
  /** metadata.max.age.ms: metadata is refreshed at least this often. */
  readonly metadataMaxAgeMicros: Micros;
  /**
   * Not a Kafka key but its era: after a leader change, check each position against the new
   * leader with OffsetsForLeaderEpoch before fetching on (KIP-320's consumer side, Kafka 2.3+),
   * so a position past a truncated log moves back to where the logs diverge.
   */
  readonly validatePositions: boolean;
}

const ms = (n: number): Micros => n * MICROS_PER_MS;

/** The defaults of a 3.x Kafka consumer (ConsumerConfig). */
export const DEFAULT_CONSUMER_OPTIONS: ConsumerOptions = {
  bootstrapBrokers: [1],
  autoOffsetReset: "latest",
  fetchMinBytes: 1,
  fetchMaxWaitMicros: ms(500),
  fetchMaxBytes: 52_428_800,
  maxPartitionFetchBytes: 1_048_576,
  requestTimeoutMicros: ms(30_000),
  retryBackoffMicros: ms(100),
  reconnectBackoffMicros: ms(50),
  metadataMaxAgeMicros: ms(300_000),
  validatePositions: true,
};

export function consumerOptions(options: Partial<ConsumerOptions> = {}): ConsumerOptions {
  const o = { ...DEFAULT_CONSUMER_OPTIONS, ...options };
  if (o.bootstrapBrokers.length === 0) throw new Error("consumer: bootstrap brokers must not be empty");
  return o;
}
