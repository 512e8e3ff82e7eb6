import type { Subscription } from "../../../protocol/groups.ts";
import {
  compareStrings,
  emptyAssignment,
  partitionsOf,
  subscribedPartitionCounts,
  type Assignment,
  type Assignor,
} from "./Assignor.ts";

/**
 * Kafka's RangeAssignor ("range", the default). Topic by topic: the members subscribed to
 * the topic, sorted by member id, each take a contiguous range of its partitions; when the
 * partitions do not divide evenly, the first (partitions mod members) members take one
 * more. Balanced per topic only: with several topics the same members get the extra
 * partition every time (C0, C1 on two topics of 3 partitions: C0 gets 4, C1 gets 2).
 *
 * Kafka's rack-aware variant (KIP-881) is not modelled: members have no rack here.
 */
export class RangeAssignor implements Assignor {
  readonly name = "range";
  readonly rebalanceProtocols = ["eager"] as const;

  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: ReadonlyMap<string, Subscription>): Assignment {
    const assignment = emptyAssignment(members);
    for (const [topic, count] of subscribedPartitionCounts(partitionsPerTopic, members)) {
      const consumers = membersOf(topic, members);
      const perMember = Math.floor(count / consumers.length);
      const withExtra = count % consumers.length;
      const partitions = partitionsOf(topic, count);
      consumers.forEach((member, i) => {
        const start = perMember * i + Math.min(i, withExtra);
        const length = perMember + (i < withExtra ? 1 : 0);
        assignment.get(member)!.push(...partitions.slice(start, start + length));
      });
    }
    return assignment;
  }
}

/** The members subscribed to `topic`, sorted by member id. */
function membersOf(topic: string, members: ReadonlyMap<string, Subscription>): string[] {
  const result: string[] = [];
  for (const [member, subscription] of members) if (subscription.topics.includes(topic)) result.push(member);
  return result.sort(compareStrings);
}
