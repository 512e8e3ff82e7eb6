/**
 * A whole-run benchmark (steady, light): a scenario file under bench/scenarios/ run
 * start to finish (bootstrap, load, liveness, end-of-run checks), each run in a fresh
 * process (bench/lib/child.ts). Figures are medians over the runs, with min and max.
 *
 * When the full run does not complete (out of memory, too slow) the benchmark says so,
 * with why, and measures shorter runs of the same load instead (the probes), so it
 * still prints figures, and extrapolates the full run's peak RSS from them.
 */
import { runWorkloadChild, type ChildOutcome } from "./child.ts";
import { anotherRun, formatRate, spread, type BenchOptions, type BenchResult, type Benchmark } from "./harness.ts";
import type { WorkloadRun } from "./workloadChild.ts";

export interface WorkloadSpec {
  readonly name: string;
  readonly description: string;
  /** Relative to the repository root. */
  readonly scenario: string;
  /** The load the file gives (seconds simulated). */
  readonly fullSec: number;
  /** The load `--quick` runs instead. */
  readonly quickSec: number;
  /** Shorter loads measured when the full one does not complete, shortest first. */
  readonly probeSecs: readonly number[];
  /** At most this many runs of the full load... */
  readonly runs: number;
  /** ...and another only while the runs so far and one more fit in this (wall). */
  readonly budgetMs: number;
  readonly timeoutMs: number;
}

interface Probe {
  loadSeconds: number;
  wallMs: number;
  recordsPerWallSec: number;
  speedup: number;
  peakRssBytes: number;
  bytesPerRecord: number;
}

export interface WorkloadResult extends BenchResult {
  scenario: string;
  /** The load the figures are of (the full one unless it did not complete, or --quick). */
  loadSeconds: number;
  fullLoadSeconds: number;
  /** Whether the full run completed (false: the figures are of the largest probe that did). */
  completed: boolean;
  failure: string | null;
  runs: number;
  wallMs: number;
  wallMsMin: number;
  wallMsMax: number;
  /** Acknowledged records per wall second. */
  recordsPerWallSec: number;
  recordsPerWallSecMin: number;
  recordsPerWallSecMax: number;
  /** Simulated seconds (bootstrap, load and settle) per wall second. */
  speedup: number;
  speedupMin: number;
  speedupMax: number;
  /** Acknowledged records per CPU second of the run's process (less moved by other load on the machine than wall time). */
  recordsPerCpuSec: number;
  cpuMs: number;
  /** Load seconds per wall second (the load phase only, against the whole run's wall time). */
  loadSpeedup: number;
  /** Share of the wall time spent in the end-of-run checks (median). */
  checksShare: number;
  simulatedSeconds: number;
  events: number;
  records: number;
  /** History.columnBytes over the records sent (capacity included). */
  bytesPerRecord: number;
  peakRssBytes: number;
  peakRssBytesMin: number;
  peakRssBytesMax: number;
  fingerprint: string;
  ok: boolean;
  probes: Probe[];
  /** The full run's peak RSS extrapolated linearly from the two largest probes (when it did not complete). */
  extrapolatedPeakRssBytes: number | null;
}

