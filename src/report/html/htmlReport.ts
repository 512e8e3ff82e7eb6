import { formatMs, thousands, verdictLine } from "../markdown.ts";
import type { LatencyMs, Report } from "../ReportSchema.ts";
import { lineChart, type ChartSeries, type TimeMarkers } from "./charts.ts";
import { htmlPage, htmlTable } from "./page.ts";
import { BROKER_COLORS, COLORS, esc, TimeAxis } from "./svg.ts";
import { timelineSvg } from "./timelineSvg.ts";

/**
 * report.html: one self-contained page (inline CSS and SVG, no script, nothing fetched) with
 * the verdict and the producer's numbers first, then charts of throughput, latency, lag and
 * the cluster's health over time, the cluster's timeline, and the tables.
 */
export function reportHtml(r: Report): string {
  const axis = new TimeAxis(Math.max(r.run.endMs, r.series.startMs.length * r.series.bucketMs));
  const markers = markersOf(r);
  const body = [header(r), kpis(r), faultList(r), charts(r, axis, markers), `<section><h2>Timeline of the cluster</h2>${timelineSvg(r.timeline, axis, markers)}</section>`, tables(r)].join("\n");
  return htmlPage(`${r.verdict.ok ? "PASS" : "FAIL"} ${r.scenario.name} (seed ${r.seed}) - ksim report`, body, `ksim report v${r.version} · fingerprint ${r.fingerprint} · times are simulated, counted from the start of the load`);
}

function markersOf(r: Report): TimeMarkers {
  return {
    faults: r.timeline.faults.map((f, i) => ({ atMs: f.atMs, untilMs: f.untilMs, label: String(i + 1), text: f.text })),
    healedAtMs: r.timeline.healedAtMs,
    violations: r.violations.flatMap((v) => v.examples.map((e) => ({ atMs: e.atMs, text: `${v.invariant} at ${formatMs(e.atMs)}: ${e.detail}` }))),
  };
}

function header(r: Report): string {
  const cls = r.verdict.ok ? "pass" : "fail";
  return `<header>
<h1>${esc(r.scenario.name)} <span class="seed">seed ${esc(r.seed)}</span></h1>
<p class="verdict ${cls}">${esc(verdictLine(r))}</p>
${r.scenario.description.trim() ? `<p class="description">${esc(r.scenario.description.trim())}</p>` : ""}
<p class="meta">${esc(r.scenario.file)} · profile ${esc(r.scenario.profile)} · ${esc(formatMs(r.run.loadMs))} of load${r.timeline.faults.length > 0 ? " with faults, then healed" : ""}; the run ended at ${esc(formatMs(r.run.endMs))} · ${thousands(r.run.events)} events · replay: <code>${esc(r.run.replay)}</code></p>
<pre class="perf">${esc(r.metrics.perfTest)}</pre>
</header>`;
}

function kpis(r: Report): string {
  const m = r.metrics;
  const items: [string, string, boolean][] = [
    ["records acknowledged", `${thousands(m.acked)} of ${thousands(m.sent)}`, false],
    ["failed sends", thousands(m.failed), m.failed > 0],
    ["acknowledged, then lost", thousands(m.lostAcked), m.lostAcked > 0],
    ["duplicated", thousands(m.duplicated), m.duplicated > 0],
    ["produce latency p99", formatMs(m.produceLatencyMs.p99), false],
    ["could not write", m.unavailableMs === 0 ? "never" : `${formatMs(m.unavailableMs)} (longest ${formatMs(m.longestUnavailableMs)})`, m.unavailableMs > 0],
  ];
  if (m.processed > 0 || m.rebalances > 0) items.push(["processed", thousands(m.processed), false], ["redelivered", thousands(m.redelivered), m.redelivered > 0], ["rebalances", String(m.rebalances), false]);
  return `<section class="kpis">${items.map(([k, v, bad]) => `<div class="kpi${bad ? " bad" : ""}"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`).join("")}</section>`;
}

function faultList(r: Report): string {
  if (r.timeline.faults.length === 0) return `<section><h2>Faults</h2><p>No faults were scheduled; the load ran on a healthy cluster.</p></section>`;
  const items = r.timeline.faults.map((f, i) => `<li><span class="fault-no">${i + 1}</span> ${esc(f.text)}${f.untilMs === null ? "" : ` (undone at ${esc(formatMs(f.untilMs))})`}</li>`);
  return `<section><h2>Faults</h2><p class="note">Numbered as on the charts and the timeline (purple lines); the green line is the end of the load, where every fault is healed.${r.violations.length > 0 ? " Red triangles are violations (hover for what)." : ""}</p><ol class="faults">${items.join("")}</ol></section>`;
}

