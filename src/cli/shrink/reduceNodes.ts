import type { ScenarioDoc } from "./ScenarioDoc.ts";
import type { VariantSearch } from "./Shrinker.ts";

/** Replication settings that cannot exceed the number of brokers. */
const BROKER_BOUNDED_KEYS = ["default.replication.factor", "offsets.topic.replication.factor", "min.insync.replicas"] as const;
const MIN_INSYNC = "min.insync.replicas";

/**
 * Removes brokers one at a time. Brokers are numbered 1..n, so removing one renumbers
 * those above it: the broker removed is the highest-numbered one no fault names
 * (`broker-N`), and the faults' names are rewritten so each still means the same broker
 * (broker-4 becomes broker-3 when broker-2 goes). Replication factors and
 * min.insync.replicas above the new count are lowered to it, topic by topic.
 */
export function lowerBrokers(s: VariantSearch): boolean {
  let progress = false;
  while (!s.exhausted) {
    const brokers = s.best.scenario.cluster.brokers;
    if (brokers <= 1) break;
    const gone = unnamed(s.best.doc, "broker", brokers, 1);
    if (gone === null) break;
    const kept = s.attempt(`brokers: ${brokers} -> ${brokers - 1}`, (doc) => {
      renumber(doc, "broker", gone);
      doc.set(["cluster", "brokers"], brokers - 1);
      boundReplication(doc, brokers - 1);
      return true;
    });
    if (!kept) break;
    progress = true;
  }
  return progress;
}

/** Shrinks the coordination ensemble 5 -> 3 -> 1 (it keeps an odd size), renumbering zk-N as lowerBrokers does. */
export function lowerEnsemble(s: VariantSearch): boolean {
  let progress = false;
  while (!s.exhausted) {
    const members = s.best.scenario.cluster.ensemble;
    if (members <= 1) break;
    const gone = unnamed(s.best.doc, "zk", members, 2);
    if (gone === null) break;
    const kept = s.attempt(`ensemble: ${members} -> ${members - 2}`, (doc) => {
      renumber(doc, "zk", gone);
      doc.set(["cluster", "ensemble"], members - 2);
      return true;
    });
    if (!kept) break;
    progress = true;
  }
  return progress;
}

/** The `count` highest-numbered nodes of 1..total that no fault names, or null if there are not that many. */
function unnamed(doc: ScenarioDoc, prefix: string, total: number, count: number): number[] | null {
  const named = new Set(doc.strings(["faults"]).map((text) => nodeNumber(text, prefix)));
  const free = Array.from({ length: total }, (_, i) => total - i).filter((n) => !named.has(n));
  return free.length >= count ? free.slice(0, count) : null;
}

/** Rewrites `prefix-N` in the faults so each name keeps meaning the same node once `gone` are removed. */
function renumber(doc: ScenarioDoc, prefix: string, gone: readonly number[]): void {
  doc.renameScalars(["faults"], (text) => {
    const n = nodeNumber(text, prefix);
    return n === null ? text : `${prefix}-${n - gone.filter((g) => g < n).length}`;
  });
}

function nodeNumber(text: string, prefix: string): number | null {
  const match = new RegExp(`^\\s*${prefix}-(\\d+)\\s*$`).exec(text);
  return match === null ? null : Number(match[1]);
}

/** Lowers what the file sets above `brokers`: topic replication factors, and min.insync.replicas to each topic's factor. */
function boundReplication(doc: ScenarioDoc, brokers: number): void {
  for (const key of BROKER_BOUNDED_KEYS) lowerTo(doc, ["cluster", "config", key], brokers);
  for (let i = 0; i < doc.length(["topics"]); i++) {
    const rf = lowerTo(doc, ["topics", i, "replication.factor"], brokers) ?? brokers;
    lowerTo(doc, ["topics", i, "config", MIN_INSYNC], rf);
  }
}

/** Sets a numeric value above `bound` to `bound`; returns the value now there (undefined when absent or not a number). */
function lowerTo(doc: ScenarioDoc, path: readonly (string | number)[], bound: number): number | undefined {
  const value = doc.value(path);
  if (typeof value !== "number") return undefined;
  if (value <= bound) return value;
  doc.set(path, bound);
  return bound;
}
