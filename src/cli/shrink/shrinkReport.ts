import chalk from "chalk";
import type { Shrinker } from "./Shrinker.ts";
import { sizeChanges, sizeOf, type ScenarioSize } from "./scenarioSize.ts";
import type { Scenario } from "../../scenario/index.ts";

/** What a shrink found, for the file's header, the summary and --json. */
export interface ShrinkOutcome {
  /** The scenario file as given on the command line. */
  readonly file: string;
  readonly scenario: string;
  readonly seed: string;
  /** The failure kept: an invariant or expectation name. */
  readonly failure: string;
  /** Every way the original run failed. */
  readonly failures: readonly string[];
  readonly out: string;
  readonly replay: string;
  readonly before: ScenarioSize;
  readonly after: ScenarioSize;
  readonly runs: number;
  readonly maxRuns: number;
  readonly skipped: number;
  readonly crashed: number;
  readonly steps: readonly string[];
}

export function outcomeOf(original: Scenario, shrinker: Shrinker, fields: Pick<ShrinkOutcome, "file" | "seed" | "failure" | "failures" | "out">): ShrinkOutcome {
  return {
    ...fields,
    scenario: original.name,
    replay: replayCommand(fields.out, fields.seed),
    before: sizeOf(original),
    after: sizeOf(shrinker.best.scenario),
    runs: shrinker.runs,
    maxRuns: shrinker.maxRuns,
    skipped: shrinker.skipped,
    crashed: shrinker.crashed,
    steps: shrinker.steps,
  };
}

export function replayCommand(file: string, seed: string): string {
  return `npx ksim replay ${file} --seed ${seed}`;
}

/** The comment the minimal file starts with: where it came from, the seed, the failure, how to replay it. */
export function headerLines(o: ShrinkOutcome): string[] {
  const changes = sizeChanges(o.before, o.after);
  return [
    `Shrunk by ksim shrink from ${o.file} with seed ${o.seed}: it still fails with ${o.failure}.`,
    changes.length === 0 ? "No smaller variant failed the same way." : `Smaller than the original: ${changes.join(", ")} (${o.runs} runs).`,
    `Replay: ${o.replay}`,
  ];
}

export function textReport(o: ShrinkOutcome, wallSeconds: number): string {
  const changes = sizeChanges(o.before, o.after);
  const notes = [
    o.runs >= o.maxRuns ? "the limit was reached: --max-runs N to try more" : "",
    o.skipped > 0 ? `${o.skipped} candidates the loader refused were skipped` : "",
    o.crashed > 0 ? `${o.crashed} candidates stopped with an internal error` : "",
  ].filter((n) => n !== "");
  const lines = [
    `${chalk.red("FAIL")}  ${o.scenario}  (${o.file}, seed ${o.seed}): ${o.failure}${o.failures.length > 1 ? ` (also ${o.failures.filter((f) => f !== o.failure).join(", ")})` : ""}`,
    `  shrunk    ${o.runs} runs in ${wallSeconds.toFixed(1)}s${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
    `  smaller   ${changes.length === 0 ? "nothing: no smaller variant failed the same way" : changes.join(", ")}`,
    ...o.steps.map((step, i) => `  ${i === 0 ? "kept      " : "          "}${step}`),
    `  wrote     ${o.out}`,
    `  replay    ${o.replay}`,
  ];
  return lines.join("\n");
}

export function jsonReport(o: ShrinkOutcome): object {
  return { ...o, ok: false, shrunk: true };
}