function probeOf(run: WorkloadRun): Probe {
  const wallSec = run.wallMs / 1000;
  return {
    loadSeconds: run.loadSeconds,
    wallMs: Math.round(run.wallMs),
    recordsPerWallSec: Math.round(run.acked / wallSec),
    speedup: round2(run.simulatedSeconds / wallSec),
    peakRssBytes: run.peakRssBytes,
    bytesPerRecord: round2(run.historyBytes / Math.max(1, run.historyRecords)),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

export function workloadBenchmark(spec: WorkloadSpec): Benchmark<WorkloadResult> {
  return {
    name: spec.name,
    group: "workloads",
    description: spec.description,

    run(options: BenchOptions): WorkloadResult {
      const loadSec = options.quick ? spec.quickSec : spec.fullSec;
      const runs = options.rounds ?? (options.quick ? 1 : spec.runs);
      const child = (durationSec: number, i: number): ChildOutcome => {
        options.log(`${spec.name}: ${durationSec} s simulated, run ${i + 1}...`);
        const outcome = runWorkloadChild({ scenario: spec.scenario, durationSec, seed: "1", timeoutMs: spec.timeoutMs });
        options.log(outcome.ok ? `  ${(outcome.run.wallMs / 1000).toFixed(1)} s wall, ${formatRate(outcome.run.acked / (outcome.run.wallMs / 1000))} records/s` : `  ${outcome.reason}`);
        return outcome;
      };

      const done: WorkloadRun[] = [];
      let failure: string | null = null;
      const spent: number[] = [];
      while (anotherRun(spent, runs, options.rounds === undefined ? spec.budgetMs : Infinity)) {
        const outcome = child(loadSec, spent.length);
        spent.push(outcome.ok ? outcome.run.wallMs : outcome.wallMs);
        if (!outcome.ok) {
          failure = `${loadSec} s simulated: ${outcome.reason}`;
          break;
        }
        done.push(outcome.run);
      }
      const probes: Probe[] = [];
      let measured = done;
      let measuredSec = loadSec;
      if (done.length === 0) {
        // The full run did not complete: measure shorter ones, up to the first that fails too.
        let largest: WorkloadRun | null = null;
        for (const sec of spec.probeSecs.filter((s) => s < loadSec)) {
          const outcome = child(sec, 0);
          if (!outcome.ok) {
            failure += `; ${sec} s simulated: ${outcome.reason}`;
            break;
          }
          probes.push(probeOf(outcome.run));
          largest = outcome.run;
        }
        if (largest === null) throw new Error(`${spec.name}: no run completed (${failure})`);
        measured = [largest];
        measuredSec = largest.loadSeconds;
      }

      const wall = spread(measured.map((r) => r.wallMs));
      const rate = spread(measured.map((r) => r.acked / (r.wallMs / 1000)));
      const speedup = spread(measured.map((r) => r.simulatedSeconds / (r.wallMs / 1000)));
      const cpu = spread(measured.map((r) => r.cpuMs));
      const loadSpeedup = spread(measured.map((r) => r.loadSeconds / (r.wallMs / 1000)));
      const checks = spread(measured.map((r) => r.checksMs / r.wallMs));
      const rss = spread(measured.map((r) => r.peakRssBytes));
      const first = measured[0]!;
      if (measured.some((r) => r.fingerprint !== first.fingerprint)) throw new Error(`${spec.name}: the runs gave different fingerprints`);
      let extrapolated: number | null = null;
      if (probes.length >= 2) {
        const [a, b] = probes.slice(-2) as [Probe, Probe];
        const perSec = (b.peakRssBytes - a.peakRssBytes) / (b.loadSeconds - a.loadSeconds);
        extrapolated = Math.round(b.peakRssBytes + perSec * (loadSec - b.loadSeconds));
      }
      return {
        scenario: spec.scenario,
        loadSeconds: measuredSec,
        fullLoadSeconds: spec.fullSec,
        completed: done.length > 0 && loadSec === spec.fullSec,
        failure,
        runs: measured.length,
        wallMs: Math.round(wall.median),
        wallMsMin: Math.round(wall.min),
        wallMsMax: Math.round(wall.max),
        recordsPerWallSec: Math.round(rate.median),
        recordsPerWallSecMin: Math.round(rate.min),
        recordsPerWallSecMax: Math.round(rate.max),
        speedup: round2(speedup.median),
        speedupMin: round2(speedup.min),
        speedupMax: round2(speedup.max),
        recordsPerCpuSec: Math.round(first.acked / (cpu.median / 1000)),
        cpuMs: Math.round(cpu.median),
        loadSpeedup: round2(loadSpeedup.median),
        checksShare: round2(checks.median),
        simulatedSeconds: first.simulatedSeconds,
        events: first.events,
        records: first.acked,
        bytesPerRecord: round2(first.historyBytes / Math.max(1, first.historyRecords)),
        peakRssBytes: Math.round(rss.median),
        peakRssBytesMin: rss.min,
        peakRssBytesMax: rss.max,
        fingerprint: first.fingerprint,
        ok: measured.every((r) => r.ok),
        probes,
        extrapolatedPeakRssBytes: extrapolated,
      };
    },

    format(r) {
      const mb = (bytes: number): string => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
      const lines = [
        `${spec.name}  ${r.scenario}: ${r.loadSeconds} s of load${r.loadSeconds === r.fullLoadSeconds ? "" : ` (of ${r.fullLoadSeconds} s)`}, ${r.simulatedSeconds} s simulated, ${r.records} records, ${r.events} events, median of ${r.runs} run(s)`,
        `  wall      ${(r.wallMs / 1000).toFixed(2)} s  (min ${(r.wallMsMin / 1000).toFixed(2)}, max ${(r.wallMsMax / 1000).toFixed(2)}), end-of-run checks ${(r.checksShare * 100).toFixed(0)}% of it`,
        `  records   ${formatRate(r.recordsPerWallSec)}/wall s  (min ${formatRate(r.recordsPerWallSecMin)}, max ${formatRate(r.recordsPerWallSecMax)}); ${formatRate(r.recordsPerCpuSec)}/CPU s`,
        `  speed-up  ${r.speedup}x real time  (min ${r.speedupMin}, max ${r.speedupMax}); load only ${r.loadSpeedup}x`,
        `  memory    peak RSS ${mb(r.peakRssBytes)}, history ${r.bytesPerRecord} bytes/record`,
      ];
      if (r.failure !== null) lines.push(`  NOT COMPLETED at ${r.fullLoadSeconds} s: ${r.failure}`);
      for (const p of r.probes) lines.push(`  probe ${String(p.loadSeconds).padStart(4)} s load: ${(p.wallMs / 1000).toFixed(1)} s wall, ${formatRate(p.recordsPerWallSec)} records/s, ${p.speedup}x, peak RSS ${mb(p.peakRssBytes)}`);
      if (r.extrapolatedPeakRssBytes !== null) lines.push(`  full run's peak RSS extrapolated: ${mb(r.extrapolatedPeakRssBytes)}`);
      return lines;
    },
  };
}
