import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { reportHtml } from "../../report/html/htmlReport.ts";
import { reportMarkdown } from "../../report/markdown.ts";
import type { Report } from "../../report/ReportSchema.ts";

export const REPORT_FILES = { json: "report.json", markdown: "report.md", html: "report.html" } as const;

/**
 * Writes report.json, report.md and report.html into `dir` (made if missing). Each file is
 * written beside its place and renamed into it, so a reader never sees half a report.
 */
export function writeReport(dir: string, report: Report): void {
  mkdirSync(dir, { recursive: true });
  writeAtomically(join(dir, REPORT_FILES.json), JSON.stringify(report, null, 1) + "\n");
  writeRendered(dir, report);
}

/** The markdown and html of a report (what `ksim report DIR` rebuilds from report.json). */
export function writeRendered(dir: string, report: Report): void {
  writeAtomically(join(dir, REPORT_FILES.markdown), reportMarkdown(report));
  writeAtomically(join(dir, REPORT_FILES.html), reportHtml(report));
}

function writeAtomically(path: string, text: string): void {
  const partial = `${path}.partial`;
  writeFileSync(partial, text);
  renameSync(partial, path);
}
