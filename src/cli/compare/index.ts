import type { Command } from "commander";
import { compareCommand, type CompareOptions } from "./compareCommand.ts";

/** Adds `ksim compare` to the program; `setExitCode` receives the command's exit code. */
export function addCompareCommand(cli: Command, setExitCode: (code: number) => void): void {
  cli
    .command("compare")
    .description(
      "run a scenario under each combination of the varied settings, over the same seeds, and tabulate " +
        "throughput, latency, lost and duplicated records, unavailable time and violations",
    )
    .argument("<scenario>", "a scenario file")
    .option(
      "--vary <key=values>",
      "a Kafka key (acks, min.insync.replicas, ...), partitions, replication.factor or profile, with comma-separated values; repeatable",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .option("--seeds <n>", "seeds 1..N for every combination", "5")
    .option("--jobs <k>", "runs at once, on worker threads (default: the number of cores)")
    .option("--json", "print one JSON object: {rows: [{settings, ...figures}]}")
    .option("--out <dir>", "also write into DIR report.html (the table, a chart of latency against records lost per setting), report.md and compare.json")
    .action(async (path: string, options: CompareOptions) => {
      setExitCode(await compareCommand(path, options));
    });
}
