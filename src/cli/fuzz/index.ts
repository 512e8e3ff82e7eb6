import { Command } from "commander";
import { fuzzCommand, type FuzzOptions } from "./fuzzCommand.ts";

/**
 * `ksim fuzz`: many seeds of one scenario on worker threads, each drawing its own swarm
 * faults and settings; every failure with the `ksim replay` command that reproduces it.
 */
export function addFuzzCommand(cli: Command, setExitCode: (code: number) => void): void {
  cli
    .command("fuzz")
    .description("run many seeds of one scenario in parallel (swarm testing); print each failing seed with its replay command")
    .argument("[scenario...]", "the scenario file (with --merge: fuzz results, JSON files or directories of them)")
    .option("--seeds <n>", "how many seeds to run (default 100)")
    .option("--time <duration>", "hand out seeds for this long instead, wall clock (90s, 5m, 1h); seeds under way finish")
    .option("--from-seed <s>", "the first seed (default 1); the campaign runs s, s+1, ...")
    .option("--jobs <k>", "worker threads (default: the number of cores)")
    .option("--shard <i/n>", "run the i-th of n shards: the seeds whose position k (from 0) has k % n == i-1")
    .option("--recheck <share>", "share of seeds run twice to check determinism, like 5% (default) or 0", undefined)
    .option("--json", "print one JSON object")
    .option("--out <dir>", "also write to DIR the JSON result (for --merge) and its summary, <scenario>-fuzz[-shard-i-of-n].md and .html")
    .option("--merge", "join the JSON results of shards into one result")
    .addHelpText(
      "after",
      "\nExamples:\n" +
        "  ksim fuzz scenarios/fuzz.yaml --seeds 200\n" +
        "  ksim fuzz scenarios/fuzz.yaml --time 10m --jobs 4\n" +
        "  ksim fuzz scenarios/fuzz.yaml --seeds 1000 --shard 2/8 --out results/\n" +
        "  ksim fuzz --merge results/ --out merged/    (merged/<scenario>-fuzz.json, .md and .html)\n",
    )
    .action(async (paths: string[], options: FuzzOptions) => {
      setExitCode(await fuzzCommand(paths, options));
    });
}
