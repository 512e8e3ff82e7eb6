import { drawnOf, loadScenarioFile, resolveScenario, InvalidScenario, formatScenarioErrors, type Drawn, type Scenario } from "../../scenario/index.ts";
import { runScenario, type RunSummary } from "../runScenario.ts";

/** One seed for a worker to run: `recheck` marks the second run of the determinism check. */
export interface SeedTask {
  readonly file: string;
  readonly seed: string;
  /** The seed's position in the campaign (0 for --from-seed), which decides shards and rechecks. */
  readonly index: number;
  readonly recheck: boolean;
}

/**
 * What a seed's run came to, small enough to post between threads. `invariants` are the
 * names that made it fail with their counts: the checkers' invariants where the file states
 * no expectations, the unmet expectations' metrics where it does, `bootstrap` for a
 * cluster that never came up, `internal-error` for a run the model stopped.
 */
export type SeedOutcome =
  | {
      readonly kind: "ran";
      readonly task: SeedTask;
      readonly fingerprint: string;
      readonly ok: boolean;
      readonly invariants: Readonly<Record<string, number>>;
      readonly drawn: Drawn | null;
    }
  | { readonly kind: "internal-error"; readonly task: SeedTask; readonly message: string; readonly drawn: Drawn | null }
  /** The file cannot be read, or this seed's draw breaks a rule (exit 2). */
  | { readonly kind: "bad-input"; readonly task: SeedTask; readonly message: string };

const templates = new Map<string, Scenario>();

/** Runs one seed of a scenario file; the file is read once per thread. Never throws. */
export function runSeed(task: SeedTask): SeedOutcome {
  let file: Scenario;
  try {
    file = template(task.file);
  } catch (error) {
    return { kind: "bad-input", task, message: error instanceof InvalidScenario ? formatScenarioErrors(error.errors) : String(error) };
  }
  let scenario: Scenario;
  try {
    scenario = resolveScenario(file, task.seed);
  } catch (error) {
    const message = error instanceof InvalidScenario ? formatScenarioErrors(error.errors) : String(error);
    return { kind: "bad-input", task, message: `the settings seed ${task.seed} drew do not go together:\n${message}` };
  }
  const drawn = drawnOf(scenario.variation);
  try {
    const summary = runScenario(scenario, task.seed);
    return { kind: "ran", task, fingerprint: summary.fingerprint, ok: summary.ok, invariants: failedInvariants(summary), drawn };
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return { kind: "internal-error", task, message, drawn };
  }
}

function template(file: string): Scenario {
  let scenario = templates.get(file);
  if (scenario === undefined) {
    const result = loadScenarioFile(file);
    if (!result.ok) throw new InvalidScenario(result.errors);
    scenario = result.scenario;
    templates.set(file, scenario);
  }
  return scenario;
}

/** Why a run failed, by name, with counts (empty for a run whose verdict holds). */
export function failedInvariants(summary: RunSummary): Record<string, number> {
  if (summary.ok) return {};
  const failed: Record<string, number> = {};
  if (!summary.bootstrapped) failed["bootstrap"] = 1;
  if (summary.verdictBasis === "no violation") {
    for (const v of summary.violations) failed[v.invariant] = v.count;
  } else {
    for (const e of summary.expectations) if (!e.ok) failed[e.name] = e.actual;
  }
  return sortedRecord(failed);
}

export function sortedRecord<V>(record: Readonly<Record<string, V>>): Record<string, V> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
