import { formatScenarioErrors, InvalidScenario, parseScenario, resolveScenario, type Scenario } from "../../scenario/index.ts";
import { runScenario, type RunSummary } from "../runScenario.ts";
import { UsageError } from "../UsageError.ts";
import { materialize, type WrittenIn } from "./materialize.ts";
import { ScenarioDoc } from "./ScenarioDoc.ts";

/** Where a shrink starts: the seed's own file (its draws written in), what it loads to, and its run. */
export interface StartingPoint {
  readonly doc: ScenarioDoc;
  readonly scenario: Scenario;
  readonly summary: RunSummary;
  /** Settings and swarm faults the seed drew, now written in the file (none for a file that draws nothing). */
  readonly drawn: WrittenIn;
}

/**
 * The file `text` (loaded as `template`) as seed `seed` runs it, and that run. A file that
 * draws settings or swarm faults is written out for the seed first (materialize); its run
 * must end with the fingerprint the file itself gives for the seed, or the written-out
 * file would be another scenario (an internal error, not something to shrink).
 */
export function startingPoint(file: string, text: string, template: Scenario, seed: string): StartingPoint {
  const doc = ScenarioDoc.parse(text);
  if (doc === null) throw new Error(`${file} loaded but its YAML could not be read again for shrinking`);
  const resolved = resolveForSeed(template, seed);
  const drawn = materialize(doc, resolved);
  const scenario = resolved.variation === undefined ? template : reload(doc, file);
  const summary = run(scenario, seed);
  if (resolved.variation !== undefined) {
    const asDrawn = run(resolved, seed).fingerprint;
    if (asDrawn !== summary.fingerprint) {
      throw new Error(`${file} with seed ${seed}: written out with its draws it runs differently (fingerprint ${summary.fingerprint}, not ${asDrawn})`);
    }
  }
  return { doc, scenario, summary, drawn };
}

function resolveForSeed(template: Scenario, seed: string): Scenario {
  try {
    return resolveScenario(template, seed);
  } catch (error) {
    if (error instanceof InvalidScenario) throw new UsageError(`with seed ${seed}: ${error.message}`);
    throw error;
  }
}

function reload(doc: ScenarioDoc, file: string): Scenario {
  const loaded = parseScenario(doc.text(), file);
  if (!loaded.ok) throw new Error(`${file} with its draws written in does not load:\n${formatScenarioErrors(loaded.errors)}`);
  return loaded.scenario;
}

/** A run of the file; a model that stops says which seed, and how to replay it. */
function run(scenario: Scenario, seed: string): RunSummary {
  try {
    return runScenario(scenario, seed);
  } catch (error) {
    const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(`${scenario.file} with seed ${seed} stopped: ${why}\nreplay with: npx ksim run ${scenario.file} --seed ${seed} --trace trace.jsonl`);
  }
}
