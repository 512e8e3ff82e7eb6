import type { KafkaError } from "../protocol/errors.ts";

/**
 * What a client reports when a record or a request fails: a broker's error code, or one
 * the client raises itself (Kafka raises these as exceptions in the application thread
 * or through the send callback).
 */
export type ClientError =
  | KafkaError
  /** delivery.timeout.ms passed since the record's batch was created (Kafka's TimeoutException "Expiring N record(s)"). */
  | "DELIVERY_TIMEOUT"
  /** send() could not get metadata or buffer memory within max.block.ms (Kafka's TimeoutException from send()). */
  | "MAX_BLOCK_TIMEOUT"
  /** The record is larger than max.request.size or buffer.memory (Kafka's RecordTooLargeException). */
  | "RECORD_TOO_LARGE"
  /** The producer was closed before the record completed. */
  | "PRODUCER_CLOSED";

/** How a request to a broker failed without an answer (Kafka's ClientResponse disconnected / timed out). */
export type RequestFailure = "NETWORK_EXCEPTION" | "REQUEST_TIMED_OUT";

/**
 * Whether an attempt that failed with `error` may nonetheless have been written. A broker
 * that answers NOT_LEADER_OR_FOLLOWER or NOT_ENOUGH_REPLICAS rejected the batch; one that
 * never answered, or answered after the append, leaves the outcome unknown.
 */
export function attemptMayHaveWritten(error: KafkaError): boolean {
  return (
    error === "REQUEST_TIMED_OUT" ||
    error === "NETWORK_EXCEPTION" ||
    error === "NOT_ENOUGH_REPLICAS_AFTER_APPEND" ||
    error === "KAFKA_STORAGE_ERROR"
  );
}
