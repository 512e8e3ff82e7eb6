import { define, era } from "./define.ts";
import { LONG_MAX, booleanKind, doubleKind, enumKind, intKind, longKind } from "./values.ts";

/**
 * Broker configuration (server.properties), by Kafka's names, with the defaults of each
 * profile. Keys whose Kafka default is "unset, see log.*.hours" carry the value that the
 * fallback gives (a week for log.roll.ms and log.retention.ms).
 */
const WEEK_MS = 7 * 24 * 60 * 60 * 1000;

export const CLEANUP_POLICIES = ["delete", "compact"] as const;
export type CleanupPolicy = (typeof CLEANUP_POLICIES)[number];

export const BROKER_KEYS = {
  // ---- Replication ---------------------------------------------------------------------
  "min.insync.replicas": define(intKind({ min: 1 }), {
    doc: "With acks=all, the fewest in-sync replicas a write needs; fewer and the producer gets NOT_ENOUGH_REPLICAS.",
    default: 1,
  }),
  "unclean.leader.election.enable": define(booleanKind(), {
    doc: "Whether a replica outside the ISR may be elected leader when no ISR member is alive, at the cost of losing data.",
    default: era({ "0.10": true, "0.11": false }),
  }),
  "replica.lag.time.max.ms": define(longKind({ min: 0 }), {
    doc: "A follower that has not caught up to the leader's log end offset for this long leaves the ISR.",
    default: era({ "0.10": 10_000, "3.x": 30_000 }),
    note: "30000 from Kafka 2.5 (KIP-537)",
  }),
  "replica.fetch.wait.max.ms": define(intKind({ min: 0 }), {
    doc: "The longest a follower's fetch waits at the leader for replica.fetch.min.bytes of data.",
    default: 500,
  }),
  "replica.fetch.min.bytes": define(intKind({ min: 0 }), {
    doc: "The fewest bytes a follower's fetch waits for before the leader answers.",
    default: 1,
  }),
  "replica.fetch.max.bytes": define(intKind({ min: 0 }), {
    doc: "The most bytes a follower fetches per partition in one request (a larger first batch is still returned).",
    default: 1_048_576,
  }),
  "replica.fetch.backoff.ms": define(intKind({ min: 0 }), {
    doc: "How long a follower waits before fetching again after a fetch failed.",
    default: 1_000,
  }),
  "replica.socket.timeout.ms": define(intKind(), {
    doc: "The timeout of a follower's fetch request; must be above replica.fetch.wait.max.ms.",
    default: 30_000,
  }),
  "replica.high.watermark.checkpoint.interval.ms": define(longKind({ min: 0 }), {
    doc: "How often each broker writes its partitions' high watermarks to disk.",
    default: 5_000,
  }),
  "zookeeper.session.timeout.ms": define(intKind({ min: 1 }), {
    doc: "The broker's session timeout with the coordination ensemble; when it expires, the broker's registration goes and the controller moves its leaderships.",
    default: era({ "0.10": 6_000, "3.x": 18_000 }),
    note: "18000 from Kafka 2.5 (KIP-537)",
  }),
  "controller.socket.timeout.ms": define(intKind(), {
    doc: "The timeout of the controller's requests to brokers.",
    default: 30_000,
  }),
  "auto.leader.rebalance.enable": define(booleanKind(), {
    doc: "Whether the controller moves leadership back to each partition's preferred replica.",
    default: true,
  }),
  "leader.imbalance.check.interval.seconds": define(longKind({ min: 1 }), {
    doc: "How often the controller checks for partitions led by other than their preferred replica.",
    default: 300,
  }),

  // ---- Logs (topic defaults: each topic key falls back to one of these) ------------------
  "log.segment.bytes": define(intKind({ min: 14 }), {
    doc: "The largest size of one log segment file; a larger append rolls a new segment.",
    default: 1_073_741_824,
  }),
  "log.roll.ms": define(longKind({ min: 1 }), {
    doc: "A segment older than this is rolled even if not full.",
    default: WEEK_MS,
    note: "Kafka leaves it unset and uses log.roll.hours=168",
  }),
  "log.retention.ms": define(longKind({ min: -1 }), {
    doc: "How long a segment is kept before deletion under cleanup.policy=delete; -1 keeps it forever.",
    default: WEEK_MS,
    note: "Kafka leaves it unset and uses log.retention.hours=168",
  }),
  "log.retention.bytes": define(longKind(), {
    doc: "The most bytes a partition keeps before its oldest segments are deleted; -1 for no limit.",
    default: -1,
  }),
  "log.retention.check.interval.ms": define(longKind({ min: 1 }), {
    doc: "How often the broker checks whether any segment is due for deletion.",
    default: 300_000,
  }),
  "log.cleanup.policy": define(enumKind(CLEANUP_POLICIES), {
    doc: "delete removes old segments by time and size; compact keeps the latest record of each key.",
    default: "delete",
  }),
  "log.cleaner.backoff.ms": define(longKind({ min: 0 }), {
    doc: "How long the log cleaner sleeps when no log needs compacting.",
    default: 15_000,
  }),
  "log.cleaner.min.cleanable.ratio": define(doubleKind({ min: 0, max: 1 }), {
    doc: "The share of a log that must be uncompacted before the cleaner compacts it.",
    default: 0.5,
  }),
  "log.cleaner.min.compaction.lag.ms": define(longKind({ min: 0 }), {
    doc: "The least time a record stays uncompacted.",
    default: 0,
  }),
  "log.cleaner.delete.retention.ms": define(longKind({ min: 0 }), {
    doc: "How long a compacted topic keeps a tombstone (a null value) before removing it.",
    default: 86_400_000,
  }),
  "log.flush.interval.messages": define(longKind({ min: 1 }), {
    doc: "Records appended to a partition before it is fsynced; the default leaves durability to replication.",
    default: LONG_MAX,
  }),
  "log.flush.interval.ms": define(longKind({ min: 0 }), {
    doc: "The longest a record waits in the page cache before an fsync; the default leaves durability to replication.",
    default: LONG_MAX,
    note: "Kafka leaves it unset and uses log.flush.scheduler.interval.ms (Long.MAX_VALUE)",
  }),

  // ---- Topics and groups -----------------------------------------------------------------
  "num.partitions": define(intKind({ min: 1 }), {
    doc: "The partitions of a topic created without a partition count.",
    default: 1,
  }),
  "default.replication.factor": define(intKind({ min: 1 }), {
    doc: "The replication factor of a topic created without one.",
    default: 1,
  }),
  "auto.create.topics.enable": define(booleanKind(), {
    doc: "Whether a request for an unknown topic creates it with the defaults above.",
    default: true,
  }),
  "offsets.topic.replication.factor": define(intKind({ min: 1 }), {
    doc: "The replication factor of __consumer_offsets, where groups commit.",
    default: 3,
  }),
  "offsets.topic.num.partitions": define(intKind({ min: 1 }), {
    doc: "The partitions of __consumer_offsets; a group's coordinator leads the partition its id hashes to.",
    default: 50,
  }),
  "group.initial.rebalance.delay.ms": define(intKind({ min: 0 }), {
    doc: "How long the coordinator waits for more members before the first rebalance of an empty group.",
    default: era({ "0.10": 0, "0.11": 3_000 }),
    since: "0.11",
  }),
  "group.min.session.timeout.ms": define(intKind(), {
    doc: "The shortest session.timeout.ms a consumer may ask for.",
    default: 6_000,
  }),
  "group.max.session.timeout.ms": define(intKind(), {
    doc: "The longest session.timeout.ms a consumer may ask for.",
    default: era({ "0.10": 300_000, "3.x": 1_800_000 }),
    note: "1800000 from Kafka 2.3 (KIP-345)",
  }),
};
