import { BROKER_KEYS } from "./brokerKeys.ts";
import { inherit, type KeyDefinition } from "./define.ts";

/**
 * Topic configuration (kafka-configs --entity-type topics), by Kafka's names. A topic that
 * does not set a key takes the broker's value of the key it falls back to, as Kafka's
 * LogConfig does: segment.bytes from log.segment.bytes, retention.ms from
 * log.retention.ms, min.insync.replicas from min.insync.replicas, and so on.
 */
type BrokerKeys = typeof BROKER_KEYS;

function fromBroker<K extends keyof BrokerKeys>(
  key: K,
  doc: string,
): BrokerKeys[K] extends KeyDefinition<infer V> ? KeyDefinition<V> : never {
  return inherit(BROKER_KEYS[key] as KeyDefinition<unknown>, key, doc) as never;
}

export const TOPIC_KEYS = {
  "min.insync.replicas": fromBroker("min.insync.replicas", "With acks=all, the fewest in-sync replicas a write to this topic needs."),
  "unclean.leader.election.enable": fromBroker(
    "unclean.leader.election.enable",
    "Whether this topic's partitions may elect a replica outside the ISR when no ISR member is alive.",
  ),
  "retention.ms": fromBroker("log.retention.ms", "How long a segment is kept under cleanup.policy=delete; -1 forever."),
  "retention.bytes": fromBroker("log.retention.bytes", "The most bytes a partition keeps under cleanup.policy=delete; -1 no limit."),
  "segment.bytes": fromBroker("log.segment.bytes", "The largest size of one log segment."),
  "segment.ms": fromBroker("log.roll.ms", "A segment older than this is rolled even if not full."),
  "cleanup.policy": fromBroker("log.cleanup.policy", "delete removes old segments; compact keeps the latest record of each key."),
  "delete.retention.ms": fromBroker("log.cleaner.delete.retention.ms", "How long a compacted topic keeps a tombstone."),
  "min.compaction.lag.ms": fromBroker("log.cleaner.min.compaction.lag.ms", "The least time a record stays uncompacted."),
  "min.cleanable.dirty.ratio": fromBroker(
    "log.cleaner.min.cleanable.ratio",
    "The share of the log that must be uncompacted before it is compacted.",
  ),
  "flush.messages": fromBroker("log.flush.interval.messages", "Records appended to a partition before it is fsynced."),
  "flush.ms": fromBroker("log.flush.interval.ms", "The longest a record waits in the page cache before an fsync."),
};
