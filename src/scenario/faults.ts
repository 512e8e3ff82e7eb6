import { formatDuration, type Micros } from "../../sim/index.ts";
import { flag, positiveNumber, probability, read, readDuration } from "./fields.ts";
import type { Field, Reader } from "./Reader.ts";
import { readGroup, readSelector, type ClusterShape } from "./selectors.ts";
import { DISK_VERBS, FAULT_VERBS, NODE_VERBS, UNDO_VERB, type Fault, type FaultVerb, type NodeSelector } from "./types.ts";

/**
 * The fault schedule: `faults:` is a list of mappings, each with `at:` (when), one verb
 * with its target, and optionally `for:` (undo after that long):
 *
 *   - { at: 10s, crash: leader(orders/0), for: 15s }
 *   - { at: 12s, partition: [[leader(orders/0)], [rest]] }
 *   - { at: 20s, heal: true }
 *
 * Verbs: crash, lossy-crash, restart, pause, resume, isolate (a node); partition (groups:
 * each a list of nodes or one node); partition-one-way {from, to}; heal; clog {between:
 * [a, b], delay}; unclog (true, or {between}); drop {between, p}; slow-disk, full-disk,
 * disk-ok (a node, or {node, factor}; slow-disk's factor defaults to 10); add-partitions
 * {topic, partitions} (an admin action: the topic grows to that many partitions; Kafka can
 * add partitions, never remove them).
 */
const FAULT_KEYS: readonly string[] = ["at", "for", ...FAULT_VERBS];
const EXAMPLE = "{at: 10s, crash: broker-1}";
const DEFAULT_SLOW_DISK_FACTOR = 10;

type FaultBody = Fault extends infer F ? (F extends unknown ? Omit<F, "at" | "forMicros" | "source"> : never) : never;
type Parsed<T> = T | undefined;

export function readFaults(r: Reader, field: Field, shape: ClusterShape, durationMicros: Micros | null): Fault[] {
  const items = r.list(field, `a list of faults, like [${EXAMPLE}]`) ?? [];
  const faults: Fault[] = [];
  for (const item of items) {
    const fault = readFault(r, item, shape, durationMicros);
    if (fault !== undefined) faults.push(fault);
  }
  checkPartitionGrowth(r, items, faults, shape);
  return faults;
}

/** In time order, each add-partitions must grow its topic beyond what it has by then. */
function checkPartitionGrowth(r: Reader, items: readonly Field[], faults: readonly Fault[], shape: ClusterShape): void {
  const counts = new Map<string, number>();
  for (const [name, t] of shape.topics ?? []) if (t.partitions !== null) counts.set(name, t.partitions);
  const adds = faults
    .map((f, i) => ({ f, item: items[i]! }))
    .filter((x): x is { f: Extract<Fault, { verb: "add-partitions" }>; item: Field } => x.f.verb === "add-partitions")
    .sort((a, b) => a.f.at - b.f.at);
  for (const { f, item } of adds) {
    const current = counts.get(f.topic);
    if (current === undefined) continue;
    if (f.partitions <= current) {
      r.fail(item, `partitions can be added, never removed: ${f.topic} has ${current} partitions by then, so add-partitions must ask for more than ${current}, not ${f.partitions}`);
      continue;
    }
    counts.set(f.topic, f.partitions);
  }
}

function readFault(r: Reader, item: Field, shape: ClusterShape, durationMicros: Micros | null): Fault | undefined {
  const entries = r.mapping(item, `a fault: a mapping with at, a verb and its target, like ${EXAMPLE}`);
  if (entries === undefined) return undefined;
  const allKnown = r.knownKeys(entries, FAULT_KEYS, "a fault");
  const verbs = [...entries.keys()].filter((key): key is FaultVerb => (FAULT_VERBS as readonly string[]).includes(key));
  if (verbs.length === 0) {
    if (allKnown) r.fail(item, `a fault needs a verb: one of ${FAULT_VERBS.join(", ")}`);
    return undefined;
  }
  for (const extra of verbs.slice(1)) r.failKey(entries.get(extra)!, `one verb per fault: this one already has ${verbs[0]}`);
  const verb = verbs[0]!;
  const at = readAt(r, entries, item, durationMicros);
  const forMicros = readFor(r, entries, verb);
  const body = readBody(r, entries.get(verb)!, verb, shape);
  if (at === undefined || forMicros === undefined || body === undefined || verbs.length > 1) return undefined;
  return { ...body, at, forMicros, source: r.sourceOf(item) } as Fault;
}

