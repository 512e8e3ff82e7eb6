import { assert } from "../../../../sim/index.ts";
import type { Subscription } from "../../../protocol/groups.ts";
import type { TopicPartition } from "../../../protocol/records.ts";

/**
 * The contract of a partition assignor (Kafka's ConsumerPartitionAssignor, reduced to what
 * the group leader needs). The leader of a consumer group runs the assignor the group
 * agreed on over every member's subscription, then sends each member its share in SyncGroup.
 *
 * Assignors are pure: the same partitions and members always give the same assignment.
 * Where Kafka sorts (member ids, topics, partitions) ksim sorts the same way, comparing
 * strings as Java does. Where Kafka's result depends on the iteration order of a Java
 * HashMap (the sticky assignors' tie-breaks), ksim computes that order from Java's hash
 * codes (javaHashOrder.ts); the members map's own order stands for the JoinGroup order,
 * which only matters for member ids whose hashes share a bucket.
 */
export interface Assignor {
  /** The protocol name the member advertises in JoinGroup (ConsumerPartitionAssignor.name()). */
  readonly name: AssignorName;
  /**
   * The rebalance protocols the assignor can run under, preferred first. Only
   * cooperative-sticky supports `cooperative`: its assignment withholds partitions that
   * change owner, and the members must rebalance again once the old owners revoked them.
   */
  readonly rebalanceProtocols: readonly RebalanceProtocol[];
  /**
   * members: member id -> subscription; partitionsPerTopic: topic -> partition count (topics
   * nobody subscribes to are ignored; a subscribed topic missing from the map does not
   * exist yet and gets nothing). Returns an entry for every member, possibly empty; each
   * partition of a subscribed, existing topic goes to at most one member, which subscribes
   * to its topic.
   */
  assign(
    partitionsPerTopic: ReadonlyMap<string, number>,
    members: ReadonlyMap<string, Subscription>,
  ): Map<string, TopicPartition[]>;
}

/** Kafka's protocol names for the built-in assignors. */
export type AssignorName = "range" | "roundrobin" | "sticky" | "cooperative-sticky";

/** ConsumerPartitionAssignor.RebalanceProtocol. */
export type RebalanceProtocol = "eager" | "cooperative";

/** What an assignor returns: member id -> its partitions. */
export type Assignment = Map<string, TopicPartition[]>;

/** Java's String.compareTo: by UTF-16 code unit, never by locale. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Kafka's usual partition order: by topic, then by partition number. */
export function compareTopicPartitions(a: TopicPartition, b: TopicPartition): number {
  return compareStrings(a.topic, b.topic) || a.partition - b.partition;
}

export function sortedMemberIds(members: ReadonlyMap<string, Subscription>): string[] {
  return [...members.keys()].sort(compareStrings);
}

/** An empty list for every member, in member-id order. */
export function emptyAssignment(members: ReadonlyMap<string, Subscription>): Assignment {
  return new Map(sortedMemberIds(members).map((id) => [id, []]));
}

/**
 * The partition counts of the topics some member subscribes to and that exist, sorted by
 * topic: what Kafka's AbstractPartitionAssignor hands its assignors (it builds
 * partitionsPerTopic from the union of the subscriptions, skipping topics without metadata).
 */
export function subscribedPartitionCounts(
  partitionsPerTopic: ReadonlyMap<string, number>,
  members: ReadonlyMap<string, Subscription>,
): Map<string, number> {
  const topics = new Set<string>();
  for (const subscription of members.values()) for (const topic of subscription.topics) topics.add(topic);
  const counts = new Map<string, number>();
  for (const topic of [...topics].sort(compareStrings)) {
    const count = partitionsPerTopic.get(topic);
    if (count === undefined) continue;
    assert(Number.isInteger(count) && count >= 0, `assignor: topic ${topic} has ${count} partitions`);
    counts.set(topic, count);
  }
  return counts;
}

/** Partitions 0..count-1 of a topic. */
export function partitionsOf(topic: string, count: number): TopicPartition[] {
  return Array.from({ length: count }, (_, partition) => ({ topic, partition }));
}

/** Every partition of the given topics, in the given topic order, each topic's in partition order. */
export function allPartitions(counts: ReadonlyMap<string, number>, topicOrder: Iterable<string>): TopicPartition[] {
  const result: TopicPartition[] = [];
  for (const topic of topicOrder) result.push(...partitionsOf(topic, counts.get(topic) ?? 0));
  return result;
}
