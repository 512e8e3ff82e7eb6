/**
 * Kafka clients hosted in simulated processes: the producer (batching, acks, retries,
 * idempotence, partitioners) and a simple consumer (assigned partitions, no group yet).
 * A host process hands each client the messages it `handles` and every connection reset
 * with a broker node; see ProducerHost and ConsumerHost.
 */
export type { ClientError, RequestFailure } from "./errors.ts";
export { CorrelationIds, NetworkClient } from "./network/NetworkClient.ts";
export { MetadataCache, type MetadataOptions, type PartitionInfo } from "./metadata/MetadataCache.ts";
export { murmur2, partitionForKey, toPositive, utf8 } from "./partitioner/murmur2.ts";
export { Partitioner, type PartitionerKind, type TopicLayout } from "./partitioner/Partitioner.ts";
export {
  DEFAULT_PRODUCER_OPTIONS,
  ProducerConfigError,
  producerOptions,
  type ProducerOptions,
} from "./producer/ProducerOptions.ts";
export {
  KafkaProducer,
  RECORD_OVERHEAD_BYTES,
  type KafkaProducerExtras,
  type OutgoingRecord,
  type ProducerObserver,
  type ProducerStats,
} from "./producer/KafkaProducer.ts";
export type { ProduceCallback, ProduceResult } from "./producer/ProducerBatch.ts";
export { ProducerHost } from "./producer/ProducerHost.ts";
export {
  DEFAULT_CONSUMER_OPTIONS,
  consumerOptions,
  type ConsumerOptions,
  type OffsetResetPolicy,
} from "./consumer/ConsumerOptions.ts";
export {
  SimpleConsumer,
  type ConsumedRecord,
  type ConsumerHandlers,
  type ConsumerStats,
} from "./consumer/SimpleConsumer.ts";
export { ConsumerHost } from "./consumer/ConsumerHost.ts";
