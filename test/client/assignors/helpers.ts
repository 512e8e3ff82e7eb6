import type { Subscription } from "../../../src/protocol/groups.ts";
import { NO_GENERATION } from "../../../src/protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../src/protocol/records.ts";

/** "t0-2" -> { topic: "t0", partition: 2 } (the partition number follows the last dash). */
export function tp(key: string): TopicPartition {
  const dash = key.lastIndexOf("-");
  return { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)) };
}

export function tps(...keys: string[]): TopicPartition[] {
  return keys.map(tp);
}

/** A member's subscription: its topics, what it owned (as "t0-1" keys) and in which generation. */
export function sub(topics: readonly string[], owned: readonly string[] = [], generation = NO_GENERATION): Subscription {
  return { topics, ownedPartitions: tps(...owned), generation };
}

/** The subscription of a member that owned `partitions` in `generation`. */
export function owning(topics: readonly string[], partitions: readonly TopicPartition[], generation: number): Subscription {
  return { topics, ownedPartitions: partitions, generation };
}

export function counts(entries: Record<string, number>): Map<string, number> {
  return new Map(Object.entries(entries));
}

export function members(entries: Record<string, Subscription>): Map<string, Subscription> {
  return new Map(Object.entries(entries));
}

/** An assignment as member -> ["t0-0", ...], in the assignor's order, for readable diffs. */
export function show(assignment: ReadonlyMap<string, readonly TopicPartition[]>): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([member, partitions]) => [member, partitions.map(tpKey)]));
}

/** Like `show`, each member's partitions sorted: for results whose order within a member does not matter. */
export function showSorted(assignment: ReadonlyMap<string, readonly TopicPartition[]>): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([member, partitions]) => [member, partitions.map(tpKey).sort()]));
}
