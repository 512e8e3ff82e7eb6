import { mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { withSettings, type Setting } from "../../scenario/withSetting.ts";
import type { Scenario } from "../../scenario/index.ts";
import { expandScenarioPaths, loadAll } from "../runCommand.ts";
import type { RunSummary } from "../runScenario.ts";
import { UsageError } from "../UsageError.ts";
import { compareRow, type CompareRow } from "./CompareRow.ts";
import { compareHtml } from "./compareHtml.ts";
import { formatMarkdown, formatTable, type CompareHeading } from "./formatTable.ts";
import { runTasks } from "./ComparePool.ts";
import { startCompareProgress } from "./progress.ts";
import type { CompareTask } from "./runTask.ts";
import { combinations, describeCombination, parseVaryFlags, type Vary } from "./variations.ts";

export interface CompareOptions {
  /** Undefined when no --vary was given. */
  readonly vary?: readonly string[];
  readonly seeds: string;
  /** Worker threads; default the number of cores. */
  readonly jobs?: string;
  readonly json?: boolean;
  readonly out?: string;
}

const MAX_SEEDS = 10_000;

/**
 * `ksim compare FILE --vary KEY=V1,V2 [--vary ...] [--seeds N]`: the cross product of the
 * varied settings, each run with the same seeds 1..N, and a table of what each costs and
 * loses. Every combination is loaded (and so checked) before the first run: a bad key,
 * value or combination is exit 2 with nothing run or written. Exit 0 once the table is
 * made: a comparison reports, it does not judge (`ksim run` judges one setting). Runs go
 * to worker threads (--jobs); the table does not depend on how many.
 */
export async function compareCommand(path: string, options: CompareOptions): Promise<number> {
  if (expandScenarioPaths([path]).length !== 1) throw new UsageError(`compare takes one scenario file; ${path} is a directory`);
  const [base] = loadAll([path]);
  const varies = parseVaryFlags(options.vary ?? []);
  const seeds = seedList(options.seeds);
  const jobs = jobCount(options.jobs);
  const source = readFileSync(path, "utf8");
  const variants = loadVariants(source, base!, varies);
  if (options.out) checkOutDir(options.out);

  const tasks: CompareTask[] = variants.flatMap((settings, v) =>
    seeds.map((seed, i) => ({ index: v * seeds.length + i, source, file: base!.file, settings, seed })),
  );
  const progress = startCompareProgress(options.json === true, tasks.length, process.stderr);
  const left = variants.map(() => seeds.length);
  let done = 0;
  const outcomes = await runTasks(tasks, jobs, (o) => {
    const v = Math.floor(o.index / seeds.length);
    done++;
    progress.runDone(done, describeCombination(variants[v]!), --left[v]! === 0);
  });
  progress.stop();
  const failure = outcomes.find((o) => !o.ok);
  if (failure && !failure.ok) throw new Error(failure.message);
  const rows: CompareRow[] = variants.map((settings, v) => {
    const runs = outcomes.slice(v * seeds.length, (v + 1) * seeds.length).map((o) => (o.ok ? o.summary : null)).filter((s): s is RunSummary => s !== null);
    return compareRow(Object.fromEntries(settings.map((s) => [s.key, s.value])), runs);
  });

  const heading: CompareHeading = { scenario: base!.name, file: base!.file, keys: varies.map((v) => v.key), seeds };
  const json = JSON.stringify({ scenario: base!.name, file: base!.file, seeds, vary: varies, rows });
  if (options.out) {
    writeReport(options.out, [
      ["compare.json", json + "\n"],
      ["report.md", formatMarkdown(heading, rows)],
      ["report.html", compareHtml(heading, rows)],
    ]);
  }
  process.stdout.write((options.json ? json : formatTable(heading, rows)) + "\n");
  return 0;
}

function seedList(text: string): string[] {
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SEEDS) throw new UsageError(`--seeds ${text}: expected a whole number from 1 to ${MAX_SEEDS}`);
  return Array.from({ length: n }, (_, i) => String(i + 1));
}

/** Every combination, loaded (and so checked) here, before any run: the runs load them again where they run. */
function loadVariants(source: string, base: Scenario, varies: readonly Vary[]): Setting[][] {
  return combinations(varies).map((settings) => {
    const result = withSettings(source, base.file, settings);
    const which = settings.length === 1 ? `--vary ${describeCombination(settings)}` : `--vary combination ${describeCombination(settings)}`;
    if (!result.ok) throw new UsageError(`${which}: ${result.problems.join("; ")}`);
    return settings;
  });
}

function jobCount(text: string | undefined): number {
  if (text === undefined) return availableParallelism();
  const n = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new UsageError(`--jobs ${text}: expected a whole number from 1 to 256`);
  return n;
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

/** compare.json, report.md and report.html, each written whole under a temporary name, then renamed. */
function writeReport(dir: string, files: readonly (readonly [name: string, text: string])[]): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (error) {
    throw new UsageError(`--out ${dir}: cannot create the directory (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  for (const [name, text] of files) {
    const target = join(dir, name);
    writeFileSync(`${target}.partial`, text);
    renameSync(`${target}.partial`, target);
  }
}
