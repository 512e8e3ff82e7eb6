/**
 * Fuzzing throughput: seeds per minute of `ksim fuzz scenarios/fuzz.yaml` at its default
 * duration, with --jobs 1 and with one job per core, timed from spawn to exit (start-up
 * and worker threads included), with --recheck 0 so every seed is run once.
 * Goal: at least 300 seeds a minute per core.
 */
import os from "node:os";
import { timeKsim } from "./lib/ksim.ts";
import { anotherRun, spread, type BenchResult, type Benchmark } from "./lib/harness.ts";

const SCENARIO = "scenarios/fuzz.yaml";
// "Seeds a minute" read literally: a campaign that runs for about a minute per job, as a CI
// campaign of hundreds of seeds does. Start-up and the JIT's warm-up weigh in it as they do
// there: the first seeds of a process run in the interpreter and baseline code, and the first
// ten cost about as much as the next twenty (measured in one process: ~660, 340, 220 ms for
// seeds 1-3, ~100 ms from seed 15 on). 30 seeds per job, the figure of an earlier session,
// was a third warm-up; the README gives both.
const SEEDS_PER_JOB = 300;
const QUICK_SEEDS_PER_JOB = 3;
const RUNS = 3;
/** Per campaign kind: another campaign only while they fit in this (wall). */
const BUDGET_MS = 4 * 60_000;
const TIMEOUT_MS = 20 * 60_000;

export interface FuzzResult extends BenchResult {
  scenario: string;
  cores: number;
  runs: number;
  /** --jobs 1: seeds, and seeds per minute (median, min, max). */
  oneJobSeeds: number;
  oneJobSeedsPerMin: number;
  oneJobSeedsPerMinMin: number;
  oneJobSeedsPerMinMax: number;
  /** --jobs 1: seeds per minute of the campaign's CPU time (median), null where it cannot be read. */
  oneJobSeedsPerCpuMin: number | null;
  /** --jobs <cores>: the same. */
  allCoresJobs: number;
  allCoresSeeds: number;
  allCoresSeedsPerMin: number;
  allCoresSeedsPerMinMin: number;
  allCoresSeedsPerMinMax: number;
  /** allCoresSeedsPerMin / cores. */
  seedsPerMinPerCore: number;
  /** --jobs <cores>: seeds per minute of CPU time, all threads counted (a core's share on an idle machine). */
  allCoresSeedsPerCpuMin: number | null;
  failedSeeds: number;
}

function campaign(jobs: number, seeds: number, runs: number, budgetMs: number, log: (line: string) => void): { perMin: number[]; perCpuMin: number[] | null; failed: number } {
  const perMin: number[] = [];
  let perCpuMin: number[] | null = [];
  const spent: number[] = [];
  let failed = 0;
  for (let i = 0; anotherRun(spent, runs, budgetMs); i++) {
    log(`fuzz: ${seeds} seeds with --jobs ${jobs}, run ${i + 1}/${runs}...`);
    const timing = timeKsim(["fuzz", SCENARIO, "--seeds", String(seeds), "--jobs", String(jobs), "--recheck", "0", "--json"], TIMEOUT_MS);
    const result = JSON.parse(timing.stdout) as { seeds: number; failed: number };
    if (result.seeds !== seeds) throw new Error(`ksim fuzz ran ${result.seeds} seeds, asked for ${seeds}`);
    failed = Math.max(failed, result.failed);
    perMin.push(seeds / (timing.wallMs / 60_000));
    if (timing.cpuMs === null || timing.cpuMs <= 0) perCpuMin = null;
    else perCpuMin?.push(seeds / (timing.cpuMs / 60_000));
    spent.push(timing.wallMs);
    log(`  ${(timing.wallMs / 1000).toFixed(1)} s wall${timing.cpuMs === null ? "" : `, ${(timing.cpuMs / 1000).toFixed(1)} s CPU`}`);
  }
  return { perMin, perCpuMin, failed };
}

const round1 = (x: number): number => Math.round(x * 10) / 10;

export const benchmark: Benchmark<FuzzResult> = {
  name: "fuzz",
  description: `seeds per minute of ksim fuzz ${SCENARIO}, with --jobs 1 and one job per core`,

  run(options) {
    const cores = os.availableParallelism();
    const perJob = options.quick ? QUICK_SEEDS_PER_JOB : SEEDS_PER_JOB;
    const runs = options.rounds ?? (options.quick ? 1 : RUNS);
    const budgetMs = options.rounds === undefined ? BUDGET_MS : Infinity;
    const one = campaign(1, perJob, runs, budgetMs, options.log);
    const all = campaign(cores, perJob * cores, runs, budgetMs, options.log);
    const oneRate = spread(one.perMin);
    const allRate = spread(all.perMin);
    return {
      scenario: SCENARIO,
      cores,
      runs: Math.min(one.perMin.length, all.perMin.length),
      oneJobSeeds: perJob,
      oneJobSeedsPerMin: round1(oneRate.median),
      oneJobSeedsPerMinMin: round1(oneRate.min),
      oneJobSeedsPerMinMax: round1(oneRate.max),
      oneJobSeedsPerCpuMin: one.perCpuMin === null ? null : round1(spread(one.perCpuMin).median),
      allCoresJobs: cores,
      allCoresSeeds: perJob * cores,
      allCoresSeedsPerMin: round1(allRate.median),
      allCoresSeedsPerMinMin: round1(allRate.min),
      allCoresSeedsPerMinMax: round1(allRate.max),
      seedsPerMinPerCore: round1(allRate.median / cores),
      allCoresSeedsPerCpuMin: all.perCpuMin === null ? null : round1(spread(all.perCpuMin).median),
      failedSeeds: Math.max(one.failed, all.failed),
    };
  },

  format(r) {
    return [
      `fuzz  ksim fuzz ${r.scenario} --recheck 0, median of ${r.runs} campaign(s), spawn to exit`,
      `  --jobs 1   ${r.oneJobSeedsPerMin} seeds/min  (min ${r.oneJobSeedsPerMinMin}, max ${r.oneJobSeedsPerMinMax}; ${r.oneJobSeeds} seeds)`,
      `  --jobs ${r.allCoresJobs}   ${r.allCoresSeedsPerMin} seeds/min  (min ${r.allCoresSeedsPerMinMin}, max ${r.allCoresSeedsPerMinMax}; ${r.allCoresSeeds} seeds): ${r.seedsPerMinPerCore} per core`,
      ...(r.oneJobSeedsPerCpuMin === null || r.allCoresSeedsPerCpuMin === null
        ? []
        : [`  by CPU time ${r.oneJobSeedsPerCpuMin} seeds per CPU-minute with --jobs 1, ${r.allCoresSeedsPerCpuMin} with --jobs ${r.allCoresJobs} (what a core gives when the machine is not shared)`]),
      ...(r.failedSeeds > 0 ? [`  (${r.failedSeeds} seed(s) failed their verdict: timed all the same)`] : []),
    ];
  },
};
