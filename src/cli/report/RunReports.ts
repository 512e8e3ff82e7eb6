import { mkdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { TraceSink } from "../../../sim/index.ts";
import type { Scenario } from "../../scenario/index.ts";
import type { RunSummary } from "../runScenario.ts";
import { UsageError } from "../UsageError.ts";
import { RunReporter } from "./RunReporter.ts";
import { REPORT_FILES, writeReport } from "./writeReport.ts";

/** Where reports go when `--out` names no directory. */
export const DEFAULT_REPORTS_DIR = "reports";

/**
 * The reports of one `ksim run --out [DIR]`: with one scenario the three files go into DIR;
 * with several, or with no DIR, each run gets DIR/<scenario>-<seed>/ (DIR defaults to
 * reports/). Nothing is collected without --out.
 */
export class RunReports {
  private readonly written: string[] = [];

  private constructor(
    private readonly root: string,
    /** True: the three files go straight into `root` (one scenario, DIR named). */
    private readonly flat: boolean,
  ) {}

  /** Null without --out; otherwise checks the directory can be made (exit 2 before any run if not). */
  static open(out: string | boolean | undefined, scenarioCount: number): RunReports | null {
    if (out === undefined || out === false) return null;
    const root = out === true ? DEFAULT_REPORTS_DIR : out;
    try {
      mkdirSync(root, { recursive: true });
      if (!statSync(root).isDirectory()) throw new Error("not a directory");
    } catch (error) {
      throw new UsageError(`--out ${root}: cannot write reports there (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`);
    }
    return new RunReports(root, out !== true && scenarioCount === 1);
  }

  /** A reporter for one run; give its trace and hooks to runScenario. */
  reporter(scenario: Scenario, fileTrace?: TraceSink): RunReporter {
    return new RunReporter(scenario, fileTrace);
  }

  /** Builds and writes the run's report; returns the html file's path. */
  write(reporter: RunReporter, summary: RunSummary): string {
    const dir = this.flat ? this.root : join(this.root, `${safeName(summary.scenario)}-${safeName(summary.seed)}`);
    writeReport(dir, reporter.report(summary));
    const html = join(dir, REPORT_FILES.html);
    this.written.push(html);
    return html;
  }

  /** One line for the end of the output: where the reports are. */
  describe(): string {
    if (this.written.length === 1) return `report    ${this.written[0]} (and report.md, report.json beside it)`;
    return `reports   ${this.written.length} runs, each in ${join(this.root, "<scenario>-<seed>")}/ (report.html, report.md, report.json)`;
  }
}

/** A scenario name or seed as a directory name. */
function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, "_");
}
