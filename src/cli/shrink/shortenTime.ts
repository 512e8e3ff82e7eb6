import { formatDuration, type Micros } from "../../../sim/index.ts";
import type { Scenario } from "../../scenario/index.ts";
import { exactDuration } from "./materialize.ts";
import type { VariantSearch } from "./Shrinker.ts";

const SECOND_MICROS = 1_000_000;
/** Below this a load phase has hardly any records in it. */
const MIN_DURATION_MICROS = 500_000;
/** Moving faults by less than this is not worth a run. */
const MIN_SHIFT_MICROS = 500_000;
/** The liveness phase needs a few seconds to see a recovered cluster twice, a second apart. */
const MIN_SETTLE_MICROS = 5 * SECOND_MICROS;

/**
 * Shortens the load phase: first to just past the last fault, then to a quarter, a half,
 * three quarters of it (the shortest that still fails wins). Faults after the new end are
 * dropped with it. Repeats while it keeps shortening.
 */
export function shortenDuration(s: VariantSearch): boolean {
  let progress = false;
  while (!s.exhausted) {
    const current = s.best.scenario;
    const duration = current.durationMicros;
    const lastAt = Math.max(0, ...current.faults.map((f) => f.at));
    const options = [roundUp(lastAt + SECOND_MICROS), ...[0.25, 0.5, 0.75].map((share) => roundDown(duration * share))];
    const shorter = [...new Set(options)].filter((d) => d >= MIN_DURATION_MICROS && d < duration).sort((a, b) => a - b);
    if (!shorter.some((d) => tryDuration(s, d))) break;
    progress = true;
  }
  return progress;
}

function tryDuration(s: VariantSearch, durationMicros: Micros): boolean {
  const current = s.best.scenario;
  const late = faultsAfter(current, durationMicros);
  const dropped = late.length === 0 ? "" : `, dropping ${late.length === 1 ? "the fault" : `${late.length} faults`} after the new end`;
  return s.attempt(`duration: ${formatDuration(current.durationMicros)} -> ${formatDuration(durationMicros)}${dropped}`, (doc) => {
    doc.set(["duration"], exactDuration(durationMicros));
    doc.removeItems(["faults"], late);
    return true;
  });
}

/** Indices of the faults that happen after `micros` (the loader refuses a fault after the end). */
function faultsAfter(scenario: Scenario, micros: Micros): number[] {
  return scenario.faults.flatMap((f, i) => (f.at > micros ? [i] : []));
}

/**
 * Moves every fault earlier by half the time before the first one, and shortens the load
 * phase by as much: a failure that needs a crash at 10s often shows with one at 5s, in a
 * run half as long.
 */
export function shiftFaultsEarlier(s: VariantSearch): boolean {
  let progress = false;
  while (!s.exhausted) {
    const current = s.best.scenario;
    if (current.faults.length === 0) break;
    const shift = roundDown(Math.min(...current.faults.map((f) => f.at)) / 2);
    if (shift < MIN_SHIFT_MICROS) break;
    const duration = current.durationMicros - shift;
    const kept = s.attempt(`faults moved earlier by as much as the duration shortens, duration: ${formatDuration(current.durationMicros)} -> ${formatDuration(duration)}`, (doc) => {
      current.faults.forEach((f, i) => doc.set(["faults", i, "at"], exactDuration(f.at - shift)));
      doc.set(["duration"], exactDuration(duration));
      return true;
    });
    if (!kept) break;
    progress = true;
  }
  return progress;
}

/**
 * Halves the settle phase down to a few seconds. Not for a liveness failure: a shorter
 * bound would make "did not recover" true by construction.
 */
export function shortenSettle(s: VariantSearch): boolean {
  if (s.target.name === "liveness") return false;
  let progress = false;
  while (!s.exhausted) {
    const settle = s.best.scenario.settleMicros;
    const shorter = Math.max(MIN_SETTLE_MICROS, roundDown(settle / 2));
    if (shorter >= settle) break;
    const kept = s.attempt(`settle: ${formatDuration(settle)} -> ${formatDuration(shorter)}`, (doc) => {
      doc.set(["settle"], exactDuration(shorter));
      return true;
    });
    if (!kept) break;
    progress = true;
  }
  return progress;
}

/** Whole seconds from 2s up, tenths of a second below, so the minimal file reads well. */
function step(micros: Micros): Micros {
  return micros >= 2 * SECOND_MICROS ? SECOND_MICROS : SECOND_MICROS / 10;
}

function roundDown(micros: number): Micros {
  return Math.floor(micros / step(micros)) * step(micros);
}

function roundUp(micros: number): Micros {
  return Math.ceil(micros / step(micros)) * step(micros);
}

/** A fault shorter than this is hardly a fault; halving its `for:` stops here. */
const MIN_FAULT_LENGTH_MICROS = 100_000;

/** Halves each fault's `for:` while the failure stays: the minimal file says how long a fault must last. */
export function shortenFaultLengths(s: VariantSearch): boolean {
  let progress = false;
  for (let i = 0; i < s.best.scenario.faults.length; i++) {
    while (!s.exhausted) {
      const fault = s.best.scenario.faults[i];
      if (fault === undefined || fault.forMicros === null) break;
      const shorter = roundDown(fault.forMicros / 2);
      if (shorter < MIN_FAULT_LENGTH_MICROS || shorter >= fault.forMicros) break;
      const kept = s.attempt(`faults[${i}] (${fault.verb} at ${formatDuration(fault.at)}) for: ${formatDuration(fault.forMicros)} -> ${formatDuration(shorter)}`, (doc) => {
        doc.set(["faults", i, "for"], exactDuration(shorter));
        return true;
      });
      if (!kept) break;
      progress = true;
    }
  }
  return progress;
}
