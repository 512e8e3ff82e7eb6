import chalk from "chalk";
import type { Shrinker } from "./Shrinker.ts";
import { sizeChanges, sizeOf, type ScenarioSize } from "./scenarioSize.ts";
import { describeSettings, type Scenario } from "../../scenario/index.ts";
import type { WrittenIn } from "./materialize.ts";

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
  /** Settings and swarm faults the seed drew, written into the file before shrinking. */
  readonly drawn: WrittenIn;
}

export function outcomeOf(original: Scenario, shrinker: Shrinker, fields: Pick<ShrinkOutcome, "file" | "seed" | "failure" | "failures" | "out" | "drawn">): ShrinkOutcome {
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
    `Shrunk by ksim shrink from ${o.file} with seed ${o.seed} (${o.runs} runs): it still fails with ${o.failure}.`,
    ...(changes.length === 0 ? ["No smaller variant failed the same way."] : wrap(`Smaller: ${changes.join(", ")}.`, HEADER_WIDTH)),
    ...drawnLines(o),
    `Replay: ${o.replay}`,
  ];
}

/** What the seed drew and the file now states (a file with choices or a swarm draws nothing once written out). */
function drawnLines(o: ShrinkOutcome): string[] {
  const settings = describeSettings(o.drawn.settings);
  const faults = o.drawn.faults;
  if (settings === "" && faults === 0) return [];
  const parts = [settings === "" ? "" : settings, faults === 0 ? "" : `${faults} swarm fault${faults === 1 ? "" : "s"} (in faults:)`];
  return wrap(`Seed ${o.seed} drew, and the file now states: ${parts.filter((p) => p !== "").join("; ")}`, HEADER_WIDTH);
}

const HEADER_WIDTH = 88;

/** Words into lines of at most `width` characters, continuation lines indented. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = `  ${word}`;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  if (line !== "") lines.push(line);
  return lines;
}

export function textReport(o: ShrinkOutcome, wallSeconds: number): string {
  const changes = sizeChanges(o.before, o.after);
  const notes = [
    o.runs >= o.maxRuns ? "the limit was reached: --max-runs N to try more" : "",
    o.skipped > 0 ? `skipped ${candidates(o.skipped)} the loader refused` : "",
    o.crashed > 0 ? `${candidates(o.crashed)} stopped by an internal error (not kept)` : "",
  ].filter((n) => n !== "");
  const lines = [
    `${chalk.red("FAIL")}  ${o.scenario}  (${o.file}, seed ${o.seed}): ${o.failure}${o.failures.length > 1 ? ` (also ${o.failures.filter((f) => f !== o.failure).join(", ")})` : ""}`,
    `  shrunk    ${o.runs} runs in ${wallSeconds.toFixed(1)}s${notes.length > 0 ? `; ${notes.join("; ")}` : ""}`,
    ...drawnLines(o).map((line, i) => `  ${i === 0 ? "drawn     " : "          "}${line}`),
    `  smaller   ${changes.length === 0 ? "nothing: no smaller variant failed the same way" : changes.join(", ")}`,
    ...o.steps.map((step, i) => `  ${i === 0 ? "kept      " : "          "}${step}`),
    `  wrote     ${o.out}`,
    `  replay    ${o.replay}`,
  ];
  return lines.join("\n");
}

function candidates(n: number): string {
  return n === 1 ? "1 candidate" : `${n} candidates`;
}

/** `--json`: one object, the figures first, then the steps. */
export function jsonReport(o: ShrinkOutcome): object {
  const { scenario, file, seed, failure, failures, out, replay, runs, maxRuns, skipped, crashed, before, after, drawn, steps } = o;
  return { scenario, file, seed, ok: false, shrunk: true, failure, failures, out, replay, runs, maxRuns, skipped, crashed, before, after, drawn, steps };
}
