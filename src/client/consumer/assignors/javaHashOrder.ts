import { javaStringHashCode } from "../../../protocol/groups.ts";
import type { TopicPartition } from "../../../protocol/records.ts";

/**
 * The iteration order of Java's HashMap and HashSet, where Kafka's sticky assignors let it
 * decide a tie (which member keeps its surplus first, which of several equal partitions
 * moves). Real member ids end in a random UUID, so in a real group the order is as good as
 * random; given ksim's member ids, it is the order Kafka would take.
 *
 * A default java.util.HashMap has 16 buckets and doubles when it holds more than 3/4 of its
 * bucket count; it iterates bucket by bucket, each bucket in insertion order (a resize keeps
 * that relative order). Bins turned into trees (8 keys or more in one bucket) are not
 * modelled: with a handful of members it does not happen.
 */

/** HashMap.hash: folds the high half of the hash code into the low half. */
function spread(hashCode: number): number {
  return hashCode ^ (hashCode >>> 16);
}

/** The bucket count of a default java.util.HashMap that has held at most `size` entries. */
export function javaHashMapCapacity(size: number): number {
  let capacity = 16;
  while (size > capacity * 0.75) capacity *= 2;
  return capacity;
}

/** The bucket a key falls in, in a table of `capacity` buckets. */
export function javaBucket(hashCode: number, capacity: number): number {
  return spread(hashCode) & (capacity - 1);
}

/** The order a default java.util.HashMap iterates these keys, put in this order (none removed). */
export function javaHashMapOrder<K>(keys: readonly K[], hashCode: (key: K) => number): K[] {
  const capacity = javaHashMapCapacity(keys.length);
  // Array.prototype.sort is stable: keys sharing a bucket stay in insertion order.
  return keys
    .map((key) => ({ key, bucket: javaBucket(hashCode(key), capacity) }))
    .sort((a, b) => a.bucket - b.bucket)
    .map((entry) => entry.key);
}

/** The order Kafka's assignors visit members: a HashMap keyed by member id. */
export function javaMemberOrder(memberIds: readonly string[]): string[] {
  return javaHashMapOrder(memberIds, javaStringHashCode);
}

/** Kafka's TopicPartition.hashCode: 31 * (31 + partition) + topic.hashCode(), in 32-bit ints. */
export function javaTopicPartitionHash(tp: TopicPartition): number {
  return (Math.imul(31, (31 + tp.partition) | 0) + javaStringHashCode(tp.topic)) | 0;
}
