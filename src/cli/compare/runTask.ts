import { withSettings, type Setting } from "../../scenario/withSetting.ts";
import { runScenario, type RunSummary } from "../runScenario.ts";

/** One run of a comparison: a combination of settings applied to the file's text, and a seed. */
export interface CompareTask {
  /** The run's place in the table (combination-major, then seed), so results land in order whatever finishes first. */
  readonly index: number;
  readonly source: string;
  readonly file: string;
  readonly settings: readonly Setting[];
  readonly seed: string;
}

export type CompareOutcome =
  | { readonly index: number; readonly ok: true; readonly summary: RunSummary }
  | { readonly index: number; readonly ok: false; readonly message: string };

/**
 * Runs one task, in this thread or a worker's. The combination was checked before any run
 * started; a failure here is the model's (an internal error), returned, never thrown.
 */
export function runCompareTask(task: CompareTask): CompareOutcome {
  const label = task.settings.map((s) => `${s.key}=${s.value}`).join(" ");
  try {
    const variant = withSettings(task.source, task.file, task.settings);
    if (!variant.ok) return { index: task.index, ok: false, message: `${task.file} with ${label}: ${variant.problems.join("; ")}` };
    return { index: task.index, ok: true, summary: runScenario(variant.scenario, task.seed) };
  } catch (error) {
    // A broken model stops the comparison: say which setting and seed, and how to look at it.
    const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
    return {
      index: task.index,
      ok: false,
      message: `${task.file} with ${label}, seed ${task.seed} stopped: ${why}\nreplay with: set ${label} in a copy of ${task.file}, then npx ksim replay COPY --seed ${task.seed} --trace trace.jsonl`,
    };
  }
}
