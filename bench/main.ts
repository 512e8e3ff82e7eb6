/**
 * `npm run bench [-- <name...>] [--json] [--quick] [--rounds N] [--events N]`
 *
 * Runs are bounded: up to 3 of each (11 kernel rounds), fewer when they would pass a
 * per-benchmark wall-time budget (the result says how many); --rounds N asks for exactly N.
 *
 * Every file bench/<name>.ts other than this one is a benchmark: it exports `benchmark`
 * (see bench/lib/harness.ts), and adding one is adding its file. With no name, all of
 * them run (kernel, steady, light, fuzz, compare, then any other in file-name order); a
 * group's name (workloads) selects its members. The results, one object keyed by
 * benchmark name (members of a group under the group's key), go to reports/bench.json;
 * with --json that object is also the only thing on stdout. A table of the figures
 * against the goals of issue 9 (bench/lib/goals.ts) ends the human-readable output.
 *
 * Exit codes as for ksim: 0 done, 2 bad usage, 3 a benchmark failed.
 */
import { mkdirSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { goalTable, machine } from "./lib/goals.ts";
import type { BenchOptions, BenchResult, Benchmark } from "./lib/harness.ts";

const BENCH_DIR = path.dirname(fileURLToPath(import.meta.url));
const REPORT = path.join(BENCH_DIR, "..", "reports", "bench.json");
/** The order a full run takes: the quick ones first. */
const ORDER = ["kernel", "steady", "light", "fuzz", "compare"];

class UsageError extends Error {}

async function loadBenchmarks(): Promise<Benchmark[]> {
  const files = readdirSync(BENCH_DIR)
    .filter((file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && file !== "main.ts")
    .sort();
  const benchmarks: Benchmark[] = [];
  for (const file of files) {
    const module = (await import(pathToFileURL(path.join(BENCH_DIR, file)).href)) as { benchmark?: Benchmark };
    const benchmark = module.benchmark;
    if (!benchmark || typeof benchmark.run !== "function") {
      throw new Error(`bench/${file} exports no \`benchmark\` (helpers belong in bench/lib/)`);
    }
    if (`${benchmark.name}.ts` !== file) throw new Error(`bench/${file} names its benchmark "${benchmark.name}"`);
    benchmarks.push(benchmark);
  }
  const rank = (b: Benchmark): number => (ORDER.includes(b.name) ? ORDER.indexOf(b.name) : ORDER.length);
  return benchmarks.sort((a, b) => rank(a) - rank(b));
}

function positiveInteger(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`${flag} wants a positive integer, got "${text}"`);
  return n;
}

function usage(benchmarks: readonly Benchmark[]): string {
  const width = Math.max(...benchmarks.map((b) => b.name.length));
  return [
    "usage: npm run bench [-- <name...>] [--json] [--quick] [--rounds N] [--events N]",
    "",
    "  --json       print one JSON object on stdout (also written to reports/bench.json)",
    "  --quick      shorter loads and one run each: a first look in a minute or two, not figures to publish",
    "  --rounds N   measured rounds (kernel) or runs (the others) per benchmark",
    "  --events N   work per round (kernel: events fired)",
    "",
    "benchmarks (all of them when none is named):",
    ...benchmarks.map((b) => `  ${b.name.padEnd(width)}  ${b.description}${b.group ? ` (in ${b.group})` : ""}`),
    "",
  ].join("\n");
}

async function main(argv: string[]): Promise<number> {
  const benchmarks = await loadBenchmarks();
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        quick: { type: "boolean", default: false },
        rounds: { type: "string" },
        events: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (error) {
    process.stderr.write(`bench: ${(error as Error).message}\n\n${usage(benchmarks)}`);
    return 2;
  }
  if (args.values.help) {
    process.stdout.write(usage(benchmarks));
    return 0;
  }

  let selected: Benchmark[];
  let options: BenchOptions;
  try {
    const picks = (b: Benchmark, name: string): boolean => b.name === name || b.group === name;
    const unknown = args.positionals.filter((name) => !benchmarks.some((b) => picks(b, name)));
    if (unknown.length > 0) {
      throw new UsageError(`no benchmark named ${unknown.map((n) => `"${n}"`).join(", ")}; there are: ${benchmarks.map((b) => b.name).join(", ")}`);
    }
    selected = args.positionals.length === 0 ? benchmarks : benchmarks.filter((b) => args.positionals.some((name) => picks(b, name)));
    const progress = process.stderr.isTTY;
    options = {
      rounds: positiveInteger("--rounds", args.values.rounds),
      events: positiveInteger("--events", args.values.events),
      quick: args.values.quick,
      log: (line) => {
        if (progress) process.stderr.write(`  ${line}\n`);
      },
    };
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`bench: ${error.message}\n`);
    return 2;
  }

  const results: Record<string, BenchResult> = {};
  const flat: Record<string, BenchResult> = {};
  for (const benchmark of selected) {
    options.log(`${benchmark.name}...`);
    let result: BenchResult;
    try {
      result = await benchmark.run(options);
    } catch (error) {
      process.stderr.write(`bench: ${benchmark.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 3;
    }
    flat[benchmark.name] = result;
    if (benchmark.group === undefined) results[benchmark.name] = result;
    else results[benchmark.group] = { ...(results[benchmark.group] ?? {}), [benchmark.name]: result };
    if (!args.values.json) process.stdout.write(benchmark.format(result).join("\n") + "\n");
  }

  results["machine"] = { ...machine(), quick: args.values.quick };
  const json = JSON.stringify(results);
  mkdirSync(path.dirname(REPORT), { recursive: true });
  writeFileSync(REPORT, JSON.stringify(results, null, 2) + "\n");
  if (args.values.json) process.stdout.write(json + "\n");
  else process.stdout.write(`\n${goalTable(flat, args.values.quick).join("\n")}\n(written to ${path.relative(process.cwd(), REPORT) || REPORT})\n`);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
