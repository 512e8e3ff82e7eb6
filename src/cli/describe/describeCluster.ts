import type { Micros } from "../../../sim/index.ts";
import type { Broker } from "../../broker/Broker.ts";
import type { ControllerContext } from "../../broker/controller/ControllerContext.ts";
import { decode, ZK, type PartitionStateZnode, type TopicAssignment } from "../../broker/zk/paths.ts";
import type { TreeState } from "../../coord/ZnodeTree.ts";
import { consumerNodeNames } from "../../scenario/types.ts";
import { brokerOn, leaderOf, resolveSelector } from "../../world/resolveSelector.ts";
import type { World } from "../../world/World.ts";
import { consumerIdOf } from "./consumerId.ts";

/** One replica's log as its broker holds it; null offsets while the broker is down or has no replica. */
export interface ReplicaDescription {
  readonly broker: number;
  readonly state: "up" | "down" | "paused";
  readonly logEndOffset: number | null;
  readonly highWatermark: number | null;
}

/** A partition as `kafka-topics.sh --describe` shows it, with the offsets of each replica. */
export interface PartitionDescription {
  readonly topic: string;
  readonly partition: number;
  /** The broker leading with the newest epoch, or null (Kafka prints `Leader: none`). */
  readonly leader: number | null;
  readonly leaderEpoch: number | null;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  /** Assigned replicas on brokers that are down. */
  readonly offline: readonly number[];
  /** The leader's high watermark (what consumers may read) and log end offset. */
  readonly highWatermark: number | null;
  readonly logEndOffset: number | null;
  readonly replicaLogs: readonly ReplicaDescription[];
}

export interface TopicDescription {
  readonly name: string;
  readonly partitionCount: number;
  readonly replicationFactor: number;
  /** The topic's own overrides, in Kafka's text (`min.insync.replicas=2`). */
  readonly configs: Readonly<Record<string, string>>;
  readonly partitions: readonly PartitionDescription[];
}

/** One row of `kafka-consumer-groups.sh --describe`. */
export interface GroupOffsetRow {
  readonly topic: string;
  readonly partition: number;
  /** The group's committed offset, or null when nothing is committed (Kafka prints `-`). */
  readonly currentOffset: number | null;
  /** The partition's end as consumers see it (the leader's high watermark), or null without a leader. */
  readonly logEndOffset: number | null;
  readonly lag: number | null;
  /** The member the partition is assigned to, Kafka-style (`consumer-billing-1-…`), its node and client id. */
  readonly consumerId: string | null;
  readonly host: string | null;
  readonly clientId: string | null;
  /** The model's own member id (as in the trace). */
  readonly memberId: string | null;
}

export interface GroupDescription {
  readonly group: string;
  /** Null when no broker coordinates the group now (its __consumer_offsets partition has no leader). */
  readonly coordinator: number | null;
  /** Kafka's group state (Stable, PreparingRebalance, Empty, ...), or "Unknown" without a coordinator. */
  readonly state: string;
  readonly generation: number | null;
  readonly assignor: string | null;
  readonly members: number;
  readonly rows: readonly GroupOffsetRow[];
}

export interface ClusterDescription {
  /** Simulated time, and the same counted from the start of the load phase (as fault times are). */
  readonly atMicros: Micros;
  readonly sinceLoadStartMicros: Micros;
  /** The load phase (producers send, faults happen) or the settle phase after it (faults healed, no load). */
  readonly phase: "load" | "settle";
  readonly brokers: readonly { readonly id: number; readonly state: "up" | "down" | "paused" }[];
  /** The active controller with the newest epoch, as the brokers themselves believe. */
  readonly controller: { readonly broker: number; readonly epoch: number } | null;
  readonly ensemble: {
    readonly leader: string | null;
    readonly members: readonly { readonly name: string; readonly mode: "leader" | "follower" | "looking" | "down" }[];
  };
  readonly topics: readonly TopicDescription[];
  readonly groups: readonly GroupDescription[];
}

