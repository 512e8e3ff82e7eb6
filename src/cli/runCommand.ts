import chalk from "chalk";
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import {
  describeSettings,
  drawnOf,
  formatScenarioErrors,
  InvalidScenario,
  loadScenarioFile,
  resolveScenario,
  type Drawn,
  type Scenario,
  type ScenarioError,
} from "../scenario/index.ts";
import { runScenario, type RunSummary } from "./runScenario.ts";
import { TraceFile } from "./TraceFile.ts";
import { UsageError } from "./UsageError.ts";
import { checkWritable } from "./checkWritable.ts";
import { RunReports } from "./report/RunReports.ts";
import { writeHistory } from "../check/history/index.ts";

export interface RunOptions {
  readonly seed?: string;
  readonly json?: boolean;
  readonly trace?: string;
  /** Where to write the client-visible history: EDN (jepsen.tests.kafka) if it ends in .edn, JSON lines otherwise. */
  readonly history?: string;
  /** Run each scenario twice and fail unless both runs end with the same fingerprint. */
  readonly checkDeterminism?: boolean;
  /** Write report.json, report.md and report.html: into DIR (one scenario) or DIR/<scenario>-<seed>/; true: reports/<scenario>-<seed>/. */
  readonly out?: string | boolean;
}

/** A run's summary with what its seed drew and, with --check-determinism, the second run's fingerprint. */
type RunOutput = RunSummary & { readonly drawn?: Drawn; readonly determinism?: { readonly same: boolean; readonly secondFingerprint: string } };

/** Scenario files named on the command line; a directory stands for its .yaml files, sorted. */
export function expandScenarioPaths(paths: readonly string[]): string[] {
  const files: string[] = [];
  for (const path of paths) {
    let isDirectory = false;
    try {
      isDirectory = statSync(path).isDirectory();
    } catch {
      files.push(path); // the loader reports the missing file with its name
      continue;
    }
    if (!isDirectory) files.push(path);
    else files.push(...readdirSync(path).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort().map((f) => join(path, f)));
  }
  return files;
}

/**
 * Loads every file first: one bad file stops the command with exit 2 before anything
 * runs or is written (never half a set of results).
 */
export function loadAll(files: readonly string[]): Scenario[] {
  const scenarios: Scenario[] = [];
  const errors: ScenarioError[] = [];
  for (const file of files) {
    const result = loadScenarioFile(file);
    if (result.ok) scenarios.push(result.scenario);
    else errors.push(...result.errors);
  }
  if (errors.length > 0) throw new UsageError(formatScenarioErrors(errors));
  if (scenarios.length === 0) throw new UsageError("no scenario files given (a directory must hold .yaml files)");
  return scenarios;
}

/** `ksim run`: returns the exit code (0 every verdict holds, 1 otherwise). */
export function runCommand(paths: readonly string[], options: RunOptions): number {
  const scenarios = loadAll(expandScenarioPaths(paths));
  if (options.trace && scenarios.length > 1) throw new UsageError("--trace needs a single scenario");
  if (options.history && scenarios.length > 1) throw new UsageError("--history needs a single scenario");
  if (options.trace) checkWritable(options.trace, "--trace");
  if (options.history) checkWritable(options.history, "--history");
  const reports = RunReports.open(options.out, scenarios.length);
  const seed = options.seed ?? "1";
  const summaries: RunOutput[] = [];
  for (const file of scenarios) {
    const scenario = scenarioForSeed(file, seed);
    const drawn = drawnOf(scenario.variation);
    const trace = options.trace ? new TraceFile(options.trace) : null;
    const reporter = reports?.reporter(scenario, trace?.sink);
    try {
      const summary = runScenario(
        scenario,
        seed,
        reporter?.trace ?? trace?.sink,
        (world, phases) => {
          if (options.history) writeHistory(world.history, options.history);
          reporter?.afterRun(world, phases);
        },
        reporter?.beforeRun,
      );
      trace?.finish();
      if (reports && reporter) reports.write(reporter, summary);
      // FoundationDB's unseed check for one run: the same seed again must end in the same state.
      const second = options.checkDeterminism ? runScenario(scenario, seed).fingerprint : null;
      const determinism = second === null ? undefined : { same: second === summary.fingerprint, secondFingerprint: second };
      summaries.push({
        ...summary,
        ok: summary.ok && determinism?.same !== false,
        ...(drawn === null ? {} : { drawn }),
        ...(determinism === undefined ? {} : { determinism }),
      });
    } catch (error) {
      trace?.abandon();
      // A broken model stops the run: say which seed, and how to replay it.
      const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(`${scenario.file} with seed ${seed} stopped: ${why}\nreplay with: npx ksim run ${scenario.file} --seed ${seed} --trace trace.jsonl`);
    }
    if (!options.json) process.stdout.write(formatSummary(summaries.at(-1)!, scenarios.length > 1) + "\n");
  }
  if (reports && !options.json) process.stdout.write(reports.describe() + "\n");
  if (options.json) {
    const out = summaries.length === 1 ? summaries[0] : { runs: summaries, ok: summaries.every((s) => s.ok) };
    process.stdout.write(JSON.stringify(out) + "\n");
  }
  return summaries.every((s) => s.ok) ? 0 : 1;
}

/** The scenario as this seed runs it (settings written as choices drawn, swarm faults added). */
function scenarioForSeed(scenario: Scenario, seed: string): Scenario {
  try {
    return resolveScenario(scenario, seed);
  } catch (error) {
    if (error instanceof InvalidScenario) throw new UsageError(`the settings seed ${seed} drew do not go together:\n${formatScenarioErrors(error.errors)}`);
    throw error;
  }
}

