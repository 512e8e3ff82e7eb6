import { accessSync, constants, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expandScenarioPaths, loadAll } from "../runCommand.ts";
import { UsageError } from "../UsageError.ts";
import { colours, formatResult } from "./formatResult.ts";
import { FuzzCollector, type FuzzResult } from "./FuzzResult.ts";
import { fuzzHtml } from "./fuzzHtml.ts";
import { fuzzMarkdown } from "./fuzzMarkdown.ts";
import { mergeResults, readResults } from "./mergeResults.ts";
import { campaignSeeds, isRechecked, planFrom, seedsInRun, shardLabel, type FuzzPlan, type PlanFlags } from "./plan.ts";
import { progressStyle, startProgress } from "./progress.ts";
import type { SeedOutcome, SeedTask } from "./runSeed.ts";
import { SeedPool } from "./SeedPool.ts";

export interface FuzzOptions extends PlanFlags {
  readonly json?: boolean;
  readonly out?: string;
  readonly merge?: boolean;
}

/** Exit codes: 0 every seed held, 1 a seed failed (or two runs of a seed differed), 3 a run the model stopped. */
export async function fuzzCommand(paths: readonly string[], options: FuzzOptions): Promise<number> {
  if (options.merge) return mergeCommand(paths, options);
  const files = expandScenarioPaths(paths);
  if (files.length !== 1) throw new UsageError(`fuzz takes one scenario file, got ${files.length === 0 ? "none" : `${files.length} (${paths.join(" ")})`}`);
  const plan = planFrom(options);
  const [scenario] = loadAll(files);
  const outPath = options.out === undefined ? null : prepareOut(options.out, `${fileSafe(scenario!.name)}-fuzz${plan.shard === null ? "" : `-shard-${plan.shard.index}-of-${plan.shard.of}`}.json`);
  const startedMs = Date.now();
  const result = await runCampaign(scenario!.file, scenario!.name, plan, options.json === true);
  const elapsedMs = Date.now() - startedMs;
  emit(result, options.json === true, outPath);
  if (!options.json) {
    const perMinute = elapsedMs === 0 ? result.seeds : (result.seeds * 60_000) / elapsedMs;
    process.stderr.write(`took ${(elapsedMs / 1000).toFixed(1)}s with ${plan.jobs} job${plan.jobs === 1 ? "" : "s"}: ${perMinute.toFixed(1)} seeds per minute\n`);
  }
  return exitCode(result);
}

async function runCampaign(file: string, name: string, plan: FuzzPlan, json: boolean): Promise<FuzzResult> {
  const total = seedsInRun(plan);
  const collector = new FuzzCollector(name, file, plan.fromSeed, shardLabel(plan));
  const seeds = campaignSeeds(plan);
  const deadlineMs = plan.timeMs === null ? null : Date.now() + plan.timeMs;
  const next = (): SeedTask | null => {
    if (deadlineMs !== null && Date.now() >= deadlineMs) return null;
    const step = seeds.next();
    return step.done ? null : { file, seed: step.value.seed, index: step.value.index, recheck: false };
  };
  const jobs = total === null ? plan.jobs : Math.max(1, Math.min(plan.jobs, total));
  const pool = new SeedPool(jobs);
  const progress = startProgress(progressStyle(json, process.stderr), total, plan.timeMs, process.stderr);
  try {
    await pool.run(next, (outcome: SeedOutcome) => {
      if (outcome.kind === "bad-input") throw new UsageError(outcome.message);
      collector.add(outcome);
      if (!outcome.task.recheck && isRechecked(plan, outcome.task.index)) pool.push({ ...outcome.task, recheck: true });
      progress.update(collector.done, collector.failures);
    });
  } finally {
    progress.stop();
  }
  return collector.result();
}

async function mergeCommand(paths: readonly string[], options: FuzzOptions): Promise<number> {
  for (const flag of ["seeds", "time", "fromSeed", "jobs", "shard", "recheck"] as const) {
    if (options[flag] !== undefined) throw new UsageError(`--merge joins results already run; it takes no --${flag.replace("fromSeed", "from-seed")}`);
  }
  if (paths.length === 0) throw new UsageError("--merge needs the results to join: JSON files or directories of them");
  const { result, missingShards } = mergeResults(readResults(paths));
  if (missingShards.length > 0) process.stderr.write(`ksim: warning: shards ${missingShards.join(", ")} are missing; the merged result covers the others only\n`);
  const outPath = options.out === undefined ? null : prepareOut(options.out, `${fileSafe(result.scenario)}-fuzz.json`);
  emit(result, options.json === true, outPath);
  return exitCode(result);
}

function emit(result: FuzzResult, json: boolean, outPath: string | null): void {
  const text = JSON.stringify(result);
  if (outPath !== null) {
    // Beside the JSON (what --merge reads), its summary for people under the same name: shards
    // writing into one DIR keep their own summaries.
    const stem = outPath.replace(/\.json$/, "");
    writeWhole(outPath, text + "\n");
    writeWhole(`${stem}.md`, fuzzMarkdown(result));
    writeWhole(`${stem}.html`, fuzzHtml(result));
  }
  process.stdout.write((json ? text : formatResult(result, colours(process.env))) + "\n");
}

/** Written whole or not at all: a reader never sees half a file. */
function writeWhole(path: string, text: string): void {
  writeFileSync(`${path}.partial`, text);
  renameSync(`${path}.partial`, path);
}

/** `--out DIR`: created if missing, checked before any seed runs. */
function prepareOut(dir: string, name: string): string {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (error) {
    throw new UsageError(`--out ${dir}: cannot create or write to that directory (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  return join(dir, name);
}

/** A scenario's name as part of a file name (a name is free text). */
function fileSafe(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^[.-]+/, "") || "scenario";
}

function exitCode(result: FuzzResult): number {
  if (result.failures.some((f) => f.invariants.includes("internal-error"))) return 3;
  return result.ok ? 0 : 1;
}
