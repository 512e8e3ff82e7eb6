import { AckedNotYet } from "../check/AckedNotYet.ts";
import type { World } from "./World.ts";
import { brokerOn, leaderOf, resolveSelector } from "./resolveSelector.ts";

/**
 * What the liveness phase waits for, as sentences: every partition led, every ISR full,
 * every acknowledged record committed (and, where consumers read the topic, consumed or
 * processed), every consumer group stable. An empty list: the cluster has recovered.
 *
 * The phase asks every second until the answer is empty twice in a row, so the counts of
 * acknowledged records are kept from one check to the next (see UncommittedAcks and
 * AckedNotYet) rather than taken over every record acknowledged in the run. Only the last
 * answer is reported, so a check that is not the last (`complete` false) needs only to know
 * whether the list is empty: it looks at the cheap conditions first and stops at the first
 * problem (the list it returns then holds that one alone); counting acknowledged records,
 * and reading the committed logs again, waits until nothing else is wrong.
 */
export class LivenessCheck {
  private readonly unprocessed: AckedNotYet;

  constructor(private readonly world: World) {
    this.unprocessed = new AckedNotYet(world.ledger, (id) => world.groups.wasProcessed(id));
  }

  problems(complete = true): string[] {
    const world = this.world;
    const problems = this.partitionProblems();
    if (!complete && problems.length > 0) return problems;
    const groupProblems = this.groupProblems();
    if (!complete && groupProblems.length > 0) return groupProblems;
    const groupsReading = world.scenario.consumers.some((c) => c.group !== null);
    if (complete) {
      const uncommitted = world.uncommittedAcks();
      if (uncommitted > 0) problems.push(`${uncommitted} acknowledged records are not in the committed log`);
      if (groupsReading) {
        const unprocessed = this.unprocessed.count();
        if (unprocessed > 0) problems.push(`${unprocessed} acknowledged records not yet processed by a consumer group`);
      }
    } else {
      // Not yet processed is the cheaper look (no committed log read), and the likelier problem while consumers catch up.
      if (groupsReading && this.unprocessed.any()) return ["acknowledged records not yet processed by a consumer group"];
      if (world.anyUncommittedAck()) return ["acknowledged records are not in the committed log"];
    }
    problems.push(...groupProblems);
    return problems;
  }

  /** Partitions without a leader or with a short ISR. */
  private partitionProblems(): string[] {
    const world = this.world;
    const problems: string[] = [];
    const selectors = world.selectorContext;
    for (const t of world.scenario.topics) {
      const partitions = world.partitionCount(t.name);
      for (let p = 0; p < partitions; p++) {
        const leader = leaderOf(selectors, t.name, p);
        const replica = leader ? brokerOn(world.sim, leader)?.replicas.partition(t.name, p) : undefined;
        if (!replica) {
          problems.push(`partition ${t.name}/${p} has no leader`);
          continue;
        }
        if (replica.isr.length < replica.replicas.length) {
          problems.push(`partition ${t.name}/${p} has ISR [${replica.isr.join(", ")}] of replicas [${replica.replicas.join(", ")}]`);
        }
      }
    }
    return problems;
  }

  /** Consumer groups without a coordinator or not stable. */
  private groupProblems(): string[] {
    const world = this.world;
    const problems: string[] = [];
    for (const group of new Set(world.scenario.consumers.map((c) => c.group).filter((g): g is string => g !== null))) {
      const node = resolveSelector(world.selectorContext, { kind: "coordinator", group });
      const state = node ? brokerOn(world.sim, node)?.groups.group(group)?.state : undefined;
      if (state === undefined) problems.push(`group ${group} has no coordinator`);
      else if (state !== "Stable") problems.push(`group ${group} is ${state === "Empty" ? "empty" : "still rebalancing"}`);
    }
    return problems;
  }
}
