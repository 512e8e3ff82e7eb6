import type { RunSummary } from "../runScenario.ts";

/** A figure over the seeds of one combination: the median, and the spread from the lowest to the highest. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** One seed's run of a combination, as the row keeps it (enough to replay and to tell runs apart). */
export interface SeedRun {
  readonly seed: string;
  readonly fingerprint: string;
  readonly ok: boolean;
  readonly lostAcked: number;
  readonly duplicated: number;
  readonly throughput: number;
  readonly unavailableMs: number;
}

/** One combination of settings over its seeds: what `ksim compare --json` prints per row. */
export interface CompareRow {
  readonly settings: Readonly<Record<string, string>>;
  readonly runs: number;
  /** Acknowledged records per simulated second of the load phase. */
  readonly throughput: Spread;
  readonly produceLatencyMs: { readonly p50: Spread; readonly p99: Spread; readonly max: Spread };
  /** Send to processing (groups) or delivery (simple consumers); null when nothing consumed. */
  readonly endToEndLatencyMs: { readonly p50: Spread; readonly p99: Spread } | null;
  readonly sent: Spread;
  readonly failed: Spread;
  /** Acknowledged records missing from the final committed logs: the total over seeds, and how many seeds lost any. */
  readonly lostAcked: { readonly total: number; readonly seeds: number; readonly spread: Spread };
  readonly duplicated: { readonly total: number; readonly seeds: number; readonly spread: Spread };
  /** Partition-milliseconds producers could not write, and the longest window, per seed. */
  readonly unavailableMs: Spread;
  readonly longestUnavailableMs: Spread;
  /** Invariant name -> in how many seeds it was violated. */
  readonly violations: Readonly<Record<string, number>>;
  /** Seeds whose verdict held (the file's expectations, or no violation). */
  readonly ok: number;
  readonly seeds: readonly SeedRun[];
}

export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) return { median: 0, min: 0, max: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median: round(median), min: round(sorted[0]!), max: round(sorted.at(-1)!) };
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000;
}

/** The row of one combination from its runs (one per seed, in seed order). */
export function compareRow(settings: Readonly<Record<string, string>>, runs: readonly RunSummary[]): CompareRow {
  const of = (f: (s: RunSummary) => number) => spreadOf(runs.map(f));
  const consumed = runs.some((s) => s.processed > 0 || s.consumed > 0);
  const violations: Record<string, number> = {};
  for (const s of runs) for (const name of new Set(s.violations.map((v) => v.invariant))) violations[name] = (violations[name] ?? 0) + 1;
  return {
    settings,
    runs: runs.length,
    throughput: of((s) => s.throughput),
    produceLatencyMs: { p50: of((s) => s.produceLatencyMs.p50), p99: of((s) => s.produceLatencyMs.p99), max: of((s) => s.produceLatencyMs.max) },
    endToEndLatencyMs: consumed ? { p50: of((s) => s.endToEndLatencyMs.p50), p99: of((s) => s.endToEndLatencyMs.p99) } : null,
    sent: of((s) => s.sent),
    failed: of((s) => s.failed),
    lostAcked: { total: sum(runs, (s) => s.lostAcked), seeds: runs.filter((s) => s.lostAcked > 0).length, spread: of((s) => s.lostAcked) },
    duplicated: { total: sum(runs, (s) => s.duplicated), seeds: runs.filter((s) => s.duplicated > 0).length, spread: of((s) => s.duplicated) },
    unavailableMs: of((s) => s.unavailableMs),
    longestUnavailableMs: of((s) => s.longestUnavailableMs),
    violations: Object.fromEntries(Object.entries(violations).sort(([a], [b]) => (a < b ? -1 : 1))),
    ok: runs.filter((s) => s.ok).length,
    seeds: runs.map((s) => ({ seed: s.seed, fingerprint: s.fingerprint, ok: s.ok, lostAcked: s.lostAcked, duplicated: s.duplicated, throughput: s.throughput, unavailableMs: s.unavailableMs })),
  };
}

function sum(runs: readonly RunSummary[], f: (s: RunSummary) => number): number {
  return runs.reduce((n, s) => n + f(s), 0);
}
