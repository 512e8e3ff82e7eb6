import { Command, CommanderError } from "commander";
import { createRequire } from "node:module";
import { runKernelDemo } from "./kernelDemo.ts";

const require = createRequire(import.meta.url);
const { version } = require("../../package.json") as { version: string };

/** Exit codes of every ksim command (DESIGN.md, "Command line"). */
export const EXIT = { ok: 0, violation: 1, usage: 2, internal: 3 } as const;

function program(): Command {
  const cli = new Command("ksim")
    .description("A deterministic simulator of Apache Kafka clusters")
    .version(version, "-V, --version")
    .exitOverride()
    .showHelpAfterError("(run ksim --help for usage)");

  cli
    .command("demo")
    .description("run the kernel demo (a token ring with a crash, a partition and a pause) and print its fingerprint")
    .option("--seed <seed>", "the seed of the run", "1")
    .option("--json", "print one JSON object")
    .action((options: { seed: string; json?: boolean }) => {
      const result = runKernelDemo(options.seed);
      if (options.json) {
        process.stdout.write(JSON.stringify(result) + "\n");
      } else {
        process.stdout.write(
          `kernel demo  seed ${result.seed}  events ${result.events}  ` +
            `simulated ${result.simulatedMicros / 1e6}s  fingerprint ${result.fingerprint}\n`,
        );
      }
    });
  return cli;
}

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  try {
    await program().parseAsync(argv);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`ksim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}
