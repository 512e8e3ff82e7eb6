import type { KafkaConfig } from "../protocol/config/index.ts";
import type { ProducerOptions } from "../client/producer/ProducerOptions.ts";
import type { ConsumerOptions, OffsetResetPolicy } from "../client/consumer/ConsumerOptions.ts";

/** A producer's options from its resolved producer config (Kafka's keys mapped in one place). */
export function producerOptionsFrom(config: KafkaConfig<"producer">, bootstrapBrokers: readonly number[]): Partial<ProducerOptions> {
  return {
    bootstrapBrokers,
    acks: config.get("acks"),
    enableIdempotence: config.boolean("enable.idempotence"),
    lingerMicros: config.micros("linger.ms"),
    batchSizeBytes: config.number("batch.size"),
    bufferMemoryBytes: config.number("buffer.memory"),
    maxBlockMicros: config.micros("max.block.ms"),
    maxInFlightPerConnection: config.number("max.in.flight.requests.per.connection"),
    requestTimeoutMicros: config.micros("request.timeout.ms"),
    deliveryTimeoutMicros: config.micros("delivery.timeout.ms"),
    retries: config.number("retries"),
    retryBackoffMicros: config.micros("retry.backoff.ms"),
    metadataMaxAgeMicros: config.micros("metadata.max.age.ms"),
    partitioner: config.string("partitioner.class") === "round-robin" ? "round-robin" : "sticky",
  };
}

/** A simple consumer's options from its resolved consumer config. */
export function consumerOptionsFrom(config: KafkaConfig<"consumer">, bootstrapBrokers: readonly number[]): Partial<ConsumerOptions> {
  return {
    bootstrapBrokers,
    autoOffsetReset: config.string("auto.offset.reset") as OffsetResetPolicy,
    fetchMinBytes: config.number("fetch.min.bytes"),
    fetchMaxWaitMicros: config.micros("fetch.max.wait.ms"),
    fetchMaxBytes: config.number("fetch.max.bytes"),
    maxPartitionFetchBytes: config.number("max.partition.fetch.bytes"),
    requestTimeoutMicros: config.micros("request.timeout.ms"),
    retryBackoffMicros: config.micros("retry.backoff.ms"),
  };
}