/**
 * The cluster's state now, read from the model without changing it: what
 * `kafka-topics.sh --describe`, `kafka-consumer-groups.sh --describe`, the controller's znode
 * and the ensemble's `srvr` would show, with the truth where those tools would show a stale
 * view (the leader is the broker leading with the newest epoch, not a cached metadata entry).
 */
export function describeCluster(world: World, loadStartMicros: Micros): ClusterDescription {
  const { sim } = world;
  const brokers = world.brokerNodes.map((node, i) => ({ id: i + 1, state: sim.node(node).state }));
  const controllerNode = resolveSelector(world.selectorContext, { kind: "controller" });
  const controller = controllerNode ? brokerOn(sim, controllerNode)?.currentController : null;
  return {
    atMicros: sim.now,
    sinceLoadStartMicros: sim.now - loadStartMicros,
    phase: sim.now - loadStartMicros <= world.scenario.durationMicros ? "load" : "settle",
    brokers,
    controller: controllerNode && controller ? { broker: brokerIdOfNode(world, controllerNode), epoch: controller.epoch } : null,
    ensemble: {
      leader: world.ensemble.leader(),
      members: world.ensemble.names.map((name) => ({ name, mode: ensembleMode(world, name) })),
    },
    topics: world.scenario.topics.map((t) => describeTopic(world, t.name, t.replicationFactor, controller?.snapshot ?? null, storeTree(world))),
    groups: groupIds(world).map((g) => describeGroup(world, g)),
  };
}

function brokerIdOfNode(world: World, node: string): number {
  return world.brokerNodes.indexOf(node) + 1;
}

function ensembleMode(world: World, name: string): "leader" | "follower" | "looking" | "down" {
  const member = world.ensemble.member(name);
  if (!member) return "down";
  return member.state === "leading" ? "leader" : member.state === "following" ? "follower" : "looking";
}

/** The coordination store's newest committed tree among the live members (what zookeeper-shell would read). */
function storeTree(world: World): TreeState | null {
  let best: TreeState | null = null;
  for (const name of world.ensemble.names) {
    const tree = world.ensemble.member(name)?.tree;
    if (tree && (!best || tree.lastZxid > best.lastZxid)) best = tree;
  }
  return best;
}

function znode<T>(tree: TreeState | null, path: string): T | undefined {
  const node = tree?.nodes.get(path);
  return node ? decode<T>(node.data) : undefined;
}

function describeTopic(world: World, name: string, replicationFactor: number, controller: ControllerContext | null, tree: TreeState | null): TopicDescription {
  const spec = world.scenario.topics.find((t) => t.name === name)!;
  const configs = Object.fromEntries(Object.keys(spec.config.overrides).map((key) => [key, spec.config.text(key as never)]));
  const count = world.partitionCount(name);
  const assignment = znode<TopicAssignment>(tree, ZK.topic(name));
  const partitions = Array.from({ length: count }, (_, p) => {
    const stored = { replicas: assignment?.partitions[String(p)], state: znode<PartitionStateZnode>(tree, ZK.partitionState(name, p)) };
    return describePartition(world, name, p, controller, stored);
  });
  return { name, partitionCount: count, replicationFactor, configs, partitions };
}

/** The partition's assignment and state as the coordination store holds them, where it does. */
interface StoredPartition {
  readonly replicas: readonly number[] | undefined;
  readonly state: PartitionStateZnode | undefined;
}

