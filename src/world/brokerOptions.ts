import { configFor, LONG_MAX, type KafkaConfig } from "../protocol/config/index.ts";
import type { BrokerOptions, TopicOptions } from "../broker/BrokerOptions.ts";
import type { Scenario } from "../scenario/types.ts";

/** Kafka's "never" (Long.MAX_VALUE) becomes Infinity, which the model's comparisons understand. */
const never = (n: number): number => (n >= LONG_MAX ? Infinity : n);

/** A topic's settings from its resolved topic config (which falls back to the broker's). */
export function topicOptionsFrom(config: KafkaConfig<"topic">): TopicOptions {
  return {
    minInsyncReplicas: config.number("min.insync.replicas"),
    uncleanLeaderElectionEnable: config.boolean("unclean.leader.election.enable"),
    segmentBytes: config.number("segment.bytes"),
    segmentMicros: never(config.micros("segment.ms")),
    retentionMicros: config.number("retention.ms") < 0 ? Infinity : never(config.micros("retention.ms")),
    retentionBytes: config.number("retention.bytes") < 0 ? Infinity : never(config.number("retention.bytes")),
    cleanupPolicy: config.string("cleanup.policy") === "compact" ? "compact" : "delete",
    flushMessages: never(config.number("flush.messages")),
    flushMicros: never(config.micros("flush.ms")),
  };
}

/** Broker `id`'s options: the scenario's broker config, its profile, and every topic's settings. */
export function brokerOptionsFrom(scenario: Scenario, brokerId: number): BrokerOptions {
  const broker = scenario.cluster.config;
  const topicDefaults = topicOptionsFrom(configFor<"topic">("topic", scenario.profile, {}, broker));
  const topicOverrides: Record<string, TopicOptions> = {};
  for (const t of scenario.topics) topicOverrides[t.name] = topicOptionsFrom(t.config);
  return {
    brokerId,
    ensembleMembers: scenario.cluster.ensembleNodes,
    behaviour: scenario.behaviour,
    zkSessionTimeoutMicros: broker.micros("zookeeper.session.timeout.ms"),
    replicaLagTimeMaxMicros: broker.micros("replica.lag.time.max.ms"),
    replicaFetchWaitMaxMicros: broker.micros("replica.fetch.wait.max.ms"),
    replicaFetchMinBytes: broker.number("replica.fetch.min.bytes"),
    replicaFetchMaxBytes: broker.number("replica.fetch.max.bytes"),
    replicaFetchBackoffMicros: broker.micros("replica.fetch.backoff.ms"),
    replicaSocketTimeoutMicros: broker.micros("replica.socket.timeout.ms"),
    hwCheckpointIntervalMicros: broker.micros("replica.high.watermark.checkpoint.interval.ms"),
    offsetsTopicPartitions: broker.number("offsets.topic.num.partitions"),
    // Kafka refuses to create __consumer_offsets with fewer live brokers than this; a small
    // scenario cluster gets the most it can have.
    offsetsTopicReplicationFactor: Math.min(broker.number("offsets.topic.replication.factor"), scenario.cluster.brokers),
    groupInitialRebalanceDelayMicros: broker.micros("group.initial.rebalance.delay.ms"),
    groupMinSessionTimeoutMicros: broker.micros("group.min.session.timeout.ms"),
    groupMaxSessionTimeoutMicros: broker.micros("group.max.session.timeout.ms"),
    offsetsCommitTimeoutMicros: 5_000_000,
    ...(scenario.hardware === undefined ? {} : { requestCosts: scenario.hardware }),
    topicDefaults,
    topicOverrides,
  };
}
