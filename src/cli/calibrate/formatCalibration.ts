import type { CalibrationReport, CalibrationResult } from "./calibrateCommand.ts";

/** The terminal table: each published ratio, what ksim gives, and whether it is within its tolerance. */
export function formatCalibration(report: CalibrationReport): string {
  const header = ["ratio", "published", "ksim", "deviation", "tolerance", ""];
  const rows = report.results.map((r) => [r.title, `${r.published}`, `${r.measured}`, percent(r.deviation, true), `±${percent(r.tolerance, false)}`, r.ok ? "ok" : "OUT"]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  const out = [`ksim calibrate  seed ${report.seed}`, "", line(header), ...rows.map(line), "", "runs (records/s acknowledged after the warm-up; MB/s of record values):"];
  const seen = new Set<string>();
  for (const r of report.results) {
    for (const m of [r.numerator, r.denominator]) {
      if (seen.has(m.scenario)) continue;
      seen.add(m.scenario);
      out.push(`  ${m.scenario.padEnd(32)} ${String(m.recordsPerSec).padStart(9)} records/s  ${m.valueMegabytesPerSec.toFixed(1).padStart(6)} MB/s`);
    }
  }
  out.push("", "sources:", ...sources(report.results).map((s) => `  ${s}`));
  const failed = report.results.filter((r) => !r.ok);
  out.push("", failed.length === 0 ? "every ratio is within its tolerance" : `${failed.length} ratio(s) outside their tolerance: ${failed.map((r) => r.id).join(", ")}`);
  return out.join("\n") + "\n";
}

function percent(fraction: number, signed: boolean): string {
  const text = `${Math.round(fraction * 1000) / 10}%`;
  return signed && fraction >= 0 ? `+${text}` : text;
}

function sources(results: readonly CalibrationResult[]): string[] {
  return [...new Set(results.map((r) => `${r.source}: ${r.publishedDetail}`))];
}
