import { table } from "../describe/formatCluster.ts";
import type { CompareRow, Spread } from "./CompareRow.ts";

/** What the table is about: the scenario, the varied keys and the seeds each row ran. */
export interface CompareHeading {
  readonly scenario: string;
  readonly file: string;
  readonly keys: readonly string[];
  readonly seeds: readonly string[];
}

/** The table's columns: the varied keys, then the figures (medians over seeds, the spread in brackets). */
export function compareColumns(h: CompareHeading, rows: readonly CompareRow[]): { header: string[]; cells: string[][] } {
  const e2e = rows.some((r) => r.endToEndLatencyMs !== null);
  const header = [
    ...h.keys,
    "acked/s",
    "produce p50 ms",
    "produce p99 ms",
    ...(e2e ? ["e2e p99 ms"] : []),
    "lost (seeds)",
    "duplicated (seeds)",
    "unavailable s",
    "longest s",
    "violations (seeds)",
  ];
  const cells = rows.map((r) => [
    ...h.keys.map((k) => r.settings[k] ?? ""),
    spread(r.throughput),
    spread(r.produceLatencyMs.p50),
    spread(r.produceLatencyMs.p99),
    ...(e2e ? [r.endToEndLatencyMs ? spread(r.endToEndLatencyMs.p99) : "-"] : []),
    `${r.lostAcked.total} (${r.lostAcked.seeds}/${r.runs})`,
    `${r.duplicated.total} (${r.duplicated.seeds}/${r.runs})`,
    spread(r.unavailableMs, 1 / 1000),
    spread(r.longestUnavailableMs, 1 / 1000),
    violations(r),
  ]);
  return { header, cells };
}

/** The table for a terminal: aligned columns. */
export function formatTable(h: CompareHeading, rows: readonly CompareRow[]): string {
  const { header, cells } = compareColumns(h, rows);
  return [intro(h), "", ...table(header, cells), "", LEGEND].join("\n");
}

/** The same table in Markdown (report.md). */
export function formatMarkdown(h: CompareHeading, rows: readonly CompareRow[]): string {
  const { header, cells } = compareColumns(h, rows);
  const line = (c: readonly string[]) => `| ${c.map((x) => x.replaceAll("|", "\\|")).join(" | ")} |`;
  return [
    `# ksim compare: ${h.scenario}`,
    "",
    `${intro(h)}.`,
    "",
    line(header),
    line(header.map((_, i) => (i < h.keys.length ? "---" : "---:"))),
    ...cells.map(line),
    "",
    lossLine(h, rows),
    "",
    LEGEND,
    "",
  ].join("\n");
}

/** A combination as the report names it: `acks=1 min.insync.replicas=2`. */
export function settingLabel(h: CompareHeading, r: CompareRow): string {
  return h.keys.map((k) => `${k}=${r.settings[k] ?? ""}`).join(" ");
}

/** Which settings lost acknowledged records (and which duplicated some), in one sentence each. */
export function lossLine(h: CompareHeading, rows: readonly CompareRow[]): string {
  const lost = rows.filter((r) => r.lostAcked.total > 0);
  const duplicated = rows.filter((r) => r.duplicated.total > 0);
  const lostText =
    lost.length === 0
      ? "No setting lost acknowledged records."
      : `Lost acknowledged records: ${lost.map((r) => `${settingLabel(h, r)} (${r.lostAcked.total} in ${r.lostAcked.seeds} of ${r.runs} seeds)`).join("; ")}.`;
  const duplicatedText = duplicated.length === 0 ? "" : ` Duplicated records: ${duplicated.map((r) => `${settingLabel(h, r)} (${r.duplicated.total} in ${r.duplicated.seeds} of ${r.runs} seeds)`).join("; ")}.`;
  return lostText + duplicatedText;
}

export const LEGEND = [
  "Figures are medians over the seeds, with the lowest and highest in brackets.",
  "lost: acknowledged records missing from the final committed logs, summed over seeds (seeds with any).",
  "unavailable: partition-seconds of the load phase producers could not write (no leader, or too few",
  "replicas in sync for acks=all); longest: the longest such window.",
].join("\n");

export function intro(h: CompareHeading): string {
  const seeds = h.seeds.length === 1 ? `seed ${h.seeds[0]}` : `seeds ${h.seeds[0]}..${h.seeds.at(-1)}`;
  return `${h.scenario} (${h.file}), ${seeds} for each setting`;
}

function violations(r: CompareRow): string {
  const entries = Object.entries(r.violations);
  return entries.length === 0 ? "none" : entries.map(([name, seeds]) => `${name} ${seeds}/${r.runs}`).join(", ");
}

/** `5000 (4990–5010)`, or one number when every seed gave it. */
function spread(s: Spread, scale = 1): string {
  const [median, min, max] = [s.median * scale, s.min * scale, s.max * scale];
  return min === max ? num(median) : `${num(median)} (${num(min)}–${num(max)})`;
}

function num(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 100 || Number.isInteger(n)) return String(Math.round(n));
  if (abs >= 10) return n.toFixed(1);
  return n.toFixed(2);
}
