import type { Subscription } from "../../../protocol/groups.ts";
import { NO_GENERATION } from "../../../protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";

/**
 * Who owned what before this rebalance, as the sticky assignors read it from the members'
 * subscriptions (AbstractStickyAssignor.allSubscriptionsEqual and, for the general
 * algorithm, prepopulateCurrentAssignments).
 *
 * A member may report partitions another member reports too: one that missed a rebalance
 * (a zombie, or a member rejoining late) still reports its old generation's partitions.
 * Kafka settles the claims member by member, in its HashMap order (`memberOrder`):
 * - a partition nobody claimed yet goes to the claimant;
 * - a claim of a higher generation takes it from the earlier claimant;
 * - a claim of a lower generation is ignored;
 * - a claim of the same generation cannot be right: it is taken from the earlier claimant
 *   and the partition is marked as contested (and with no other owner, nobody keeps it).
 * With three claimants the order matters (two of generation 5 before one of generation 6
 * leave it contested; the 6 first keeps it), as it does in Kafka.
 *
 * Reported partitions of topics nobody subscribes to, or that do not exist (or beyond their
 * topic's partition count), are ignored; a partition reported twice by one member counts once.
 */
export interface PreviousOwners {
  /** member -> its previous partitions after the claims are settled, in reported order. */
  readonly owned: Map<string, TopicPartition[]>;
  /** Partitions two members claimed in the same generation (the constrained algorithm drops them). */
  readonly contested: Set<string>;
  /** The highest generation any member reports (NO_GENERATION if none has one). */
  readonly maxGeneration: number;
  /**
   * partition -> its owner in the latest generation older than maxGeneration (the general
   * algorithm's prevAssignment: a partition may go back there to rebalance). On a tie, the
   * first such member in `memberOrder`.
   */
  readonly olderOwner: Map<string, { readonly member: string; readonly generation: number }>;
}

export function previousOwners(
  counts: ReadonlyMap<string, number>,
  members: ReadonlyMap<string, Subscription>,
  memberOrder: readonly string[],
): PreviousOwners {
  const owned = new Map<string, TopicPartition[]>(memberOrder.map((id) => [id, []]));
  const contested = new Set<string>();
  const claimedBy = new Map<string, string>();
  for (const id of memberOrder) {
    const generation = members.get(id)!.generation;
    for (const tp of existingClaims(members.get(id)!, counts)) {
      const key = tpKey(tp);
      const other = claimedBy.get(key);
      if (other === undefined) {
        owned.get(id)!.push(tp);
        claimedBy.set(key, id);
        continue;
      }
      const otherGeneration = members.get(other)!.generation;
      if (generation < otherGeneration) continue;
      if (generation === otherGeneration) contested.add(key);
      else owned.get(id)!.push(tp);
      removePartition(owned.get(other)!, key);
      claimedBy.set(key, id);
    }
  }
  const maxGeneration = Math.max(NO_GENERATION, ...memberOrder.map((id) => members.get(id)!.generation));
  return { owned, contested, maxGeneration, olderOwner: olderOwners(members, memberOrder, maxGeneration) };
}

/** A member's reported partitions that exist, each once, in the order reported. */
function existingClaims(subscription: Subscription, counts: ReadonlyMap<string, number>): TopicPartition[] {
  const seen = new Set<string>();
  const result: TopicPartition[] = [];
  for (const tp of subscription.ownedPartitions) {
    const count = counts.get(tp.topic);
    if (count === undefined || tp.partition < 0 || tp.partition >= count || seen.has(tpKey(tp))) continue;
    seen.add(tpKey(tp));
    result.push({ topic: tp.topic, partition: tp.partition });
  }
  return result;
}

function removePartition(partitions: TopicPartition[], key: string): void {
  const i = partitions.findIndex((tp) => tpKey(tp) === key);
  if (i >= 0) partitions.splice(i, 1);
}

/** Kafka's prevAssignment, from the members older than the newest generation. */
function olderOwners(
  members: ReadonlyMap<string, Subscription>,
  memberOrder: readonly string[],
  maxGeneration: number,
): Map<string, { member: string; generation: number }> {
  const result = new Map<string, { member: string; generation: number }>();
  for (const id of memberOrder) {
    const { generation, ownedPartitions } = members.get(id)!;
    if (generation >= maxGeneration) continue;
    for (const tp of ownedPartitions) {
      const key = tpKey(tp);
      const current = result.get(key);
      if (current === undefined || generation > current.generation) result.set(key, { member: id, generation });
    }
  }
  return result;
}
