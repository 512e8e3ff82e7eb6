import { parseScenario, type Scenario } from "../../scenario/index.ts";
import { runScenario, type RunSummary } from "../runScenario.ts";
import { reproduces, type FailureTarget } from "./failure.ts";
import type { ScenarioDoc } from "./ScenarioDoc.ts";

/** The smallest failing variant found so far: its document, what the loader made of it, and its run. */
export interface Variant {
  readonly doc: ScenarioDoc;
  readonly scenario: Scenario;
  readonly summary: RunSummary;
}

/**
 * An edit of a copy of the current variant: returns false when it does not apply (nothing
 * left to remove, a value already at its floor), so no run is spent on it.
 */
export type Edit = (doc: ScenarioDoc, current: Scenario) => boolean;

/** What the passes see: the best variant so far, and a way to try a smaller one. */
export interface VariantSearch {
  readonly best: Variant;
  readonly target: FailureTarget;
  /** True once the run budget is spent: passes stop. */
  readonly exhausted: boolean;
  /** Tries `edit` on a copy of the best variant; true when the result was kept. */
  attempt(what: string, edit: Edit): boolean;
}

export interface ShrinkerOptions {
  readonly seed: string;
  readonly target: FailureTarget;
  /** At most this many candidate runs (the original run not counted). */
  readonly maxRuns: number;
  /** The file name candidates are loaded under (their messages and run summaries name it). */
  readonly file: string;
  /** Called after each candidate run, for progress lines. */
  readonly onRun?: (shrinker: Shrinker) => void;
}

/**
 * Holds the smallest failing variant and tries smaller ones: each candidate is loaded
 * through the normal loader (one that does not load is skipped, without a run), run with
 * the same seed, and kept when the same failure still occurs. Bounded by a number of runs;
 * a text already tried is never run twice.
 */
export class Shrinker implements VariantSearch {
  /** What each kept candidate changed, in order. */
  readonly steps: string[] = [];
  runs = 0;
  /** Candidates the loader refused (a selector naming a removed node, a partition gone). */
  skipped = 0;
  /** Candidates whose run stopped with an internal error: not the failure being shrunk. */
  crashed = 0;
  private readonly tried = new Set<string>();

  constructor(
    private current: Variant,
    private readonly options: ShrinkerOptions,
  ) {}

  get best(): Variant {
    return this.current;
  }

  get target(): FailureTarget {
    return this.options.target;
  }

  get maxRuns(): number {
    return this.options.maxRuns;
  }

  get exhausted(): boolean {
    return this.runs >= this.options.maxRuns;
  }

  /** Tries `edit` on a copy of the best variant; keeps the result if it still fails the same way. */
  attempt(what: string, edit: Edit): boolean {
    if (this.exhausted) return false;
    const doc = this.current.doc.clone();
    if (!edit(doc, this.current.scenario)) return false;
    const text = printable(doc);
    if (text === null || this.tried.has(text)) return false;
    this.tried.add(text);
    const loaded = parseScenario(text, this.options.file);
    if (!loaded.ok) {
      this.skipped++;
      return false;
    }
    this.runs++;
    const summary = this.run(loaded.scenario);
    const kept = summary !== null && reproduces(summary, this.options.target);
    if (kept) {
      this.current = { doc, scenario: loaded.scenario, summary };
      this.record(what);
    }
    this.options.onRun?.(this);
    return kept;
  }

  /** Keeps `what` in the steps; `x: a -> b` right after `x: c -> a` merges with it into `x: c -> b`. */
  private record(what: string): void {
    const change = CHANGE.exec(what);
    const last = CHANGE.exec(this.steps.at(-1) ?? "");
    if (change !== null && last !== null && change[1] === last[1] && change[2] === last[3]) {
      this.steps[this.steps.length - 1] = `${change[1]}: ${last[2]} -> ${change[3]}`;
    } else this.steps.push(what);
  }

  private run(scenario: Scenario): RunSummary | null {
    try {
      return runScenario(scenario, this.options.seed);
    } catch {
      this.crashed++;
      return null;
    }
  }
}

/** A step that changes one figure: `subject: from -> to`. */
const CHANGE = /^(.+): (\S+) -> (\S+)$/;

function printable(doc: ScenarioDoc): string | null {
  try {
    return doc.text();
  } catch {
    return null;
  }
}
