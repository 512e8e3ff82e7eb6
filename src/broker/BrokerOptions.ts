import type { Micros } from "../../sim/index.ts";
import type { RequestCosts } from "./RequestChannel.ts";
import { PROFILE_BEHAVIOUR, type ProfileBehaviour } from "../protocol/config/profiles.ts";

/** Per-topic settings a broker applies (topic config over the broker's defaults). */
export interface TopicOptions {
  readonly minInsyncReplicas: number;
  readonly uncleanLeaderElectionEnable: boolean;
  readonly segmentBytes: number;
  readonly segmentMicros: Micros;
  readonly retentionMicros: Micros;
  readonly retentionBytes: number;
  readonly cleanupPolicy: "delete" | "compact";
  /** Kafka's "never" (Long.MAX_VALUE) is Infinity here. */
  readonly flushMessages: number;
  readonly flushMicros: Micros;
}

/**
 * A broker's options, from Kafka's broker and topic configuration (mapped in one place by
 * the scenario layer). Units are in the names.
 */
export interface BrokerOptions {
  readonly brokerId: number;
  readonly ensembleMembers: readonly string[];
  readonly behaviour: ProfileBehaviour;
  /** zookeeper.session.timeout.ms */
  readonly zkSessionTimeoutMicros: Micros;
  /** replica.lag.time.max.ms */
  readonly replicaLagTimeMaxMicros: Micros;
  /** replica.fetch.wait.max.ms / replica.fetch.min.bytes / replica.fetch.max.bytes */
  readonly replicaFetchWaitMaxMicros: Micros;
  readonly replicaFetchMinBytes: number;
  readonly replicaFetchMaxBytes: number;
  /** replica.fetch.backoff.ms: pause after a failed fetch. */
  readonly replicaFetchBackoffMicros: Micros;
  /** replica.socket.timeout.ms: a follower's fetch request times out after this. */
  readonly replicaSocketTimeoutMicros: Micros;
  /** replica.high.watermark.checkpoint.interval.ms */
  readonly hwCheckpointIntervalMicros: Micros;
  /** offsets.topic.num.partitions / offsets.topic.replication.factor: __consumer_offsets, made on first use. */
  readonly offsetsTopicPartitions: number;
  readonly offsetsTopicReplicationFactor: number;
  /** group.initial.rebalance.delay.ms: an empty group waits this long for more members. */
  readonly groupInitialRebalanceDelayMicros: Micros;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  readonly groupMinSessionTimeoutMicros: Micros;
  readonly groupMaxSessionTimeoutMicros: Micros;
  /** offsets.commit.timeout.ms: how long an offset commit waits for its acks=all append. */
  readonly offsetsCommitTimeoutMicros: Micros;
  /** CPU time per request and per record (a scenario's hardware profile); none when absent. */
  readonly requestCosts?: RequestCosts;
  /** Defaults for topics, and per-topic overrides. */
  readonly topicDefaults: TopicOptions;
  readonly topicOverrides: Readonly<Record<string, Partial<TopicOptions>>>;
}

export const DEFAULT_TOPIC_OPTIONS: TopicOptions = {
  minInsyncReplicas: 1,
  uncleanLeaderElectionEnable: false,
  segmentBytes: 1_073_741_824,
  segmentMicros: 7 * 24 * 3600 * 1_000_000,
  retentionMicros: 7 * 24 * 3600 * 1_000_000,
  retentionBytes: Infinity,
  cleanupPolicy: "delete",
  flushMessages: Infinity,
  flushMicros: Infinity,
};

export function defaultBrokerOptions(brokerId: number, ensembleMembers: readonly string[]): BrokerOptions {
  return {
    brokerId,
    ensembleMembers,
    behaviour: PROFILE_BEHAVIOUR["3.x"],
    zkSessionTimeoutMicros: 18_000_000,
    replicaLagTimeMaxMicros: 30_000_000,
    replicaFetchWaitMaxMicros: 500_000,
    replicaFetchMinBytes: 1,
    replicaFetchMaxBytes: 1_048_576,
    replicaFetchBackoffMicros: 1_000_000,
    replicaSocketTimeoutMicros: 30_000_000,
    hwCheckpointIntervalMicros: 5_000_000,
    offsetsTopicPartitions: 50,
    offsetsTopicReplicationFactor: 3,
    groupInitialRebalanceDelayMicros: 3_000_000,
    groupMinSessionTimeoutMicros: 6_000_000,
    groupMaxSessionTimeoutMicros: 1_800_000_000,
    offsetsCommitTimeoutMicros: 5_000_000,
    topicDefaults: DEFAULT_TOPIC_OPTIONS,
    topicOverrides: {},
  };
}

export function topicOptions(options: BrokerOptions, topic: string): TopicOptions {
  // __consumer_offsets is compacted, as Kafka creates it (offsets.topic.* settings).
  const internal: Partial<TopicOptions> = topic === "__consumer_offsets" ? { cleanupPolicy: "compact", segmentBytes: 104_857_600 } : {};
  return { ...options.topicDefaults, ...internal, ...(options.topicOverrides[topic] ?? {}) };
}
