/**
 * One run of a benchmark workload, in a process of its own so its peak RSS is its own:
 * `node --import tsx bench/lib/workloadChild.ts <scenario.yaml> [durationSec] [seed]`.
 * Prints one JSON line (WorkloadRun) on stdout. bench/workloads.ts starts it; it can also
 * be run by hand, or under `node --cpu-prof` to profile a workload.
 *
 * Wall time is read here, in bench/ (never in src/): from just before the World is built
 * to just after runScenario returns its summary, end-of-run checks included.
 */
import { loadScenarioFile } from "../../src/scenario/index.ts";
import { runScenario } from "../../src/cli/runScenario.ts";

export interface WorkloadRun {
  wallMs: number;
  /** CPU time of the process over the same span (user + system, all threads): less moved by other load on the machine. */
  cpuMs: number;
  /** Of which the end-of-run checks (runScenario after World.run: losses, finishChecks, counts). */
  checksMs: number;
  simulatedSeconds: number;
  loadSeconds: number;
  events: number;
  sent: number;
  acked: number;
  processed: number;
  ok: boolean;
  fingerprint: string;
  historyBytes: number;
  historyRecords: number;
  peakRssBytes: number;
}

function main(argv: string[]): number {
  const [file, durationText, seed = "1"] = argv;
  if (!file) {
    process.stderr.write("usage: workloadChild.ts <scenario.yaml> [durationSec] [seed]\n");
    return 2;
  }
  const loaded = loadScenarioFile(file);
  if (!loaded.ok) {
    process.stderr.write(loaded.errors.map((e) => e.message).join("\n") + "\n");
    return 2;
  }
  const scenario = durationText === undefined || durationText === "" ? loaded.scenario : { ...loaded.scenario, durationMicros: Math.round(Number(durationText) * 1_000_000) };
  let runEndMs = 0;
  let historyBytes = 0;
  let historyRecords = 0;
  const cpuStart = process.cpuUsage();
  const start = performance.now();
  const summary = runScenario(scenario, seed, undefined, (world) => {
    runEndMs = performance.now();
    historyBytes = world.history.columnBytes;
    historyRecords = world.history.sendCount;
  });
  const end = performance.now();
  const cpu = process.cpuUsage(cpuStart);
  const run: WorkloadRun = {
    wallMs: end - start,
    cpuMs: (cpu.user + cpu.system) / 1000,
    checksMs: end - runEndMs,
    simulatedSeconds: summary.simulatedSeconds,
    loadSeconds: scenario.durationMicros / 1_000_000,
    events: summary.events,
    sent: summary.sent,
    acked: summary.acked,
    processed: summary.processed,
    ok: summary.ok,
    fingerprint: summary.fingerprint,
    historyBytes,
    historyRecords,
    // maxRSS is in kilobytes.
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
  process.stdout.write(JSON.stringify(run) + "\n");
  return 0;
}

process.exitCode = main(process.argv.slice(2));
