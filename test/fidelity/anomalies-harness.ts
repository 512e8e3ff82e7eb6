/**
 * Shared by the anomalies*.test.ts files: a history scenario (scenarios/history/) run as
 * `ksim run` runs it, on the profile where Kafka had the anomaly and with the settings or
 * profile that fixed it (applied as `ksim compare --vary` applies them), seed by seed.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { withSettings, type Setting } from "../../src/scenario/withSetting.ts";

export const HISTORY_DIR = fileURLToPath(new URL("../../scenarios/history/", import.meta.url));

/** One run of a history file with `seed`, the file's own settings changed by `settings`. */
export function runHistory(file: string, seed: string, settings: readonly Setting[] = []): RunSummary {
  const path = `${HISTORY_DIR}${file}`;
  const loaded = withSettings(readFileSync(path, "utf8"), path, settings);
  if (!loaded.ok) throw new Error(loaded.problems.join("\n"));
  return runScenario(loaded.scenario, seed);
}

/** How many times an invariant was broken in a run (0 when it held). */
export function count(run: RunSummary, invariant: string): number {
  return run.violations.find((v) => v.invariant === invariant)?.count ?? 0;
}

/** The invariants a run broke, sorted: what a failing assertion should show. */
export function broken(run: RunSummary): string[] {
  return run.violations.map((v) => `${v.invariant}:${v.count}`).sort();
}

export const seeds = (n: number): string[] => Array.from({ length: n }, (_, i) => String(i + 1));

export const setting = (key: string, value: string): Setting => ({ key, value });
