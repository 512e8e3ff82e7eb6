import { formatDuration, parseDuration, type Micros } from "../../../sim/index.ts";
import { formatSelector, type Fault, type NodeSelector, type Scenario } from "../../scenario/index.ts";
import type { ScenarioDoc } from "./ScenarioDoc.ts";

/** What a seed drew that the file now states. */
export interface WrittenIn {
  /** Each setting written as a choice, by field path (`producers[0].config.acks`), with its drawn value. */
  readonly settings: Readonly<Record<string, string | number | boolean | null>>;
  /** How many swarm faults were added to `faults:`. */
  readonly faults: number;
}

/**
 * A file that leaves things to the seed (settings written as choices, a `swarm:` section)
 * becomes the file of that seed's run: each choice replaced by the value the seed drew,
 * the swarm's faults written into `faults:` after the fixed ones (the order the loader
 * gives them), the `swarm:` section removed. Shrinking then edits a plain scenario (its
 * swarm faults can be removed like any other), and the minimal file replays without
 * drawing anything. `resolved` is the scenario as the seed runs it. Returns what was
 * written in: the drawn settings by field path, and how many swarm faults.
 */
export function materialize(doc: ScenarioDoc, resolved: Scenario): WrittenIn {
  const variation = resolved.variation;
  if (variation === undefined) return { settings: {}, faults: 0 };
  const settings = Object.entries(variation.settings);
  // A comment such as "drawn per seed" beside a choice no longer holds once it is a value.
  for (const [path, value] of settings) doc.set(documentPath(path), value, true);
  const fixed = doc.length(["faults"]);
  const drawn = resolved.faults.slice(fixed);
  for (const fault of drawn) doc.append(["faults"], faultItem(fault));
  doc.delete(["swarm"]);
  return { settings: variation.settings, faults: drawn.length };
}

/** `producers[0].config.linger.ms` -> ["producers", 0, "config", "linger.ms"] (a Kafka key keeps its dots). */
export function documentPath(path: string): (string | number)[] {
  const configAt = path.indexOf(".config.");
  const [head, key] = configAt < 0 ? [path, null] : [path.slice(0, configAt), path.slice(configAt + ".config.".length)];
  const segments = head.split(".").flatMap((part) => {
    const indexed = /^(.+)\[(\d+)\]$/.exec(part);
    return indexed === null ? [part] : [indexed[1]!, Number(indexed[2])];
  });
  return key === null ? segments : [...segments, "config", key];
}

/** A fault as a scenario file writes it: `{at: 5200ms, crash: controller, for: 3s}`. */
export function faultItem(fault: Fault): Record<string, unknown> {
  const item: Record<string, unknown> = { at: exactDuration(fault.at) };
  item[fault.verb] = faultBody(fault);
  if (fault.forMicros !== null) item["for"] = exactDuration(fault.forMicros);
  return item;
}

function faultBody(fault: Fault): unknown {
  const sel = (s: NodeSelector): string => formatSelector(s);
  switch (fault.verb) {
    case "partition":
      return fault.groups.map((g) => g.map(sel));
    case "partition-one-way":
      return { from: fault.from.map(sel), to: fault.to.map(sel) };
    case "heal":
      return true;
    case "clog":
      return { between: fault.between.map(sel), delay: exactDuration(fault.delayMicros) };
    case "unclog":
      return fault.between === null ? true : { between: fault.between.map(sel) };
    case "drop":
      return { between: fault.between.map(sel), p: fault.probability };
    case "add-partitions":
      return { topic: fault.topic, partitions: fault.partitions };
    case "slow-disk":
      return { node: sel(fault.node), factor: fault.factor };
    default:
      return sel(fault.node);
  }
}

/** `micros` as a duration that reads back exactly (drawn times have microseconds; a rounded one would be another run). */
export function exactDuration(micros: Micros): string {
  const readable = formatDuration(micros);
  if (parseDuration(readable) === micros) return readable;
  if (micros % 1_000 === 0) return `${micros / 1_000}ms`;
  return `${micros}us`;
}
