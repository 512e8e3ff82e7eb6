import { lowerClientCounts, lowerRates, removeClients } from "./reduceLoad.ts";
import { lowerBrokers, lowerEnsemble } from "./reduceNodes.ts";
import { lowerPartitions, removeTopics } from "./reduceTopics.ts";
import { removeFaults } from "./removeFaults.ts";
import { removeSettings } from "./removeSettings.ts";
import { shiftFaultsEarlier, shortenDuration, shortenFaultLengths, shortenSettle } from "./shortenTime.ts";
import type { VariantSearch } from "./Shrinker.ts";

/** A way to make the scenario smaller; true when it kept at least one smaller variant. */
type Pass = (s: VariantSearch) => boolean;

/**
 * The passes in the order they pay off: faults first (the failure usually needs one or
 * two), then time (shorter runs make every later candidate cheaper), then the shape of
 * the cluster and its load, then what makes the file say less (fault lengths, settings
 * back to their defaults), and the settle bound last (it only makes the file shorter: a
 * run that recovers stops early anyway).
 */
const PASSES: readonly Pass[] = [
  removeFaults,
  shortenDuration,
  shiftFaultsEarlier,
  removeTopics,
  removeClients,
  lowerClientCounts,
  lowerPartitions,
  lowerBrokers,
  lowerEnsemble,
  lowerRates,
  shortenFaultLengths,
  removeSettings,
  shortenSettle,
];

/** Rounds over every pass until one round keeps nothing (a fixpoint) or the run budget is spent. */
const MAX_ROUNDS = 20;

export function shrinkScenario(s: VariantSearch): void {
  for (let round = 0; round < MAX_ROUNDS && !s.exhausted; round++) {
    let progress = false;
    for (const pass of PASSES) progress = pass(s) || progress;
    if (!progress) return;
  }
}
