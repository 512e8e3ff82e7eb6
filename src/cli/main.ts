import { Command, CommanderError } from "commander";
import { createRequire } from "node:module";
import { runEnsembleDemo } from "./ensembleDemo.ts";
import { runKernelDemo } from "./kernelDemo.ts";
import { TraceFile } from "./TraceFile.ts";
import { runCommand, validateCommand } from "./runCommand.ts";
import { addReplayCommand } from "./replay/index.ts";
import { addReportCommand } from "./report/index.ts";
import { addCompareCommand } from "./compare/index.ts";
import { addShrinkCommand } from "./shrink/index.ts";
import { addFuzzCommand } from "./fuzz/index.ts";
import { addCalibrateCommand } from "./calibrate/index.ts";
import { UsageError } from "./UsageError.ts";

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
    .command("run")
    .description("run scenario files (or every .yaml file of a directory) and judge each run")
    .argument("<scenario...>", "scenario files or directories")
    .option("--seed <seed>", "the seed of the runs", "1")
    .option("--json", "print one JSON object")
    .option("--trace <file>", "write the run's events to FILE as JSON lines")
    .option("--history <file>", "write the client-visible history to FILE: EDN for jepsen.tests.kafka if it ends in .edn, else JSON lines")
    .option("--check-determinism", "run each scenario twice and fail unless both runs end with the same fingerprint")
    .option("--out [dir]", "write report.json, report.md and report.html: into DIR for one scenario, else DIR/<scenario>-<seed>/ (DIR: reports)")
    .action((paths: string[], options: { seed: string; json?: boolean; trace?: string; history?: string; checkDeterminism?: boolean; out?: string | boolean }) => {
      exitCode = runCommand(paths, options);
    });

  cli
    .command("validate")
    .description("check scenario files without running them")
    .argument("<scenario...>", "scenario files or directories")
    .action((paths: string[]) => {
      exitCode = validateCommand(paths);
    });

  cli
    .command("demo")
    .description(
      "run the demos: the kernel (a token ring with a crash, a partition and a pause) and the " +
        "coordination ensemble (a leader elected, lost and replaced); print their fingerprints",
    )
    .option("--seed <seed>", "the seed of the runs", "1")
    .option("--json", "print one JSON object")
    .option("--trace <file>", "write the kernel demo's events to FILE as JSON lines")
    .action((options: { seed: string; json?: boolean; trace?: string }) => {
      const traceFile = options.trace ? openTrace(options.trace) : null;
      let kernel;
      try {
        kernel = runKernelDemo(options.seed, traceFile?.sink);
        traceFile?.finish();
      } catch (error) {
        traceFile?.abandon();
        throw error;
      }
      const ensemble = runEnsembleDemo(options.seed);
      if (options.json) {
        process.stdout.write(JSON.stringify({ ...kernel, kernel, ensemble }) + "\n");
        return;
      }
      const out = process.stdout;
      out.write(
        `kernel demo    seed ${kernel.seed}  events ${kernel.events}  ` +
          `simulated ${kernel.simulatedMicros / 1e6}s  fingerprint ${kernel.fingerprint}\n`,
      );
      out.write(`ensemble demo  seed ${ensemble.seed}  fingerprint ${ensemble.fingerprint}\n`);
      for (const line of ensemble.story) out.write(`  ${line}\n`);
      const verdict = ensemble.violations.length === 0 ? "no violation" : ensemble.violations.join("; ");
      out.write(`  invariants: ${verdict}\n`);
    });
  addShrinkCommand(cli, (code) => {
    exitCode = code;
  });
  addFuzzCommand(cli, (code) => {
    exitCode = code;
  });
  addReplayCommand(cli, (code) => {
    exitCode = code;
  });
  addReportCommand(cli, (code) => {
    exitCode = code;
  });
  addCompareCommand(cli, (code) => {
    exitCode = code;
  });
  addCalibrateCommand(cli, (code) => {
    exitCode = code;
  });
  return cli;
}

function openTrace(path: string): TraceFile {
  try {
    return new TraceFile(path);
  } catch (error) {
    throw new UsageError(`--trace ${path}: cannot write there (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
}

let exitCode: number = EXIT.ok;

/** Runs the command line; returns the exit code instead of exiting, so tests can call it. */
export async function main(argv: string[]): Promise<number> {
  try {
    exitCode = EXIT.ok;
    await program().parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`ksim: ${error.message}\n`);
      return EXIT.usage;
    }
    if (error instanceof CommanderError) {
      // --help and --version arrive here too, with exit code 0.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    process.stderr.write(`ksim: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.internal;
  }
}
