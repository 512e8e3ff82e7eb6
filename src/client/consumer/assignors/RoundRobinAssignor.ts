import { assert } from "../../../../sim/index.ts";
import type { Subscription } from "../../../protocol/groups.ts";
import {
  allPartitions,
  emptyAssignment,
  sortedMemberIds,
  subscribedPartitionCounts,
  type Assignment,
  type Assignor,
} from "./Assignor.ts";

/**
 * Kafka's RoundRobinAssignor ("roundrobin"). Every partition of every subscribed topic,
 * sorted by topic then partition, is dealt to the members in member-id order, one at a
 * time, like cards; a member not subscribed to the partition's topic is skipped (the deal
 * goes on from the next member). With identical subscriptions the counts differ by at
 * most one; with different subscriptions the result can be lopsided (Kafka's Javadoc:
 * C0 on t0, C1 on t0 and t1, C2 on t0, t1, t2 gives C2 four partitions and C0 one).
 */
export class RoundRobinAssignor implements Assignor {
  readonly name = "roundrobin";
  readonly rebalanceProtocols = ["eager"] as const;

  assign(partitionsPerTopic: ReadonlyMap<string, number>, members: ReadonlyMap<string, Subscription>): Assignment {
    const assignment = emptyAssignment(members);
    const dealer = sortedMemberIds(members);
    const counts = subscribedPartitionCounts(partitionsPerTopic, members);
    let next = 0;
    for (const tp of allPartitions(counts, counts.keys())) {
      // Some member subscribes to every topic in `counts`, so a full turn always finds one.
      let skipped = 0;
      while (!members.get(dealer[next]!)!.topics.includes(tp.topic)) {
        next = (next + 1) % dealer.length;
        assert(++skipped < dealer.length, `roundrobin: no member subscribes to ${tp.topic}`);
      }
      assignment.get(dealer[next]!)!.push(tp);
      next = (next + 1) % dealer.length;
    }
    return assignment;
  }
}
