import type { Subscription } from "../../../protocol/groups.ts";
import { subscribedPartitionCounts, type Assignment, type Assignor } from "./Assignor.ts";
import { ConstrainedAssignment } from "./ConstrainedAssignment.ts";
import { GeneralAssignment } from "./GeneralAssignment.ts";
import { javaMemberOrder } from "./javaHashOrder.ts";
import { previousOwners } from "./previousOwners.ts";

/**
 * Kafka's StickyAssignor ("sticky", KIP-54), on the eager protocol. Two goals, the first
 * taking precedence: the assignment is as balanced as possible (counts differ by at most
 * one, or no member with two or more fewer partitions than another could take one of
 * them); and as many partitions as possible stay with the member that owned them.
 *
 * The previous owners come from the subscriptions (`ownedPartitions` and `generation`);
 * when two members claim a partition, the higher generation wins (see previousOwners.ts).
 * Like Kafka's AbstractStickyAssignor it takes the constrained algorithm when every
 * member subscribes to the same topics (ConstrainedAssignment.ts), and the general one
 * otherwise (GeneralAssignment.ts).
 */
export class StickyAssignor implements Assignor {
  readonly name = "sticky";
  readonly rebalanceProtocols = ["eager"] as const;

  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: ReadonlyMap<string, Subscription>): Assignment {
    return stickyAssign(partitionsPerTopic, members).assignment;
  }
}

export interface StickyOutcome {
  readonly assignment: Assignment;
  /**
   * For the constrained algorithm, the partitions it took from a current member and gave
   * to another (key -> new owner); null after the general algorithm, whose caller must work
   * them out from the subscriptions (as Kafka's CooperativeStickyAssignor does).
   */
  readonly transferring: Map<string, string> | null;
}

/** The sticky assignment, and which algorithm's view of the partitions changing owner. */
export function stickyAssign(
  partitionsPerTopic: ReadonlyMap<string, number>,
  members: ReadonlyMap<string, Subscription>,
): StickyOutcome {
  if (members.size === 0) return { assignment: new Map(), transferring: new Map() };
  const counts = subscribedPartitionCounts(partitionsPerTopic, members);
  // Kafka visits members in the order of a HashMap keyed by member id; the members map's
  // own order stands for the JoinGroup order, which breaks ties within a bucket.
  const memberOrder = javaMemberOrder([...members.keys()]);
  const previous = previousOwners(counts, members, memberOrder);
  if (allSubscriptionsEqual(members)) {
    return new ConstrainedAssignment(counts, memberOrder, previous).build();
  }
  return { assignment: new GeneralAssignment(counts, members, previous).build(), transferring: null };
}

/** Kafka's test: every member subscribes to the same set of topics (existing or not). */
export function allSubscriptionsEqual(members: ReadonlyMap<string, Subscription>): boolean {
  let first: Set<string> | undefined;
  for (const subscription of members.values()) {
    const topics = new Set(subscription.topics);
    if (first === undefined) first = topics;
    else if (topics.size !== first.size || [...topics].some((t) => !first!.has(t))) return false;
  }
  return true;
}
