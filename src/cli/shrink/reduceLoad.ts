import type { Scenario } from "../../scenario/index.ts";
import type { VariantSearch } from "./Shrinker.ts";

/** A producer below this sends too little to show much; halving stops here. */
const MIN_RATE_PER_SEC = 10;
const CLIENT_LISTS = ["consumers", "producers"] as const;
type ClientList = (typeof CLIENT_LISTS)[number];

/**
 * Removes producer and consumer entries one at a time, from the last (so the indices of
 * the ones before stay put). A fault that names a removed client makes the candidate
 * invalid and it is skipped; faults are shrunk first, so that is rare.
 */
export function removeClients(s: VariantSearch): boolean {
  let progress = false;
  for (const list of CLIENT_LISTS) {
    for (let i = s.best.doc.length([list]) - 1; i >= 0 && !s.exhausted; i--) {
      const name = specs(s.best.scenario, list)[i]?.name ?? `${list}[${i}]`;
      const kept = s.attempt(`removed the ${list === "producers" ? "producer" : "consumer"} ${name}`, (doc) => {
        // `producers: []` means none; without the key a default producer would appear.
        doc.removeItems([list], [i], list === "producers");
        return true;
      });
      progress = kept || progress;
    }
  }
  return progress;
}

/** Lowers each entry's `count:` to 1, else by one, while the failure stays. */
export function lowerClientCounts(s: VariantSearch): boolean {
  let progress = false;
  for (const list of CLIENT_LISTS) {
    for (let i = 0; i < s.best.doc.length([list]); i++) {
      while (!s.exhausted) {
        const spec = specs(s.best.scenario, list)[i];
        if (spec === undefined || spec.count <= 1) break;
        const lower = [...new Set([1, spec.count - 1])];
        const kept = lower.some((count) =>
          s.attempt(`${spec.name} count: ${spec.count} -> ${count}`, (doc) => {
            doc.set([list, i, "count"], count);
            return true;
          }),
        );
        if (!kept) break;
        progress = true;
      }
    }
  }
  return progress;
}

/** Halves each producer's rate while the failure stays (fewer records: a faster run, a shorter history). */
export function lowerRates(s: VariantSearch): boolean {
  let progress = false;
  for (let i = 0; i < s.best.doc.length(["producers"]); i++) {
    while (!s.exhausted) {
      const spec = s.best.scenario.producers[i];
      if (spec === undefined || spec.ratePerSec <= MIN_RATE_PER_SEC) break;
      const rate = Math.max(MIN_RATE_PER_SEC, Math.round(spec.ratePerSec / 2));
      const kept = s.attempt(`${spec.name} rate: ${spec.ratePerSec}/s -> ${rate}/s`, (doc) => {
        doc.set(["producers", i, "rate"], rate);
        return true;
      });
      if (!kept) break;
      progress = true;
    }
  }
  return progress;
}

function specs(scenario: Scenario, list: ClientList): readonly { readonly name: string; readonly count: number }[] {
  return list === "producers" ? scenario.producers : scenario.consumers;
}
