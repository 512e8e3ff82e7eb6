import type { Command } from "commander";
import { reportCommand } from "./reportCommand.ts";

export { RunReports } from "./RunReports.ts";
export { readReport } from "./reportCommand.ts";
export { writeReport } from "./writeReport.ts";

/** Adds `ksim report` to the program; `setExitCode` receives the command's exit code. */
export function addReportCommand(cli: Command, setExitCode: (code: number) => void): void {
  cli
    .command("report")
    .description("rebuild report.md and report.html from a run's report.json (a directory written by ksim run --out, or the file)")
    .argument("<dir>", "a report directory or its report.json")
    .action((path: string) => {
      setExitCode(reportCommand(path));
    });
}
