import { REPORT_CSS } from "./reportCss.ts";
import { esc } from "./svg.ts";

/**
 * A self-contained report page (inline style, no script, nothing fetched) around `bodyHtml`.
 * For the other reports (compare, fuzz) to look like a run's.
 */
export function htmlPage(title: string, bodyHtml: string, footer = ""): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${REPORT_CSS}</style></head>
<body><main>
${bodyHtml}
${footer === "" ? "" : `<footer>${esc(footer)}</footer>`}
</main></body></html>
`;
}

/** An HTML table; numbers are right-aligned. */
export function htmlTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => `<td${typeof v === "number" ? ' class="num"' : ""}>${esc(String(v))}</td>`;
  return `<table><thead><tr>${header.map((h) => `<th>${esc(h)}</th>`).join("")}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map(cell).join("")}</tr>`).join("")}</tbody></table>`;
}