function readAt(r: Reader, entries: Map<string, Field>, item: Field, durationMicros: Micros | null): Micros | undefined {
  const field = entries.get("at");
  if (field === undefined || r.isEmpty(field)) return r.fail(item, "a fault needs at: the time it happens, like 10s");
  const at = readDuration(r, field, 0);
  if (at !== undefined && durationMicros !== null && at > durationMicros) {
    return r.fail(field, `at ${formatDuration(at)} is after the end of the load phase (duration: ${formatDuration(durationMicros)})`);
  }
  return at;
}

/** `for:` undoes the fault after that long; null when absent. */
function readFor(r: Reader, entries: Map<string, Field>, verb: FaultVerb): Micros | null | undefined {
  const field = entries.get("for");
  if (field === undefined) return null;
  if (UNDO_VERB[verb] === undefined) return r.failKey(field, `${verb} has nothing to undo, so it takes no for:`);
  return readDuration(r, field, 0, 1);
}

function readBody(r: Reader, field: Field, verb: FaultVerb, shape: ClusterShape): Parsed<FaultBody> {
  if ((NODE_VERBS as readonly string[]).includes(verb)) {
    const node = readSelector(r, field, shape);
    return node === undefined ? undefined : ({ verb, node } as FaultBody);
  }
  if ((DISK_VERBS as readonly string[]).includes(verb)) return readDiskFault(r, field, verb, shape);
  switch (verb) {
    case "partition":
      return readPartition(r, field, shape);
    case "partition-one-way":
      return readOneWay(r, field, shape);
    case "heal":
      return readTrue(r, field, "heal") ? { verb } : undefined;
    case "add-partitions":
      return readAddPartitions(r, field, shape);
    case "clog":
    case "drop":
    case "unclog":
      return readLinkFault(r, field, verb, shape);
    default:
      return r.fail(field, `unknown verb ${verb}`);
  }
}

/** add-partitions {topic, partitions}: the topic's new total. */
function readAddPartitions(r: Reader, field: Field, shape: ClusterShape): Parsed<FaultBody> {
  const entries = r.mapping(field, "a mapping {topic, partitions}, like {topic: orders, partitions: 6}");
  if (entries === undefined || !r.knownKeys(entries, ["topic", "partitions"], "add-partitions")) return undefined;
  const topicField = entries.get("topic");
  const countField = entries.get("partitions");
  if (topicField === undefined) return r.fail(field, "add-partitions needs topic: the topic to grow");
  if (countField === undefined) return r.fail(field, "add-partitions needs partitions: the topic's new number of partitions");
  const topic = r.value(topicField);
  if (typeof topic !== "string") return r.fail(topicField, `expected a topic name, got ${r.describe(topicField)}`);
  if (shape.topics !== null && !shape.topics.has(topic)) {
    return r.fail(topicField, `no topic ${JSON.stringify(topic)} in this scenario (topics: ${[...shape.topics.keys()].join(", ")})`);
  }
  const partitions = r.value(countField);
  if (typeof partitions !== "number" || !Number.isInteger(partitions) || partitions < 1 || partitions > 10_000) {
    return r.fail(countField, `expected a whole number of partitions from 1 to 10000, got ${r.describe(countField)}`);
  }
  return { verb: "add-partitions", topic, partitions };
}

/** `heal: true` (or `heal:` alone); false would be a fault that does nothing. */
function readTrue(r: Reader, field: Field, verb: string): boolean {
  const value = read(r, field, flag, true);
  if (value === false) r.fail(field, `${verb}: false does nothing; write ${verb}: true or remove the fault`);
  return value === true;
}

function readPartition(r: Reader, field: Field, shape: ClusterShape): Parsed<FaultBody> {
  const items = r.list(field, "a list of groups, like [[leader(orders/0)], [rest]]");
  if (items === undefined) return undefined;
  if (items.length < 2) return r.fail(field, "a partition needs at least two groups, like [[broker-1], [rest]]");
  const groups = items.map((item) => readGroup(r, item, shape, true));
  if (!groups.every((g) => g !== undefined)) return undefined;
  if (!restAtMostOnce(r, field, groups as NodeSelector[][])) return undefined;
  return { verb: "partition", groups: groups as NodeSelector[][] };
}

