import { INVARIANTS } from "../../scenario/index.ts";
import type { RunSummary } from "../runScenario.ts";

/** What a run that never got its cluster up fails with (no invariant names it). */
export const NO_BOOTSTRAP = "no-bootstrap";
const LIVENESS = "liveness";

/**
 * The names a failing run fails with, the one worth shrinking first: the cluster never
 * coming up, then the expectations it failed (in file order), then the safety invariants
 * broken (in the order of INVARIANTS), then liveness last, because a cluster that did
 * not recover is usually the consequence of something else (a lost record is never
 * processed). Empty for a passing run.
 */
export function failuresOf(summary: RunSummary): string[] {
  if (summary.ok) return [];
  const names: string[] = [];
  if (!summary.bootstrapped) names.push(NO_BOOTSTRAP);
  const stated = summary.verdictBasis === "expectations";
  if (stated) names.push(...summary.expectations.filter((e) => !e.ok).map((e) => e.name));
  else {
    const found = new Set(summary.violations.filter((v) => v.count > 0).map((v) => v.invariant));
    names.push(...INVARIANTS.filter((i) => i !== LIVENESS && found.has(i)));
    names.push(...[...found].filter((i) => i !== LIVENESS && !(INVARIANTS as readonly string[]).includes(i)).sort());
    // The default expectation (no acknowledged record lost) names its count.
    names.push(...summary.expectations.filter((e) => !e.ok).map((e) => e.name));
    if (found.has(LIVENESS)) names.push(LIVENESS);
  }
  return [...new Set(names)];
}

/**
 * What a smaller variant must show to replace the current one: it fails, with the same
 * target among its failures. If the original run's cluster recovered, the variant's must
 * recover too: a cluster left without a leader reports acknowledged records as lost for
 * the wrong reason, and that is not the failure being shrunk. (Liveness problems about
 * records, "acknowledged records are not in the committed log" or "not yet processed",
 * are what a lost write looks like from the liveness check, so they do not count.)
 */
export interface FailureTarget {
  readonly name: string;
  readonly mustRecover: boolean;
}

export function targetFor(original: RunSummary, name: string): FailureTarget {
  return { name, mustRecover: name !== LIVENESS && !clusterUnrecovered(original) };
}

export function reproduces(summary: RunSummary, target: FailureTarget): boolean {
  if (summary.ok) return false;
  if (target.name !== NO_BOOTSTRAP && !summary.bootstrapped) return false;
  if (target.mustRecover && clusterUnrecovered(summary)) return false;
  return failuresOf(summary).includes(target.name);
}

/** A liveness problem of the cluster itself: a partition without a leader or a full ISR, a group not stable. */
function clusterUnrecovered(summary: RunSummary): boolean {
  return summary.violations
    .filter((v) => v.invariant === LIVENESS)
    .some((v) => v.examples.some((e) => !/acknowledged records/.test(e.detail)));
}
