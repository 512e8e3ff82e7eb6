import type { LatencyMs, Report } from "./ReportSchema.ts";

/**
 * A GitHub-flavoured markdown table. Cells are escaped (pipes, newlines); numbers are
 * right-aligned. Exported for the other reports (compare, fuzz).
 */
export function markdownTable(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const cell = (v: string | number) => String(v).replace(/\|/g, "\\|").replace(/\r?\n/g, " ");
  const numeric = header.map((_, i) => rows.length > 0 && rows.every((r) => typeof r[i] === "number"));
  const lines = [`| ${header.map(cell).join(" | ")} |`, `|${numeric.map((n) => (n ? "---:" : "---")).join("|")}|`];
  for (const row of rows) lines.push(`| ${row.map(cell).join(" | ")} |`);
  return lines.join("\n");
}

/** `12.5 s`, `250 ms`: a time in milliseconds as people read it. */
export function formatMs(ms: number): string {
  if (Math.abs(ms) >= 1000) return `${trim(ms / 1000)} s`;
  return `${trim(ms)} ms`;
}

/** 106369 as `106,369`. */
export function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function trim(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}

const latencyHeader = ["records", "mean ms", "p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms"];
function latencyCells(l: LatencyMs): number[] {
  return [l.count, l.mean, l.p50, l.p95, l.p99, l.p999, l.max];
}

/** The verdict as one line: PASS/FAIL and what it rests on. */
export function verdictLine(r: Report): string {
  const word = r.verdict.ok ? "PASS" : "FAIL";
  const basis =
    r.verdict.basis === "expectations"
      ? r.verdict.expectations.map((e) => `${e.ok ? "✓" : "✗"} ${e.text} (was ${e.actual})`).join(", ")
      : r.violations.length === 0
        ? "no violation found"
        : `violations: ${r.violations.map((v) => `${v.invariant} ×${v.count}`).join(", ")}`;
  return `${word}: ${basis}${r.verdict.bootstrapped ? "" : " (the cluster never came up)"}`;
}

/** report.md: the summary, the verdict and the tables, to paste into a pull request. */
export function reportMarkdown(r: Report): string {
  const m = r.metrics;
  const out: string[] = [];
  out.push(`# ${r.scenario.name} (seed ${r.seed})`, "");
  out.push(`**${verdictLine(r)}**`, "");
  if (r.scenario.description.trim()) out.push(r.scenario.description.trim(), "");
  out.push(
    `\`${r.scenario.file}\`, profile ${r.scenario.profile}, fingerprint \`${r.fingerprint}\`. ` +
      `${formatMs(r.run.loadMs)} of load${r.timeline.faults.length > 0 ? " with the faults, then healed" : ""} and settled until ${formatMs(r.run.endMs)} ` +
      `(${thousands(r.run.events)} events; the cluster took ${formatMs(r.run.bootstrapMs)} to come up). Times count from the start of the load.`,
    "",
    `Replay: \`${r.run.replay}\``,
    "",
  );
  out.push("## Produce", "", "```", m.perfTest, "```", "");
  out.push(markdownTable(["producer", "topic", "acks", "sent", "acked", "failed", ...latencyHeader.slice(1)], m.produceLatencyByProducer.map((p) => [p.producer, p.topic, p.acks, p.sent, p.acked, p.failed, ...latencyCells(p.latencyMs).slice(1)])), "");
  if (m.produceLatencyByAcks.length > 1) out.push(markdownTable(["acks", ...latencyHeader], m.produceLatencyByAcks.map((a) => [a.acks, ...latencyCells(a.latencyMs)])), "");
  out.push("## Records", "");
  out.push(markdownTable(["sent", "acknowledged", "failed", "acknowledged, lost", "duplicated", "consumed", "processed", "redelivered", "never processed"], [[m.sent, m.acked, m.failed, m.lostAcked, m.duplicated, m.consumed, m.processed, m.redelivered, m.unprocessed]]), "");
  const errors = Object.entries(m.errors);
  if (errors.length > 0) out.push(`Failed sends by error: ${errors.map(([e, n]) => `${e} ${n}`).join(", ")}.`, "");
  if (m.endToEndLatencyMs.count > 0 || m.rebalances > 0) {
    out.push("## Consumers", "");
    out.push(markdownTable(["end-to-end", ...latencyHeader], [["send to processing (groups) or delivery", ...latencyCells(m.endToEndLatencyMs)]]), "");
    if (m.rebalances > 0) {
      const lag = Object.entries(m.maxLag).map(([g, n]) => `${g} ${n}`).join(", ") || "-";
      out.push(`${m.rebalances} rebalances (ms p50 ${m.rebalanceMs.p50}, max ${m.rebalanceMs.max}), ${m.commitFailed} commits failed; largest lag: ${lag}.`, "");
    }
  }
  out.push("## Availability", "");
  out.push(
    m.unavailableMs === 0
      ? "Producers could write to every partition throughout the load."
      : `Producers could not write for ${formatMs(m.unavailableMs)} (partition-time), the longest window ${formatMs(m.longestUnavailableMs)}.`,
    "",
  );
  if (m.unavailableWindows.length > 0) {
    const rows = m.unavailableWindows.slice(0, 20).map((w) => [`${w.topic}-${w.partition}`, formatMs(w.fromMs), formatMs(w.toMs), formatMs(w.toMs - w.fromMs), w.reason]);
    out.push(markdownTable(["partition", "from", "to", "length", "why"], rows), "");
    if (m.unavailableWindows.length > 20) out.push(`(and ${m.unavailableWindows.length - 20} more windows in report.json)`, "");
  }
  out.push("## Faults", "");
  out.push(r.timeline.faults.length === 0 ? "No faults were scheduled." : markdownTable(["at", "until", "fault"], r.timeline.faults.map((f) => [formatMs(f.atMs), f.untilMs === null ? "healed at the end of the load" : formatMs(f.untilMs), f.text])), "");
  out.push(...leadershipLines(r), "");
  out.push("## Violations", "");
  if (r.violations.length === 0) out.push("None found.");
  else out.push(markdownTable(["invariant", "count", "first at", "example"], r.violations.map((v) => [v.invariant, v.count, v.examples[0] ? formatMs(v.examples[0].atMs) : "-", v.examples[0]?.detail ?? ""])));
  return out.join("\n") + "\n";
}

/** The partitions' leadership changes, one line each (capped). */
function leadershipLines(r: Report): string[] {
  const changes: { atMs: number; line: string }[] = [];
  for (const p of r.timeline.partitions) {
    p.spans.forEach((s, i) => {
      const before = p.spans[i - 1];
      if (i === 0 || before?.leader !== s.leader) {
        const leader = s.leader === null ? "no leader (offline)" : `leader broker ${s.leader} (epoch ${s.epoch}${s.unclean ? ", unclean election" : ""})`;
        changes.push({ atMs: s.fromMs, line: `- ${formatMs(s.fromMs)}: ${p.topic}-${p.partition} ${leader}, ISR [${s.isr.join(", ")}]` });
      }
    });
  }
  changes.sort((a, b) => a.atMs - b.atMs);
  if (changes.length === 0) return [];
  const kept = changes.slice(0, 30).map((c) => c.line);
  return ["Leadership of the partitions:", "", ...kept, ...(changes.length > 30 ? [`- (and ${changes.length - 30} more in report.json)`] : [])];
}
