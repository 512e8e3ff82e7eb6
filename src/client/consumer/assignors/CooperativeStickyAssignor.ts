import type { Subscription } from "../../../protocol/groups.ts";
import { tpKey } from "../../../protocol/records.ts";
import type { Assignment, Assignor } from "./Assignor.ts";
import { stickyAssign } from "./StickyAssignor.ts";

/**
 * Kafka's CooperativeStickyAssignor ("cooperative-sticky", KIP-429): the sticky assignment,
 * except that a partition moving from one current member to another is left out of the
 * new owner's assignment this round. Its old owner, seeing it missing from its own
 * assignment, revokes it (stops fetching, commits) and rejoins; in the rebalance that
 * follows the partition is free and goes to the new owner. Partitions of members that
 * left, and partitions nobody owned, are assigned at once.
 *
 * What the group's consumers must do for this to work (the assignor cannot): run the
 * cooperative protocol, that is keep their partitions through the JoinGroup, report them
 * as `ownedPartitions`, give up only those missing from the new assignment, and rejoin
 * when they gave up any. Under the eager protocol every member revokes everything before
 * joining, so the withheld partitions stay idle until some later rebalance.
 */
export class CooperativeStickyAssignor implements Assignor {
  readonly name = "cooperative-sticky";
  readonly rebalanceProtocols = ["cooperative", "eager"] as const;

  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: ReadonlyMap<string, Subscription>): Assignment {
    const { assignment, transferring } = stickyAssign(partitionsPerTopic, members);
    const withheld = transferring ?? partitionsChangingOwner(assignment, members);
    for (const [key, newOwner] of withheld) {
      const partitions = assignment.get(newOwner)!;
      partitions.splice(partitions.findIndex((tp) => tpKey(tp) === key), 1);
    }
    return assignment;
  }
}

/**
 * Partitions newly assigned to a member that some current member owned and loses
 * (key -> new owner): Kafka's computePartitionsTransferringOwnership, from the members'
 * reported `ownedPartitions`.
 */
export function partitionsChangingOwner(
  assignment: Assignment,
  members: ReadonlyMap<string, Subscription>,
): Map<string, string> {
  const added = new Map<string, string>();
  const revoked = new Set<string>();
  for (const [member, partitions] of assignment) {
    const owned = new Set(members.get(member)!.ownedPartitions.map(tpKey));
    const assigned = new Set(partitions.map(tpKey));
    for (const key of assigned) if (!owned.has(key)) added.set(key, member);
    for (const key of owned) if (!assigned.has(key)) revoked.add(key);
  }
  return new Map([...added].filter(([key]) => revoked.has(key)));
}