function formatSummary(s: RunOutput, oneLine: boolean): string {
  const verdict = s.ok ? chalk.green("PASS") : chalk.red("FAIL");
  const expectation =
    s.verdictBasis === "no violation"
      ? `no violation (${s.violations.length === 0 ? "none found" : s.violations.map((v) => `${v.invariant} ${v.count}`).join(", ")})`
      : s.expectations.map((e) => `${e.text} (${e.actual})`).join(", ");
  const lat = s.produceLatencyMs;
  if (oneLine) {
    const twice = s.determinism === undefined ? "" : s.determinism.same ? " (twice)" : chalk.red(` then ${s.determinism.secondFingerprint}: not deterministic`);
    return `${verdict}  ${s.scenario.padEnd(24)} ${`sent ${s.sent}`.padEnd(13)} ${`acked ${s.acked}`.padEnd(14)} ${`lost ${s.lostAcked}`.padEnd(9)} p99 ${lat.p99}ms  expect ${expectation}  fp ${s.fingerprint}${twice}`;
  }
  const lines = [
    `${verdict}  ${s.scenario}  (${s.file}, profile ${s.profile}, seed ${s.seed})`,
    ...formatDrawn(s.drawn),
    `  records   sent ${s.sent}, acknowledged ${s.acked}, failed ${s.failed}${formatErrors(s.errors)}`,
    `  loss      ${s.lostAcked} acknowledged records absent from the final committed log${s.duplicated > 0 ? `, ${s.duplicated} duplicated` : ""}`,
    `  produce   ${s.throughput} records/s acknowledged; latency ms p50 ${lat.p50}, p99 ${lat.p99}, p99.9 ${lat.p999}, max ${lat.max}`,
    `  unavail   ${s.unavailableMs === 0 ? "none: producers could write every partition throughout the load" : `${s.unavailableMs / 1000} partition-seconds producers could not write (no leader, or too few in sync for acks=all), longest ${s.longestUnavailableMs / 1000}s`}`,
    ...(s.processed > 0 || s.rebalances > 0
      ? [
          `  groups    ${s.processed} processed, ${s.redelivered} redelivered, ${s.unprocessed} acknowledged never processed; ` +
            `${s.rebalances} rebalances (ms p50 ${s.rebalanceMs.p50}, max ${s.rebalanceMs.max}), ${s.commitFailed} commits failed; ` +
            `end-to-end ms p50 ${s.endToEndLatencyMs.p50}, p99 ${s.endToEndLatencyMs.p99}; ` +
            `max lag ${Object.entries(s.maxLag).map(([g, n]) => `${g} ${n}`).join(", ") || "-"}`,
        ]
      : []),
    ...(s.consumed > 0 ? [`  consume   ${s.consumed} records delivered to consumers; end-to-end ms p50 ${s.endToEndLatencyMs.p50}, p99 ${s.endToEndLatencyMs.p99}, max ${s.endToEndLatencyMs.max}`] : []),
    `  found     ${s.violations.length === 0 ? "no violation" : s.violations.map((v) => `${v.invariant} ${v.count}`).join(", ")}`,
    ...s.violations
      .filter((v) => v.invariant === "liveness")
      .flatMap((v) => v.examples.map((e) => `            not recovered: ${e.detail}`)),
    `  expect    ${expectation}${s.bootstrapped ? "" : "  (the cluster never came up)"}`,
    `  run       ${s.simulatedSeconds}s simulated, ${s.events} events, fingerprint ${s.fingerprint}`,
    ...(s.determinism === undefined
      ? []
      : [s.determinism.same ? `  twice     a second run ended with the same fingerprint` : chalk.red(`  twice     a second run ended with fingerprint ${s.determinism.secondFingerprint}: the run is not deterministic`)]),
  ];
  return lines.join("\n");
}

/** What the seed drew, for a file that leaves settings or faults to it. */
function formatDrawn(drawn: Drawn | undefined): string[] {
  if (drawn === undefined) return [];
  const settings = describeSettings(drawn.settings);
  return [
    ...(settings === "" ? [] : [`  drawn     ${settings}`]),
    ...(drawn.faults.length === 0 ? [] : [`  swarm     ${drawn.faults.join("; ")}`]),
  ];
}

function formatErrors(errors: Readonly<Record<string, number>>): string {
  const entries = Object.entries(errors);
  return entries.length === 0 ? "" : ` (${entries.map(([e, n]) => `${e} ${n}`).join(", ")})`;
}


function describeVariation(s: Scenario): string {
  if (s.variation === undefined) return "";
  const settings = Object.keys(s.variation.settings).length;
  const kinds = s.variation.swarm?.kinds.map((k) => k.verb) ?? [];
  const parts = [...(settings === 0 ? [] : [`${settings} settings`]), ...(kinds.length === 0 ? [] : [`swarm faults (${kinds.join(", ")})`])];
  return `; drawn per seed: ${parts.join(" and ")}`;
}

export function validateCommand(paths: readonly string[]): number {
  const scenarios = loadAll(expandScenarioPaths(paths));
  for (const s of scenarios) process.stdout.write(`${chalk.green("valid")}  ${s.file}  (${s.name}, profile ${s.profile}, ${s.faults.length} faults${describeVariation(s)})\n`);
  return 0;
}
