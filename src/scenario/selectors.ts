import { closestName } from "../protocol/config/index.ts";
import type { Field, Reader } from "./Reader.ts";
import type { NodeSelector } from "./types.ts";

/**
 * Node selectors, the way faults name their targets:
 *   broker-N | zk-N                  a node by name (brokers and members numbered from 1)
 *   leader(topic/p) | follower(topic/p)   the partition's leader, or a follower, when the fault happens
 *   followers(topic/p)               in a partition's groups: every follower of the partition
 *   controller | ensemble-leader     the controller broker, the ensemble's leader, at that moment
 *   coordinator(group)               the broker coordinating a consumer group at that moment
 *   rest                             in a partition's groups: every node not in another group
 *   a consumer's or producer's node name (app-1, producer-1) to crash, pause or cut off a client
 * Names are checked against the cluster: the node, topic and partition must exist.
 */

/** What selectors are checked against; null where that part of the file was itself invalid. */
export interface ClusterShape {
  readonly brokers: number | null;
  readonly ensemble: number | null;
  /** null when the topics list itself was invalid: then any topic is taken on trust. */
  readonly topics: ReadonlyMap<string, { readonly partitions: number | null; readonly replicationFactor: number | null }> | null;
  /** Client nodes (consumers, producers) a fault may hit by name. */
  readonly clients?: ReadonlySet<string>;
}

export type SelectorResult =
  | { readonly ok: true; readonly selector: NodeSelector }
  | { readonly ok: false; readonly problem: string; readonly suggestion?: string };

const ROLE_SELECTORS = ["controller", "ensemble-leader"] as const;
const PARTITION_ROLES = ["leader", "follower"] as const;
const FORMS = "broker-N, zk-N, leader(topic/partition), follower(topic/partition), controller or ensemble-leader";

export function parseSelector(text: string, shape: ClusterShape, allowRest: boolean): SelectorResult {
  const trimmed = text.trim();
  if (trimmed === "controller" || trimmed === "ensemble-leader") return { ok: true, selector: { kind: trimmed } };
  if (trimmed === "rest") {
    if (allowRest) return { ok: true, selector: { kind: "rest" } };
    return { ok: false, problem: "rest (every node not named elsewhere) only makes sense in a partition's groups" };
  }
  if (shape.clients?.has(trimmed)) return { ok: true, selector: { kind: "node", name: trimmed } };
  const named = /^(broker|zk)-(\d+)$/.exec(trimmed);
  if (named) return nodeByName(named[1] as "broker" | "zk", Number(named[2]), shape);
  const call = /^([A-Za-z-]+)\s*\((.*)\)$/.exec(trimmed);
  if (call && call[1] === "coordinator") {
    const group = call[2]!.trim();
    if (!/^[^\s()]+$/.test(group)) return { ok: false, problem: "coordinator(...) takes a consumer group id, like coordinator(billing)" };
    return { ok: true, selector: { kind: "coordinator", group } };
  }
  if (call) return partitionRole(call[1]!, call[2]!, shape, allowRest);
  return { ok: false, problem: `unknown node ${JSON.stringify(trimmed)}; expected ${FORMS}`, suggestion: closestName(trimmed, candidates(shape, allowRest)) };
}

function nodeByName(kind: "broker" | "zk", n: number, shape: ClusterShape): SelectorResult {
  const count = kind === "broker" ? shape.brokers : shape.ensemble;
  const name = `${kind}-${n}`;
  if (count === null || (n >= 1 && n <= count)) return { ok: true, selector: { kind: "node", name } };
  const what = kind === "broker" ? "brokers" : "ensemble members";
  const range = count === 1 ? `only ${kind}-1` : `${kind}-1 to ${kind}-${count}`;
  return { ok: false, problem: `there is no ${name}: the cluster has ${count} ${what} (${range})`, suggestion: n === 0 ? `${kind}-1` : undefined };
}

function partitionRole(role: string, argument: string, shape: ClusterShape, inGroup: boolean): SelectorResult {
  if (role === "followers" && !inGroup) {
    return { ok: false, problem: "followers(...) names several nodes and only makes sense in a partition's groups", suggestion: `follower(${argument.trim()})` };
  }
  if (role !== "leader" && role !== "follower" && role !== "followers") {
    const near = closestName(role, PARTITION_ROLES);
    return {
      ok: false,
      problem: `unknown node selector ${role}(...); expected leader(topic/partition) or follower(topic/partition)`,
      suggestion: near === undefined ? undefined : `${near}(${argument.trim()})`,
    };
  }
  const match = /^\s*([^\s/()]+)\s*\/\s*(\d+)\s*$/.exec(argument);
  if (!match) {
    const topicOnly = argument.trim();
    return {
      ok: false,
      problem: `${role}(...) takes a topic and a partition, like ${role}(orders/0)`,
      suggestion: /^[^\s/()]+$/.test(topicOnly) ? `${role}(${topicOnly}/0)` : undefined,
    };
  }
  const topic = match[1]!;
  const partition = Number(match[2]);
  if (shape.topics === null) return { ok: true, selector: { kind: role, topic, partition } };
  const shapeOfTopic = shape.topics.get(topic);
  if (shapeOfTopic === undefined) {
    const near = closestName(topic, shape.topics.keys());
    return {
      ok: false,
      problem: `no topic ${JSON.stringify(topic)} in this scenario (topics: ${[...shape.topics.keys()].join(", ")})`,
      suggestion: near === undefined ? undefined : `${role}(${near}/${partition})`,
    };
  }
  const { partitions, replicationFactor } = shapeOfTopic;
  if (partitions !== null && partition >= partitions) {
    const range = partitions === 1 ? "only partition 0" : `partitions 0 to ${partitions - 1}`;
    return { ok: false, problem: `topic ${topic} has ${range}; there is no partition ${partition}` };
  }
  if ((role === "follower" || role === "followers") && replicationFactor === 1) {
    return { ok: false, problem: `topic ${topic} has replication factor 1: its partitions have no followers` };
  }
  return { ok: true, selector: { kind: role, topic, partition } };
}

function candidates(shape: ClusterShape, allowRest: boolean): string[] {
  const names: string[] = [...ROLE_SELECTORS];
  if (allowRest) names.push("rest");
  for (let i = 1; i <= (shape.brokers ?? 0); i++) names.push(`broker-${i}`);
  for (let i = 1; i <= (shape.ensemble ?? 0); i++) names.push(`zk-${i}`);
  names.push(...(shape.clients ?? []));
  return names;
}

/** A selector field: a string in one of the forms above. */
export function readSelector(r: Reader, field: Field, shape: ClusterShape, allowRest = false): NodeSelector | undefined {
  const raw = r.value(field);
  if (typeof raw !== "string") return r.fail(field, `expected a node (${FORMS}), got ${r.describe(field)}`);
  const result = parseSelector(raw, shape, allowRest);
  if (result.ok) return result.selector;
  return r.fail(field, result.problem, result.suggestion);
}

/** A group of nodes: a list of selectors, or one selector alone. */
export function readGroup(r: Reader, field: Field, shape: ClusterShape, allowRest: boolean): NodeSelector[] | undefined {
  if (typeof r.value(field) === "string") {
    const one = readSelector(r, field, shape, allowRest);
    return one === undefined ? undefined : [one];
  }
  const items = r.list(field, "a list of nodes");
  if (items === undefined) return undefined;
  if (items.length === 0) return r.fail(field, "a group needs at least one node");
  const selectors = items.map((item) => readSelector(r, item, shape, allowRest));
  return selectors.every((s) => s !== undefined) ? (selectors as NodeSelector[]) : undefined;
}
