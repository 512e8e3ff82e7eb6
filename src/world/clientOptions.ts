import type { KafkaConfig } from "../protocol/config/index.ts";
import type { ProducerOptions } from "../client/producer/ProducerOptions.ts";
import type { ConsumerOptions, OffsetResetPolicy } from "../client/consumer/ConsumerOptions.ts";
import type { GroupConsumerOptions } from "../client/consumer/group/GroupConsumerOptions.ts";

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

/** A group member's options: the consumer's, with the group keys of its config. */
export function groupConsumerOptionsFrom(config: KafkaConfig<"consumer">, bootstrapBrokers: readonly number[], groupId: string): Partial<GroupConsumerOptions> & { groupId: string } {
  return {
    ...consumerOptionsFrom(config, bootstrapBrokers),
    groupId,
    sessionTimeoutMicros: config.micros("session.timeout.ms"),
    heartbeatIntervalMicros: config.micros("heartbeat.interval.ms"),
    maxPollIntervalMicros: config.micros("max.poll.interval.ms"),
    maxPollRecords: config.number("max.poll.records"),
    autoCommitIntervalMicros: config.micros("auto.commit.interval.ms"),
    partitionAssignmentStrategy: config.string("partition.assignment.strategy"),
  };
}
