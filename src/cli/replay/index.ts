import type { Command } from "commander";
import { replayCommand, type ReplayOptions } from "./replayCommand.ts";

/** Adds `ksim replay` to the program; `setExitCode` receives the command's exit code. */
export function addReplayCommand(cli: Command, setExitCode: (code: number) => void): void {
  cli
    .command("replay")
    .description(
      "the run `ksim run` makes of a scenario and seed, with its trace written (--trace); " +
        "--until T stops T into the load phase and prints the cluster's state there as Kafka's tools show it",
    )
    .argument("<scenario>", "a scenario file")
    .requiredOption("--seed <seed>", "the seed of the run to replay")
    .option("--trace <file>", "write the run's events to FILE as JSON lines")
    .option("--until <time>", "stop at this simulated time, counted from the start of the load phase like fault times (12s)")
    .option("--json", "print one JSON object")
    .action((path: string, options: ReplayOptions) => {
      setExitCode(replayCommand(path, options));
    });
}
