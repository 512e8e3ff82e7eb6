/**
 * The goals of issue 9 ("Performance: a benchmark suite and a fast model"), and the table
 * that sets each benchmark's figure against its goal.
 */
import os from "node:os";
import type { BenchResult } from "./harness.ts";
import { formatRate } from "./harness.ts";

interface Goal {
  benchmark: string;
  what: string;
  /** The figure from the benchmark's result, or null when it has none. */
  figure(r: BenchResult): number | null;
  format(x: number): string;
  target: number;
  /** "at least" or "at most". */
  atLeast: boolean;
}

const num = (r: BenchResult, key: string): number | null => (typeof r[key] === "number" ? (r[key] as number) : null);

export const GOALS: readonly Goal[] = [
  { benchmark: "kernel", what: "kernel/bare heap ratio", figure: (r) => num(r, "ratio"), format: (x) => x.toFixed(3), target: 0.5, atLeast: true },
  { benchmark: "steady", what: "records per wall second", figure: (r) => num(r, "recordsPerWallSec"), format: formatRate, target: 2_000_000, atLeast: true },
  { benchmark: "steady", what: "history bytes per record", figure: (r) => num(r, "bytesPerRecord"), format: (x) => x.toFixed(1), target: 32, atLeast: false },
  { benchmark: "light", what: "speed-up over real time", figure: (r) => num(r, "speedup"), format: (x) => `${x.toFixed(1)}x`, target: 100, atLeast: true },
  { benchmark: "fuzz", what: "seeds per minute per core", figure: (r) => num(r, "seedsPerMinPerCore"), format: (x) => x.toFixed(1), target: 300, atLeast: true },
];

/** The machine the figures are of: they move with it. */
export function machine(): { cores: number; cpu: string; node: string; platform: string } {
  return { cores: os.availableParallelism(), cpu: os.cpus()[0]?.model.trim() ?? "unknown", node: process.version, platform: `${os.platform()} ${os.arch()}` };
}

export function goalTable(results: Readonly<Record<string, BenchResult>>, quick: boolean): string[] {
  const rows: string[][] = [["benchmark", "figure", "measured", "goal", "met"]];
  for (const goal of GOALS) {
    const result = results[goal.benchmark];
    if (!result) continue;
    const x = goal.figure(result);
    const partial = result["completed"] === false ? " (partial run)" : "";
    const met = x === null ? "?" : (goal.atLeast ? x >= goal.target : x <= goal.target) ? "yes" : "no";
    rows.push([goal.benchmark, goal.what, x === null ? "-" : goal.format(x) + partial, `${goal.atLeast ? ">=" : "<="} ${goal.format(goal.target)}`, met]);
  }
  if (rows.length === 1) return [];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const m = machine();
  return [
    `Against the goals${quick ? " (--quick: shorter loads, one run: not figures to publish)" : ""}; ${m.cores} cores, ${m.cpu}, node ${m.node}`,
    ...rows.map((row) => "  " + row.map((cell, c) => cell.padEnd(widths[c]!)).join("  ").trimEnd()),
  ];
}
