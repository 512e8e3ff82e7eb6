import { formatDuration, parseDuration, type Micros, type Random } from "../../sim/index.ts";
import { drawsOf, type SeedDraws } from "./draws.ts";
import { probability, read } from "./fields.ts";
import { drawInRange, isRangeText, parseDurationRange, parseNumberRange, pointRange, type NumberRange } from "./ranges.ts";
import type { Field, Reader } from "./Reader.ts";
import { readSelector, type ClusterShape } from "./selectors.ts";
import { formatSelector, type Fault, type NodeSelector, type SourceRef } from "./types.ts";

/**
 * `swarm:`: faults each seed draws for itself, on top of the fixed `faults:` (swarm
 * testing, as in TigerBeetle's VOPR and FoundationDB's randomized simulation: each seed
 * runs a different mix, and leaving a kind out lets the others reach states it would mask).
 *
 *   swarm:
 *     keep: 0.5            # each kind is in play for a seed with this probability (at least one always is)
 *     between: 2s..26s     # when swarm faults start (default: the whole load phase)
 *     crash:     { nodes: [leader(orders/0), controller], count: 0..3, for: 1s..8s }
 *     pause:     { nodes: [app-1, broker-2], count: 1..2, for: 2s..12s }
 *     isolate:   { nodes: [leader(orders/1)] }
 *     partition: { nodes: [ensemble-leader] }          # the node against every other cluster node
 *     partition-one-way: { nodes: [broker-1] }         # what the node sends to the others is lost
 *     clog:      { links: [[broker-1, broker-2]], delay: 5ms..300ms }
 *     drop:      { links: [[leader(orders/0), follower(orders/0)]], p: 0.01..0.3 }
 *     slow-disk: { nodes: [broker-3], factor: 2..50 }
 *     full-disk: { nodes: [broker-1] }
 *     lossy-crash: { nodes: [broker-3] }               # a power loss: unsynced writes are gone
 *
 * For each kind in play a seed draws how many faults of it happen (`count`, default 1..3),
 * then for each one its start in the window, its target among `nodes` or `links` (roles
 * resolved when it fires, as in `faults:`), how long it lasts (`for`, default 1s..10s;
 * every swarm fault is undone) and its strength (`delay`, `p`, `factor`). Each kind draws
 * from its own stream (`swarm/<kind>`): adding a kind to a file leaves the others' draws alone.
 */
export const SWARM_NODE_VERBS = ["crash", "lossy-crash", "pause", "isolate", "partition", "partition-one-way", "slow-disk", "full-disk"] as const;
export const SWARM_LINK_VERBS = ["clog", "drop"] as const;
export const SWARM_VERBS = [...SWARM_NODE_VERBS, ...SWARM_LINK_VERBS] as const;
export type SwarmVerb = (typeof SWARM_VERBS)[number];

const SWARM_KEYS: readonly string[] = ["keep", "between", ...SWARM_VERBS];
const DEFAULT_KEEP = 0.5;
const DEFAULT_COUNT: NumberRange = { low: 1, high: 3, whole: true };
const DEFAULT_FOR: NumberRange = { low: 1_000_000, high: 10_000_000, whole: true };
const DEFAULT_DELAY: NumberRange = { low: 10_000, high: 200_000, whole: true };
const DEFAULT_DROP: NumberRange = { low: 0.01, high: 0.2, whole: false };
const DEFAULT_FACTOR: NumberRange = { low: 2, high: 50, whole: false };
const MAX_COUNT = 1_000;

/** One fault kind of the swarm as the file states it. */
export interface SwarmKind {
  readonly verb: SwarmVerb;
  /** Node verbs: the nodes it may hit. */
  readonly nodes: readonly NodeSelector[];
  /** clog and drop: the links it may hit. */
  readonly links: readonly (readonly [NodeSelector, NodeSelector])[];
  readonly count: NumberRange;
  readonly forMicros: NumberRange;
  /** clog's delay (micros), drop's probability, slow-disk's factor; null for the rest. */
  readonly strength: NumberRange | null;
  readonly source: SourceRef;
}

export interface SwarmSpec {
  readonly keep: number;
  readonly windowMicros: NumberRange;
  readonly kinds: readonly SwarmKind[];
}

