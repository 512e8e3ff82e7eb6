/**
 * Wall time of a `ksim compare` matrix: leader-crash.yaml with --vary acks=1,all
 * --vary min.insync.replicas=1,2 over 10 seeds each, one job per core, timed from spawn
 * to exit.
 */
import os from "node:os";
import { timeKsim } from "./lib/ksim.ts";
import { anotherRun, spread, type BenchResult, type Benchmark } from "./lib/harness.ts";

const SCENARIO = "scenarios/leader-crash.yaml";
const VARY = ["acks=1,all", "min.insync.replicas=1,2"];
const SEEDS = 10;
const QUICK_SEEDS = 2;
const RUNS = 3;
/** Another run only while the runs so far and one more fit in this (wall). */
const BUDGET_MS = 6 * 60_000;
const TIMEOUT_MS = 30 * 60_000;

export interface CompareResult extends BenchResult {
  scenario: string;
  vary: string[];
  combinations: number;
  seeds: number;
  jobs: number;
  runs: number;
  wallMs: number;
  wallMsMin: number;
  wallMsMax: number;
  /** Runs (combinations x seeds) per wall second. */
  runsPerWallSec: number;
}

export const benchmark: Benchmark<CompareResult> = {
  name: "compare",
  description: `wall time of ksim compare ${SCENARIO} ${VARY.map((v) => `--vary ${v}`).join(" ")} --seeds ${SEEDS}`,

  run(options) {
    const seeds = options.quick ? QUICK_SEEDS : SEEDS;
    const runs = options.rounds ?? (options.quick ? 1 : RUNS);
    const jobs = os.availableParallelism();
    const args = ["compare", SCENARIO, ...VARY.flatMap((v) => ["--vary", v]), "--seeds", String(seeds), "--jobs", String(jobs), "--json"];
    const times: number[] = [];
    let combinations = 0;
    for (let i = 0; anotherRun(times, runs, options.rounds === undefined ? BUDGET_MS : Infinity); i++) {
      options.log(`compare: ${seeds} seeds per combination, run ${i + 1}/${runs}...`);
      const timing = timeKsim(args, TIMEOUT_MS);
      combinations = (JSON.parse(timing.stdout) as { rows: unknown[] }).rows.length;
      times.push(timing.wallMs);
      options.log(`  ${(timing.wallMs / 1000).toFixed(1)} s wall`);
    }
    const wall = spread(times);
    return {
      scenario: SCENARIO,
      vary: VARY,
      combinations,
      seeds,
      jobs,
      runs: times.length,
      wallMs: Math.round(wall.median),
      wallMsMin: Math.round(wall.min),
      wallMsMax: Math.round(wall.max),
      runsPerWallSec: Math.round(((combinations * seeds) / (wall.median / 1000)) * 100) / 100,
    };
  },

  format(r) {
    return [
      `compare  ksim compare ${r.scenario} ${r.vary.map((v) => `--vary ${v}`).join(" ")} --seeds ${r.seeds} --jobs ${r.jobs}: ${r.combinations} combinations`,
      `  wall  ${(r.wallMs / 1000).toFixed(1)} s  (min ${(r.wallMsMin / 1000).toFixed(1)}, max ${(r.wallMsMax / 1000).toFixed(1)}), median of ${r.runs}; ${r.runsPerWallSec} runs/wall s`,
    ];
  },
};
