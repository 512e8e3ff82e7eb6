import { readFileSync, statSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { ReportSchema, REPORT_VERSION, type Report } from "../../report/ReportSchema.ts";
import { UsageError } from "../UsageError.ts";
import { REPORT_FILES, writeRendered } from "./writeReport.ts";

/**
 * `ksim report DIR`: rebuilds report.md and report.html from DIR/report.json (or from the
 * report.json named), e.g. after ksim itself was updated. A file that is not a report of
 * this version stops with exit 2 and names the field; nothing is written then.
 */
export function reportCommand(path: string): number {
  const file = isDirectory(path) ? join(path, REPORT_FILES.json) : path;
  const report = readReport(file);
  writeRendered(dirname(file), report);
  process.stdout.write(`rebuilt ${join(dirname(file), REPORT_FILES.markdown)} and ${join(dirname(file), REPORT_FILES.html)} from ${basename(file)}\n`);
  return 0;
}

/** Reads and checks a report.json against the schema. */
export function readReport(file: string): Report {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new UsageError(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? "error"})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${file}: not JSON (${(error as Error).message})`);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === "number" && version !== REPORT_VERSION) throw new UsageError(`${file}: a report of version ${version}; this ksim reads version ${REPORT_VERSION}`);
  const parsed = ReportSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.length === 0 ? "(the top level)" : issue.path.join(".");
    throw new UsageError(`${file}: not a ksim report: ${field}: ${issue.message}`);
  }
  return parsed.data;
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
