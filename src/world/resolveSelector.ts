import type { Broker } from "../broker/Broker.ts";
import type { Ensemble } from "../coord/Ensemble.ts";
import type { NodeSelector } from "../scenario/types.ts";
import { CONSUMER_OFFSETS_TOPIC, offsetsPartitionFor } from "../protocol/groups.ts";
import type { Simulation } from "../../sim/index.ts";

export interface SelectorContext {
  readonly sim: Simulation;
  readonly ensemble: Ensemble;
  readonly brokerNodes: readonly string[];
}

/** The broker process on `node`, or null while it is down. */
export function brokerOn(sim: Simulation, node: string): Broker | null {
  return (sim.node(node).process as Broker | null) ?? null;
}

/**
 * The node a selector names at this moment: a role is resolved from what the processes
 * themselves believe (the broker that leads the partition with the newest epoch, the
 * active controller with the newest epoch, the serving ensemble leader). Null when no
 * node holds the role now.
 */
export function resolveSelector(c: SelectorContext, selector: NodeSelector): string | null {
  switch (selector.kind) {
    case "node":
      return selector.name;
    case "leader":
      return leaderOf(c, selector.topic, selector.partition);
    case "follower": {
      const leader = leaderOf(c, selector.topic, selector.partition);
      const replicas = replicasOf(c, selector.topic, selector.partition);
      const follower = replicas.find((node) => node !== leader);
      return follower ?? null;
    }
    case "controller": {
      let best: { node: string; epoch: number } | null = null;
      for (const node of c.brokerNodes) {
        const controller = brokerOn(c.sim, node)?.currentController;
        if (controller && (!best || controller.epoch > best.epoch)) best = { node, epoch: controller.epoch };
      }
      return best?.node ?? null;
    }
    case "ensemble-leader":
      return c.ensemble.leader();
    case "coordinator": {
      // The leader of the group's __consumer_offsets partition, as a broker's options say how many there are.
      const any = c.brokerNodes.map((n) => brokerOn(c.sim, n)).find((b) => b !== null);
      if (!any) return null;
      return leaderOf(c, CONSUMER_OFFSETS_TOPIC, offsetsPartitionFor(selector.group, any.options.offsetsTopicPartitions));
    }
    case "followers":
      return resolveGroupSelector(c, selector)[0] ?? null;
    case "rest":
      return null; // only meaningful inside partition groups
  }
}

/** A selector inside a partition's group may name several nodes (`followers(t/p)`). */
export function resolveGroupSelector(c: SelectorContext, selector: NodeSelector): string[] {
  if (selector.kind === "followers") {
    const leader = leaderOf(c, selector.topic, selector.partition);
    return replicasOf(c, selector.topic, selector.partition).filter((node) => node !== leader);
  }
  const one = resolveSelector(c, selector);
  return one === null ? [] : [one];
}

export function leaderOf(c: SelectorContext, topic: string, partition: number): string | null {
  let best: { node: string; epoch: number } | null = null;
  for (const node of c.brokerNodes) {
    const p = brokerOn(c.sim, node)?.replicas.partition(topic, partition);
    if (p && p.isLeader && (!best || p.leaderEpoch > best.epoch)) best = { node, epoch: p.leaderEpoch };
  }
  return best?.node ?? null;
}

/** Broker nodes hosting a replica of the partition, in the assignment's order as the replicas know it. */
function replicasOf(c: SelectorContext, topic: string, partition: number): string[] {
  for (const node of c.brokerNodes) {
    const p = brokerOn(c.sim, node)?.replicas.partition(topic, partition);
    if (p && p.replicas.length > 0) return p.replicas.map((id) => `broker-${id}`);
  }
  return [];
}