/** The swarm section checked, and the faults this reading's seed drew from it (none without a seed). */
export function readSwarm(r: Reader, field: Field, shape: ClusterShape, durationMicros: Micros | null): { spec: SwarmSpec | null; faults: Fault[] } {
  if (r.isEmpty(field)) return { spec: null, faults: [] };
  const entries = r.mapping(field, "a mapping of fault kinds (crash, pause, clog, ...) with their targets, like {crash: {nodes: [controller]}}");
  if (entries === undefined) return { spec: null, faults: [] };
  const draws = drawsOf(r);
  draws.varies = true;
  r.knownKeys(entries, SWARM_KEYS, "swarm");
  const keep = read(r, r.entry(entries, field, "keep"), probability, DEFAULT_KEEP);
  const windowMicros = readWindow(r, r.entry(entries, field, "between"), durationMicros);
  const kinds: SwarmKind[] = [];
  for (const [key, kindField] of entries) {
    if (!(SWARM_VERBS as readonly string[]).includes(key)) continue;
    const kind = readKind(r, kindField, key as SwarmVerb, shape);
    if (kind !== undefined) kinds.push(kind);
  }
  if (kinds.length === 0 && r.errors.length === 0) r.fail(field, `a swarm needs at least one fault kind: ${SWARM_VERBS.join(", ")}`);
  if (keep === undefined || windowMicros === undefined) return { spec: null, faults: [] };
  const spec: SwarmSpec = { keep, windowMicros, kinds };
  const faults = drawSwarm(spec, draws);
  draws.swarm = spec;
  draws.swarmFaults = faults;
  return { spec, faults };
}

function readWindow(r: Reader, field: Field, durationMicros: Micros | null): NumberRange | undefined {
  const whole: NumberRange = { low: 0, high: durationMicros ?? 0, whole: true };
  if (r.isEmpty(field)) return whole;
  const raw = r.value(field);
  const parsed = typeof raw === "string" ? parseDurationRange(raw) : undefined;
  if (parsed === undefined || !parsed.ok) return r.fail(field, parsed?.problem ?? `expected the window swarm faults start in, a range of durations like 2s..26s, got ${r.describe(field)}`);
  if (durationMicros !== null && parsed.range.high > durationMicros) {
    return r.fail(field, `the window ends after the load phase (duration: ${formatDuration(durationMicros)})`);
  }
  return parsed.range;
}

function readKind(r: Reader, field: Field, verb: SwarmVerb, shape: ClusterShape): SwarmKind | undefined {
  const isLink = (SWARM_LINK_VERBS as readonly string[]).includes(verb);
  const strengthKey = verb === "clog" ? "delay" : verb === "drop" ? "p" : verb === "slow-disk" ? "factor" : null;
  const keys = [isLink ? "links" : "nodes", "count", "for", ...(strengthKey === null ? [] : [strengthKey])];
  const example = isLink ? "{links: [[broker-1, broker-2]], count: 1..3, for: 1s..5s}" : "{nodes: [controller, broker-2], count: 1..3, for: 1s..5s}";
  const entries = r.mapping(field, `a mapping {${keys.join(", ")}}, like ${example}`);
  if (entries === undefined) return undefined;
  if (!r.knownKeys(entries, keys, `swarm.${verb}`)) return undefined;
  const at = (key: string): Field => r.entry(entries, field, key);
  const nodes = isLink ? [] : readTargets(r, at("nodes"), shape, verb);
  const links = isLink ? readLinks(r, at("links"), shape, verb) : [];
  const count = readRange(r, at("count"), DEFAULT_COUNT, (range) => range.whole && range.low >= 0 && range.high <= MAX_COUNT, `a whole number of faults from 0 to ${MAX_COUNT}, or a range like 0..3`);
  const forMicros = readDurations(r, at("for"), DEFAULT_FOR, 1);
  const strength = strengthKey === null ? null : readStrength(r, at(strengthKey), verb);
  if (nodes === undefined || links === undefined || count === undefined || forMicros === undefined || strength === undefined) return undefined;
  return { verb, nodes, links, count, forMicros, strength, source: r.sourceOf(field) };
}

