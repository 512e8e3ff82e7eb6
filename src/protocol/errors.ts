/**
 * Kafka's error codes, by their protocol names (org.apache.kafka.common.protocol.Errors),
 * limited to those the model produces. `retriable` follows Kafka's RetriableException
 * hierarchy: a producer retries these (refreshing metadata first where it says so).
 */
export const KAFKA_ERRORS = {
  NONE: { retriable: false, refreshMetadata: false },
  OFFSET_OUT_OF_RANGE: { retriable: false, refreshMetadata: false },
  CORRUPT_MESSAGE: { retriable: true, refreshMetadata: false },
  UNKNOWN_TOPIC_OR_PARTITION: { retriable: true, refreshMetadata: true },
  LEADER_NOT_AVAILABLE: { retriable: true, refreshMetadata: true },
  NOT_LEADER_OR_FOLLOWER: { retriable: true, refreshMetadata: true },
  REQUEST_TIMED_OUT: { retriable: true, refreshMetadata: false },
  NETWORK_EXCEPTION: { retriable: true, refreshMetadata: true },
  NOT_ENOUGH_REPLICAS: { retriable: true, refreshMetadata: false },
  NOT_ENOUGH_REPLICAS_AFTER_APPEND: { retriable: true, refreshMetadata: false },
  STALE_CONTROLLER_EPOCH: { retriable: false, refreshMetadata: false },
  KAFKA_STORAGE_ERROR: { retriable: true, refreshMetadata: true },
  OUT_OF_ORDER_SEQUENCE_NUMBER: { retriable: false, refreshMetadata: false },
  DUPLICATE_SEQUENCE_NUMBER: { retriable: false, refreshMetadata: false },
  INVALID_PRODUCER_EPOCH: { retriable: false, refreshMetadata: false },
  UNKNOWN_PRODUCER_ID: { retriable: false, refreshMetadata: false },
  FENCED_LEADER_EPOCH: { retriable: true, refreshMetadata: true },
  UNKNOWN_LEADER_EPOCH: { retriable: true, refreshMetadata: true },
  COORDINATOR_NOT_AVAILABLE: { retriable: true, refreshMetadata: false },
  COORDINATOR_LOAD_IN_PROGRESS: { retriable: true, refreshMetadata: false },
  NOT_COORDINATOR: { retriable: true, refreshMetadata: false },
  ILLEGAL_GENERATION: { retriable: false, refreshMetadata: false },
  UNKNOWN_MEMBER_ID: { retriable: false, refreshMetadata: false },
  REBALANCE_IN_PROGRESS: { retriable: false, refreshMetadata: false },
  MEMBER_ID_REQUIRED: { retriable: false, refreshMetadata: false },
  INCONSISTENT_GROUP_PROTOCOL: { retriable: false, refreshMetadata: false },
  GROUP_ID_NOT_FOUND: { retriable: false, refreshMetadata: false },
  INVALID_REQUEST: { retriable: false, refreshMetadata: false },
} as const;

export type KafkaError = keyof typeof KAFKA_ERRORS;

export function isRetriable(error: KafkaError): boolean {
  return KAFKA_ERRORS[error].retriable;
}

export function needsMetadataRefresh(error: KafkaError): boolean {
  return KAFKA_ERRORS[error].refreshMetadata;
}
