import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { withSettings, type Setting } from "../../scenario/withSetting.ts";
import type { Scenario } from "../../scenario/index.ts";
import { expandScenarioPaths, loadAll } from "../runCommand.ts";
import { runScenario, type RunSummary } from "../runScenario.ts";
import { UsageError } from "../UsageError.ts";
import { compareRow, type CompareRow } from "./CompareRow.ts";
import { formatMarkdown, formatTable, type CompareHeading } from "./formatTable.ts";
import { startCompareProgress } from "./progress.ts";
import { combinations, describeCombination, parseVaryFlags, type Vary } from "./variations.ts";

export interface CompareOptions {
  readonly vary: readonly string[];
  readonly seeds: string;
  readonly json?: boolean;
  readonly out?: string;
}

const MAX_SEEDS = 10_000;

/**
 * `ksim compare FILE --vary KEY=V1,V2 [--vary ...] [--seeds N]`: the cross product of the
 * varied settings, each run with the same seeds 1..N, and a table of what each costs and
 * loses. Every combination is loaded (and so checked) before the first run: a bad key,
 * value or combination is exit 2 with nothing run or written. Exit 0 once the table is
 * made: a comparison reports, it does not judge (`ksim run` judges one setting).
 */
export function compareCommand(path: string, options: CompareOptions): number {
  if (expandScenarioPaths([path]).length !== 1) throw new UsageError(`compare takes one scenario file; ${path} is a directory`);
  const [base] = loadAll([path]);
  const varies = parseVaryFlags(options.vary);
  const seeds = seedList(options.seeds);
  const variants = loadVariants(readFileSync(path, "utf8"), base!, varies);
  if (options.out) checkOutDir(options.out);

  const progress = startCompareProgress(options.json === true, variants.length * seeds.length, process.stderr);
  const rows: CompareRow[] = [];
  let done = 0;
  for (const v of variants) {
    const label = describeCombination(v.settings);
    const runs: RunSummary[] = [];
    for (const seed of seeds) {
      runs.push(runVariant(v.scenario, seed, label, path));
      done++;
      progress.runDone(done, label, runs.length === seeds.length);
    }
    rows.push(compareRow(Object.fromEntries(v.settings.map((s) => [s.key, s.value])), runs));
  }
  progress.stop();

  const heading: CompareHeading = { scenario: base!.name, file: base!.file, keys: varies.map((v) => v.key), seeds };
  const json = JSON.stringify({ scenario: base!.name, file: base!.file, seeds, vary: varies, rows });
  if (options.out) writeReport(options.out, json, formatMarkdown(heading, rows));
  process.stdout.write((options.json ? json : formatTable(heading, rows)) + "\n");
  return 0;
}

function seedList(text: string): string[] {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEEDS) throw new UsageError(`--seeds ${text}: expected a whole number from 1 to ${MAX_SEEDS}`);
  return Array.from({ length: n }, (_, i) => String(i + 1));
}

function loadVariants(source: string, base: Scenario, varies: readonly Vary[]): { settings: Setting[]; scenario: Scenario }[] {
  return combinations(varies).map((settings) => {
    const result = withSettings(source, base.file, settings);
    const which = settings.length === 1 ? `--vary ${describeCombination(settings)}` : `--vary combination ${describeCombination(settings)}`;
    if (!result.ok) throw new UsageError(`${which}: ${result.problems.join("; ")}`);
    return { settings, scenario: result.scenario };
  });
}

function runVariant(scenario: Scenario, seed: string, label: string, path: string): RunSummary {
  try {
    return runScenario(scenario, seed);
  } catch (error) {
    // A broken model stops the comparison: say which setting and seed, and how to look at it.
    const why = error instanceof Error ? (error.stack ?? error.message) : String(error);
    throw new Error(`${path} with ${label}, seed ${seed} stopped: ${why}\nreplay with: set ${label} in a copy of ${path}, then npx ksim replay COPY --seed ${seed} --trace trace.jsonl`);
  }
}

function checkOutDir(dir: string): void {
  let isDirectory = true;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    return; // created when the report is written
  }
  if (!isDirectory) throw new UsageError(`--out ${dir}: exists and is not a directory`);
}

/** compare.json and report.md, each written whole under a temporary name, then renamed. */
function writeReport(dir: string, json: string, markdown: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--out ${dir}: cannot create the directory (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  for (const [name, text] of [["compare.json", json + "\n"], ["report.md", markdown]] as const) {
    const target = join(dir, name);
    writeFileSync(`${target}.partial`, text);
    renameSync(`${target}.partial`, target);
  }
}
