import { MICROS_PER_HOUR, MICROS_PER_MS } from "../../../sim/index.ts";

/** `cleanup.policy`: delete old segments by time and size, or keep the latest record per key. */
export type CleanupPolicy = "delete" | "compact";

/**
 * A partition replica log's settings: Kafka's topic-level configs (and the broker defaults
 * they fall back to), with units in the names. Where Kafka says "never" with -1 or
 * Long.MAX_VALUE, this says Infinity. The broker maps Kafka's keys onto these in one place.
 */
export interface LogConfig {
  /** `segment.bytes` (`log.segment.bytes`): the active segment rolls before it would exceed this. */
  readonly segmentBytes: number;
  /** `segment.ms` (`log.roll.ms`, `log.roll.hours`=168): roll once the active segment's first batch is this old. */
  readonly segmentMicros: number;
  /** `retention.ms` (`log.retention.hours`=168): delete closed segments whose newest batch is older. Infinity: never. */
  readonly retentionMicros: number;
  /** `retention.bytes` (-1): delete the oldest segments while the log is larger. Infinity: never. */
  readonly retentionBytes: number;
  /** `cleanup.policy`. */
  readonly cleanupPolicy: CleanupPolicy;
  /** `flush.messages` (`log.flush.interval.messages`): fsync after this many unflushed records. Infinity: never. */
  readonly flushMessages: number;
  /** `flush.ms` (`log.flush.interval.ms`): fsync when the last flush is this old (checked by `flushIfDue`). Infinity: never. */
  readonly flushMicros: number;
  /** `min.cleanable.dirty.ratio`: compact only when the dirty part is at least this share of the log. */
  readonly minCleanableDirtyRatio: number;
  /** `producer.id.expiration.ms` (1 day): an idle producer's idempotence state is forgotten after this. */
  readonly producerIdExpirationMicros: number;
  /**
   * Before KIP-360 (Kafka 2.5) a batch from a producer the log has no state for, whose
   * sequence is not 0, was refused with UNKNOWN_PRODUCER_ID; since then it is accepted.
   */
  readonly rejectUnknownProducerSequence: boolean;
}

export const DEFAULT_LOG_CONFIG: LogConfig = {
  segmentBytes: 1024 * 1024 * 1024,
  segmentMicros: 168 * MICROS_PER_HOUR,
  retentionMicros: 168 * MICROS_PER_HOUR,
  retentionBytes: Infinity,
  cleanupPolicy: "delete",
  flushMessages: Infinity,
  flushMicros: Infinity,
  minCleanableDirtyRatio: 0.5,
  producerIdExpirationMicros: 86_400_000 * MICROS_PER_MS,
  rejectUnknownProducerSequence: false,
};

export function logConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  const config = { ...DEFAULT_LOG_CONFIG, ...overrides };
  if (!(config.segmentBytes > 0)) throw new RangeError(`segmentBytes must be positive, got ${config.segmentBytes}`);
  if (!(config.segmentMicros > 0)) throw new RangeError(`segmentMicros must be positive, got ${config.segmentMicros}`);
  if (!(config.flushMessages >= 1)) throw new RangeError(`flushMessages must be at least 1, got ${config.flushMessages}`);
  return config;
}