function charts(r: Report, axis: TimeAxis, markers: TimeMarkers): string {
  const s = r.series;
  const perSecond = (values: readonly number[]) => values.map((v) => Math.round((v / s.bucketMs) * 1000 * 10) / 10);
  const common = { axis, startMs: s.startMs, bucketMs: s.bucketMs, markers };
  const out: string[] = [];
  const throughput: ChartSeries[] = [
    { name: "sent", color: "#9c9c9c", values: perSecond(s.sent), dashed: true },
    { name: "acknowledged", color: "#2a7f2a", values: perSecond(s.acked) },
    { name: "failed", color: COLORS.down, values: perSecond(s.failed) },
  ];
  if (r.metrics.consumed > 0) throughput.push({ name: "consumed", color: "#4e79a7", values: perSecond(s.consumed) });
  out.push(lineChart({ ...common, title: `Throughput (records per second, ${s.bucketMs} ms buckets)`, unit: "rec/s", series: throughput }));
  out.push(lineChart({ ...common, title: "Produce latency of the records acknowledged in each bucket (log scale)", unit: "ms", log: true, series: percentileSeries(s.produceLatencyMs) }));
  if (r.metrics.endToEndLatencyMs.count > 0) out.push(lineChart({ ...common, title: "End-to-end latency, send to processing or delivery (log scale)", unit: "ms", log: true, series: percentileSeries(s.endToEndLatencyMs) }));
  const groups = Object.keys(s.lag);
  if (groups.length > 0) out.push(lineChart({ ...common, title: "Consumer lag (records: end offset minus committed offset)", unit: "records", series: groups.map((g, i) => ({ name: g, color: BROKER_COLORS[i % BROKER_COLORS.length]!, values: s.lag[g]! })) }));
  out.push(
    lineChart({
      ...common,
      title: "Cluster health: partitions under-replicated or not writable, smallest ISR",
      unit: "count",
      series: [
        { name: "under-replicated", color: COLORS.paused, values: s.underReplicated },
        { name: "not writable", color: COLORS.down, values: s.unavailablePartitions },
        { name: "smallest ISR", color: "#4e79a7", values: s.minIsrSize, dashed: true },
        ...(s.rebalances.some((v) => v > 0) ? [{ name: "rebalances", color: "#b07aa1", values: s.rebalances }] : []),
      ],
    }),
  );
  return `<section><h2>Over time</h2>${out.join("\n")}</section>`;
}

function percentileSeries(p: { p50: (number | null)[]; p99: (number | null)[]; max: (number | null)[] }): ChartSeries[] {
  return [
    { name: "p50", color: "#4e79a7", values: p.p50 },
    { name: "p99", color: "#f28e2b", values: p.p99 },
    { name: "max", color: COLORS.down, values: p.max, dashed: true },
  ];
}


const latencyCols = ["p50 ms", "p95 ms", "p99 ms", "p99.9 ms", "max ms"];
const latencyCells = (l: LatencyMs) => [l.p50, l.p95, l.p99, l.p999, l.max];

function tables(r: Report): string {
  const m = r.metrics;
  const parts = [`<h2>Numbers</h2>`];
  parts.push(`<h3>Producers</h3>`, htmlTable(["producer", "topic", "acks", "sent", "acked", "failed", ...latencyCols], m.produceLatencyByProducer.map((p) => [p.producer, p.topic, p.acks, p.sent, p.acked, p.failed, ...latencyCells(p.latencyMs)])));
  if (m.produceLatencyByAcks.length > 1) parts.push(`<h3>By acks</h3>`, htmlTable(["acks", "records", ...latencyCols], m.produceLatencyByAcks.map((a) => [a.acks, a.latencyMs.count, ...latencyCells(a.latencyMs)])));
  if (m.endToEndLatencyMs.count > 0) parts.push(`<h3>End to end</h3>`, htmlTable(["records", ...latencyCols], [[m.endToEndLatencyMs.count, ...latencyCells(m.endToEndLatencyMs)]]));
  if (m.unavailableWindows.length > 0) {
    parts.push(`<h3>When producers could not write</h3>`, htmlTable(["partition", "from", "to", "length", "why"], m.unavailableWindows.slice(0, 50).map((w) => [`${w.topic}-${w.partition}`, formatMs(w.fromMs), formatMs(w.toMs), formatMs(w.toMs - w.fromMs), w.reason])));
  }
  parts.push(`<h3>Violations</h3>`);
  if (r.violations.length === 0) parts.push(`<p>None found.</p>`);
  else parts.push(htmlTable(["invariant", "count", "at", "example"], r.violations.flatMap((v) => v.examples.slice(0, 3).map((e, i) => [i === 0 ? v.invariant : "", i === 0 ? v.count : "", formatMs(e.atMs), e.detail]))));
  return `<section class="tables">${parts.join("\n")}</section>`;
}
