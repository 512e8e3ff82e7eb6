/**
 * The scenario library (scenarios/*.yaml) as tests: each file run through runScenario, as
 * `ksim run` does, with seed "1" (must PASS), again with seed "1" (same fingerprint) and
 * with seed "2" (a different run). Runs take seconds each, so each is made once, on first
 * use, and shared by the assertions; the library is split in shares, one test file each,
 * so vitest runs the shares side by side.
 */
import { readdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runScenario, type RunSummary } from "../../src/cli/runScenario.ts";
import { loadScenarioFile, type Scenario } from "../../src/scenario/index.ts";

export const SCENARIO_DIR = fileURLToPath(new URL("../../scenarios/", import.meta.url));

/** The library's files, sorted (as `ksim run scenarios` takes them). */
export function libraryFiles(): string[] {
  return readdirSync(SCENARIO_DIR).filter((f) => f.endsWith(".yaml") || f.endsWith(".yml")).sort();
}

/** Every `of`-th file from `index`: the shares partition the library whatever its size. */
export function libraryShare(index: number, of: number): string[] {
  return libraryFiles().filter((_, i) => i % of === index);
}

/** A whole scenario run, on a loaded machine, stays well inside this. */
const RUN_TIMEOUT_MS = 180_000;

function load(file: string): Scenario {
  const result = loadScenarioFile(`${SCENARIO_DIR}${file}`);
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.scenario;
}

export function describeLibraryScenarios(files: readonly string[]): void {
  for (const file of files) {
    describe(`scenario library: ${file}`, () => {
      const runs = new Map<string, RunSummary>();
      /** The `n`th run of the file with `seed`, made on first use. */
      const run = (seed: string, n = 0): RunSummary => {
        const key = `${seed}#${n}`;
        let summary = runs.get(key);
        if (!summary) {
          summary = runScenario(load(file), seed);
          runs.set(key, summary);
        }
        return summary;
      };

      it("with seed 1, the cluster comes up and the run meets the scenario's stated expectation (PASS)", { timeout: RUN_TIMEOUT_MS }, () => {
        const summary = run("1");
        expect(summary.bootstrapped).toBe(true);
        expect(summary.sent).toBeGreaterThan(0);
        expect(summary.expectations.filter((e) => !e.ok).map((e) => `${e.text}, got ${e.actual}`)).toEqual([]);
        expect(summary.ok).toBe(true);
      });

      it("the same seed gives the same fingerprint, and the same outcome, twice", { timeout: RUN_TIMEOUT_MS }, () => {
        const first = run("1");
        const again = run("1", 1);
        expect(again.fingerprint).toBe(first.fingerprint);
        expect(again.events).toBe(first.events);
        expect({ ...again }).toEqual({ ...first });
      });

      it("a different seed gives a different fingerprint, and a different run", { timeout: RUN_TIMEOUT_MS }, () => {
        const first = run("1");
        const other = run("2");
        expect(other.fingerprint).not.toBe(first.fingerprint);
        expect([other.events, other.produceLatencyMs]).not.toEqual([first.events, first.produceLatencyMs]);
      });
    });
  }
}