function readTargets(r: Reader, field: Field, shape: ClusterShape, verb: SwarmVerb): NodeSelector[] | undefined {
  if (r.isEmpty(field)) return r.fail(field, `swarm.${verb} needs nodes: the nodes it may hit, like [controller, broker-2]`);
  const raw = r.value(field);
  const items = typeof raw === "string" ? [field] : r.list(field, "a list of nodes, like [leader(orders/0), broker-2]");
  if (items === undefined) return undefined;
  if (items.length === 0) return r.fail(field, "a list of nodes needs at least one node");
  const nodes = items.map((item) => readSelector(r, item, shape));
  return nodes.every((n) => n !== undefined) ? (nodes as NodeSelector[]) : undefined;
}

function readLinks(r: Reader, field: Field, shape: ClusterShape, verb: SwarmVerb): [NodeSelector, NodeSelector][] | undefined {
  if (r.isEmpty(field)) return r.fail(field, `swarm.${verb} needs links: pairs of nodes, like [[broker-1, broker-2]]`);
  const items = r.list(field, "a list of links, each a pair of nodes, like [[broker-1, broker-2]]");
  if (items === undefined) return undefined;
  if (items.length === 0) return r.fail(field, "a list of links needs at least one link");
  const links: [NodeSelector, NodeSelector][] = [];
  for (const item of items) {
    const ends = r.list(item, "a link: a pair of nodes, like [broker-1, broker-2]");
    if (ends === undefined) continue;
    if (ends.length !== 2) {
      r.fail(item, `a link has two ends, got ${ends.length}`);
      continue;
    }
    const [a, b] = ends.map((end) => readSelector(r, end, shape));
    if (a !== undefined && b !== undefined) links.push([a, b]);
  }
  return links.length === items.length ? links : undefined;
}

/** A number or a range of numbers (`2`, `0..3`), checked by `valid`. */
function readRange(r: Reader, field: Field, fallback: NumberRange, valid: (range: NumberRange) => boolean, expected: string): NumberRange | undefined {
  if (r.isEmpty(field)) return fallback;
  const raw = r.value(field);
  let range: NumberRange;
  if (typeof raw === "number") range = pointRange(raw);
  else if (isRangeText(raw)) {
    const parsed = parseNumberRange(raw);
    if (!parsed.ok) return r.fail(field, parsed.problem);
    range = parsed.range;
  } else return r.fail(field, `expected ${expected}, got ${r.describe(field)}`);
  return valid(range) ? range : r.fail(field, `expected ${expected}, got ${r.describe(field)}`);
}

/** A duration or a range of durations (`5s`, `1s..8s`), in microseconds. */
function readDurations(r: Reader, field: Field, fallback: NumberRange, minMicros: Micros): NumberRange | undefined {
  if (r.isEmpty(field)) return fallback;
  const raw = r.value(field);
  const expected = `expected a duration with a unit or a range of them, like 5s or 1s..8s, got ${r.describe(field)}`;
  if (typeof raw !== "string") return r.fail(field, expected);
  let range: NumberRange;
  if (isRangeText(raw)) {
    const parsed = parseDurationRange(raw);
    if (!parsed.ok) return r.fail(field, parsed.problem);
    range = parsed.range;
  } else {
    const micros = durationOrNull(raw);
    if (micros === null) return r.fail(field, expected);
    range = pointRange(micros);
  }
  if (range.low < minMicros) return r.fail(field, `must be at least ${formatDuration(minMicros)}, got ${raw}`);
  return range;
}

function durationOrNull(text: string): Micros | null {
  try {
    return parseDuration(text);
  } catch {
    return null;
  }
}

function readStrength(r: Reader, field: Field, verb: SwarmVerb): NumberRange | undefined {
  if (verb === "clog") return readDurations(r, field, DEFAULT_DELAY, 1);
  if (verb === "drop") return readRange(r, field, DEFAULT_DROP, (p) => p.low >= 0 && p.high <= 1, "a probability from 0 to 1, or a range of them like 0.01..0.3");
  const factor = readRange(r, field, DEFAULT_FACTOR, (f) => f.low >= 1 && f.high <= 1e6, "how many times slower fsyncs are, from 1, or a range like 2..50");
  return factor === undefined ? undefined : { ...factor, whole: false };
}