function readOneWay(r: Reader, field: Field, shape: ClusterShape): Parsed<FaultBody> {
  const entries = r.mapping(field, "a mapping {from: [nodes], to: [nodes]}");
  if (entries === undefined || !r.knownKeys(entries, ["from", "to"], "partition-one-way")) return undefined;
  const sides = (["from", "to"] as const).map((side) => {
    const sideField = entries.get(side);
    if (sideField === undefined) return r.fail(field, `partition-one-way needs ${side}: the nodes whose messages ${side === "from" ? "are dropped" : "are not received"}`);
    return readGroup(r, sideField, shape, true);
  });
  const [from, to] = sides;
  if (from === undefined || to === undefined) return undefined;
  if (!restAtMostOnce(r, field, [from, to])) return undefined;
  return { verb: "partition-one-way", from, to };
}

function restAtMostOnce(r: Reader, field: Field, groups: readonly NodeSelector[][]): boolean {
  const withRest = groups.filter((g) => g.some((s) => s.kind === "rest")).length;
  if (withRest > 1) r.fail(field, "rest (every node not named elsewhere) may appear in one group only");
  return withRest <= 1;
}

const LINK_KEYS: Readonly<Record<"clog" | "drop" | "unclog", readonly string[]>> = {
  clog: ["between", "delay"],
  drop: ["between", "p"],
  unclog: ["between"],
};

/** clog {between, delay}, drop {between, p}, unclog (true, or {between}). */
function readLinkFault(r: Reader, field: Field, verb: "clog" | "drop" | "unclog", shape: ClusterShape): Parsed<FaultBody> {
  if (verb === "unclog" && (r.isEmpty(field) || typeof r.value(field) === "boolean")) {
    return readTrue(r, field, "unclog") ? { verb, between: null } : undefined;
  }
  const entries = r.mapping(field, `a mapping {${LINK_KEYS[verb].join(", ")}}, like {between: [broker-1, broker-2]${verb === "clog" ? ", delay: 100ms" : verb === "drop" ? ", p: 0.1" : ""}}`);
  if (entries === undefined || !r.knownKeys(entries, LINK_KEYS[verb], verb)) return undefined;
  const between = readBetween(r, r.entry(entries, field, "between"), shape);
  if (verb === "unclog") return between === undefined ? undefined : { verb, between };
  if (verb === "clog") {
    const delayField = r.entry(entries, field, "delay");
    const delayMicros = r.isEmpty(delayField) ? r.fail(field, "clog needs delay: the extra latency, like 100ms") : readDuration(r, delayField, 0, 1);
    return between === undefined || delayMicros === undefined ? undefined : { verb, between, delayMicros };
  }
  const pField = r.entry(entries, field, "p");
  const p = r.isEmpty(pField) ? r.fail(field, "drop needs p: the probability that a message is lost, like 0.1") : r.check(pField, probability);
  return between === undefined || p === undefined ? undefined : { verb, between, probability: p };
}

function readBetween(r: Reader, field: Field, shape: ClusterShape): [NodeSelector, NodeSelector] | undefined {
  if (r.isEmpty(field)) return r.fail(field, "needs between: the two ends of the link, like [broker-1, broker-2]");
  const items = r.list(field, "the two ends of a link, like [broker-1, broker-2]");
  if (items === undefined) return undefined;
  if (items.length !== 2) return r.fail(field, `a link has two ends, got ${items.length}`);
  const [a, b] = items.map((item) => readSelector(r, item, shape));
  return a === undefined || b === undefined ? undefined : [a, b];
}

/** A disk verb: a node alone, or {node, factor} (factor: slow-disk only, default 10). */
function readDiskFault(r: Reader, field: Field, verb: FaultVerb, shape: ClusterShape): Parsed<FaultBody> {
  if (typeof r.value(field) === "string") {
    const node = readSelector(r, field, shape);
    const factor = verb === "slow-disk" ? DEFAULT_SLOW_DISK_FACTOR : 1;
    return node === undefined ? undefined : ({ verb, node, factor } as FaultBody);
  }
  const keys = verb === "slow-disk" ? ["node", "factor"] : ["node"];
  const entries = r.mapping(field, `a node, or a mapping {${keys.join(", ")}}`);
  if (entries === undefined || !r.knownKeys(entries, keys, verb)) return undefined;
  const nodeField = entries.get("node");
  if (nodeField === undefined) return r.fail(field, `${verb} needs node: the node whose disk it hits`);
  const node = readSelector(r, nodeField, shape);
  const factor = verb === "slow-disk" ? read(r, r.entry(entries, field, "factor"), positiveNumber("times slower", 1, 1e6), DEFAULT_SLOW_DISK_FACTOR) : 1;
  return node === undefined || factor === undefined ? undefined : ({ verb, node, factor } as FaultBody);
}