function describePartition(world: World, topic: string, partition: number, controller: ControllerContext | null, stored: StoredPartition): PartitionDescription {
  const { sim } = world;
  const leaderNode = leaderOf(world.selectorContext, topic, partition);
  const leaderReplica = leaderNode ? brokerOn(sim, leaderNode)?.replicas.partition(topic, partition) : undefined;
  const known = controller?.states[`${topic}-${partition}`];
  // Replicas and ISR from the leader; without one, from the store (as Kafka's tools read it), the controller, any replica.
  const anyReplica = world.brokerNodes.map((n) => brokerOn(sim, n)?.replicas.partition(topic, partition)).find((p) => p && p.replicas.length > 0);
  const replicas = leaderReplica?.replicas ?? stored.replicas ?? known?.replicas ?? controller?.assignments[topic]?.[partition] ?? anyReplica?.replicas ?? [];
  const isr = leaderReplica?.isr ?? stored.state?.isr ?? known?.isr ?? anyReplica?.isr ?? [];
  const replicaLogs = replicas.map((id): ReplicaDescription => {
    const node = world.brokerNodes[id - 1];
    const state = node ? sim.node(node).state : "down";
    const replica = node ? (sim.node(node).process as Broker | null)?.replicas.partition(topic, partition) : undefined;
    return { broker: id, state, logEndOffset: replica?.log.logEndOffset ?? null, highWatermark: replica?.highWatermark ?? null };
  });
  return {
    topic,
    partition,
    leader: leaderNode ? brokerIdOfNode(world, leaderNode) : null,
    leaderEpoch: leaderReplica?.leaderEpoch ?? null,
    replicas,
    isr,
    offline: replicaLogs.filter((r) => r.state === "down").map((r) => r.broker),
    highWatermark: leaderReplica?.highWatermark ?? null,
    logEndOffset: leaderReplica?.log.logEndOffset ?? null,
    replicaLogs,
  };
}

function groupIds(world: World): string[] {
  return [...new Set(world.scenario.consumers.map((c) => c.group).filter((g): g is string => g !== null))];
}

function describeGroup(world: World, groupId: string): GroupDescription {
  const { sim } = world;
  const coordinatorNode = resolveSelector(world.selectorContext, { kind: "coordinator", group: groupId });
  const group = coordinatorNode ? brokerOn(sim, coordinatorNode)?.groups.group(groupId) : undefined;
  const specs = world.scenario.consumers.filter((c) => c.group === groupId);
  // Kafka numbers client ids per process; here each member runs on its own node, numbered in the scenario's order.
  const ordinal = new Map(specs.flatMap((c) => consumerNodeNames(c)).map((node, i) => [node, i + 1]));
  const owners = new Map<string, { memberId: string; node: string }>();
  // As Kafka's tool: during a rebalance no member owns anything yet.
  for (const m of group?.state === "Stable" ? group.members.values() : []) {
    for (const tp of m.assignment) owners.set(`${tp.topic}-${tp.partition}`, { memberId: m.memberId, node: m.clientNode });
  }
  const rows: GroupOffsetRow[] = [];
  for (const topic of [...new Set(specs.map((c) => c.topic))]) {
    for (let p = 0; p < world.partitionCount(topic); p++) {
      const leader = leaderOf(world.selectorContext, topic, p);
      const replica = leader ? brokerOn(sim, leader)?.replicas.partition(topic, p) : undefined;
      const committed = group?.offsets.get(`${topic}-${p}`)?.offset ?? null;
      const end = replica?.highWatermark ?? null;
      const owner = owners.get(`${topic}-${p}`);
      const clientId = owner ? `consumer-${groupId}-${ordinal.get(owner.node) ?? 1}` : null;
      rows.push({
        topic,
        partition: p,
        currentOffset: committed,
        logEndOffset: end,
        lag: committed !== null && end !== null ? Math.max(0, end - committed) : null,
        consumerId: owner && clientId ? consumerIdOf(clientId, owner.memberId) : null,
        host: owner ? `/${owner.node}` : null,
        clientId,
        memberId: owner?.memberId ?? null,
      });
    }
  }
  return {
    group: groupId,
    coordinator: coordinatorNode ? brokerIdOfNode(world, coordinatorNode) : null,
    state: group?.state ?? (coordinatorNode ? "Dead" : "Unknown"),
    generation: group ? group.generationId : null,
    assignor: group?.protocolName || null,
    members: group?.members.size ?? 0,
    rows,
  };
}