/**
 * This seed's swarm faults, in time order. Each kind is in play with probability `keep`
 * (one drawn by the stream `swarm/kinds` when none is), then draws its faults from its
 * own stream.
 */
export function drawSwarm(spec: SwarmSpec, draws: SeedDraws): Fault[] {
  if (draws.seed === null || spec.kinds.length === 0) return [];
  const inPlay = spec.kinds.map((kind) => draws.stream(kind.verb)!.chance(spec.keep));
  if (!inPlay.includes(true)) inPlay[draws.stream("kinds")!.int(0, spec.kinds.length - 1)] = true;
  const faults: Fault[] = [];
  spec.kinds.forEach((kind, i) => {
    if (inPlay[i]) faults.push(...drawKind(kind, spec.windowMicros, draws.stream(kind.verb)!));
  });
  // Stable: faults drawn for the same moment keep the kinds' file order.
  return faults.map((f, i) => ({ f, i })).sort((a, b) => a.f.at - b.f.at || a.i - b.i).map((x) => x.f);
}

function drawKind(kind: SwarmKind, window: NumberRange, random: Random): Fault[] {
  const count = drawInRange(random, kind.count);
  const faults: Fault[] = [];
  for (let n = 0; n < count; n++) {
    const at = drawInRange(random, window, true);
    const forMicros = drawInRange(random, kind.forMicros, true);
    const base = { at, forMicros, source: kind.source };
    if (kind.verb === "clog" || kind.verb === "drop") {
      const between = random.pick(kind.links);
      if (kind.verb === "clog") faults.push({ ...base, verb: "clog", between, delayMicros: drawInRange(random, kind.strength!, true) });
      else faults.push({ ...base, verb: "drop", between, probability: roundTo(drawInRange(random, kind.strength!), 4) });
      continue;
    }
    const node = random.pick(kind.nodes);
    switch (kind.verb) {
      case "partition":
        faults.push({ ...base, verb: "partition", groups: [[node], [{ kind: "rest" }]] });
        break;
      case "partition-one-way":
        faults.push({ ...base, verb: "partition-one-way", from: [node], to: [{ kind: "rest" }] });
        break;
      case "slow-disk":
        faults.push({ ...base, verb: "slow-disk", node, factor: roundTo(drawInRange(random, kind.strength!), 1) });
        break;
      case "full-disk":
        faults.push({ ...base, verb: "full-disk", node, factor: 1 });
        break;
      default:
        faults.push({ ...base, verb: kind.verb, node });
    }
  }
  return faults;
}

/** Drawn strengths kept to a few digits (`x12.6`, `p=0.0712`), so reports and replays read cleanly. */
function roundTo(value: number, digits: number): number {
  return Number(value.toFixed(digits));
}

/** `crash controller at 5.2s for 3s`: a drawn fault, for reports. */
export function describeFault(fault: Fault): string {
  const when = `at ${formatDuration(fault.at)}${fault.forMicros === null ? "" : ` for ${formatDuration(fault.forMicros)}`}`;
  switch (fault.verb) {
    case "partition":
      return `partition ${fault.groups.map((g) => g.map(formatSelector).join("+")).join(" | ")} ${when}`;
    case "partition-one-way":
      return `partition-one-way ${fault.from.map(formatSelector).join("+")} -> ${fault.to.map(formatSelector).join("+")} ${when}`;
    case "clog":
      return `clog ${fault.between.map(formatSelector).join("<->")} +${formatDuration(fault.delayMicros)} ${when}`;
    case "drop":
      return `drop ${fault.between.map(formatSelector).join("<->")} p=${fault.probability} ${when}`;
    case "slow-disk":
      return `slow-disk ${formatSelector(fault.node)} x${fault.factor} ${when}`;
    case "unclog":
      return `unclog ${when}`;
    case "heal":
      return `heal ${when}`;
    case "add-partitions":
      return `add-partitions ${fault.topic} to ${fault.partitions} ${when}`;
    default:
      return `${fault.verb} ${formatSelector(fault.node)} ${when}`;
  }
}
