import { COLORS, esc, formatValue, logTicks, n, niceTicks, type TimeAxis } from "./svg.ts";

export interface ChartSeries {
  readonly name: string;
  readonly color: string;
  /** One value per bucket; null leaves a gap. */
  readonly values: readonly (number | null)[];
  readonly dashed?: boolean;
}

/** What every chart and the timeline mark on the time axis. */
export interface TimeMarkers {
  readonly faults: readonly { readonly atMs: number; readonly untilMs: number | null; readonly label: string; readonly text: string }[];
  readonly healedAtMs: number;
  readonly violations: readonly { readonly atMs: number; readonly text: string }[];
}

export interface LineChartOptions {
  readonly title: string;
  readonly unit: string;
  readonly axis: TimeAxis;
  readonly startMs: readonly number[];
  readonly bucketMs: number;
  readonly series: readonly ChartSeries[];
  readonly markers: TimeMarkers;
  /** A logarithmic y axis (latencies that span orders of magnitude). */
  readonly log?: boolean;
}

/** Rows of fault numbers above a plot. */
export const MARKER_ROWS = 3;
const MARKER_ROW_HEIGHT = 11;
const HEIGHT = 246;
const TOP = 70;
const BOTTOM = HEIGHT - 26;

/** A line chart of per-bucket values over simulated time, with the faults, the heal and the violations marked. */
export function lineChart(o: LineChartOptions): string {
  const values = o.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(0, ...values);
  const positive = values.filter((v) => v > 0);
  const log = o.log === true && positive.length > 0;
  const ticks = log ? logTicks(Math.min(...positive), max) : niceTicks(max);
  const lo = log ? ticks[0]! : 0;
  const hi = ticks.at(-1)!;
  const y = (v: number) => {
    const f = log ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) : v / (hi || 1);
    return BOTTOM - f * (BOTTOM - TOP);
  };
  const a = o.axis;
  const parts: string[] = [];
  parts.push(`<text class="chart-title" x="${a.x0}" y="16">${esc(o.title)}</text>`);
  parts.push(legend(o.series, a.x1));
  parts.push(`<text class="unit" x="${a.x0 - 8}" y="${TOP - 8}" text-anchor="end">${esc(o.unit)}</text>`);
  for (const t of ticks) parts.push(`<line class="grid" x1="${a.x0}" x2="${a.x1}" y1="${n(y(t))}" y2="${n(y(t))}"/><text class="tick" x="${a.x0 - 6}" y="${n(y(t) + 4)}" text-anchor="end">${esc(formatValue(t))}</text>`);
  parts.push(a.grid(TOP, BOTTOM));
  parts.push(markerShapes(o.markers, a, TOP, BOTTOM));
  for (const s of o.series) parts.push(seriesPath(s, o, y));
  parts.push(`<line class="axis" x1="${a.x0}" x2="${a.x1}" y1="${BOTTOM}" y2="${BOTTOM}"/>`);
  return `<svg class="chart" viewBox="0 0 1000 ${HEIGHT}" role="img" aria-label="${esc(o.title)}">${parts.join("")}</svg>`;
}

function seriesPath(s: ChartSeries, o: LineChartOptions, y: (v: number) => number): string {
  const runs: string[] = [];
  let current: string[] = [];
  s.values.forEach((v, i) => {
    if (v === null) {
      if (current.length > 0) runs.push(current.join(" "));
      current = [];
      return;
    }
    current.push(`${n(o.axis.x(o.startMs[i]! + o.bucketMs / 2))},${n(y(v))}`);
  });
  if (current.length > 0) runs.push(current.join(" "));
  const dash = s.dashed ? ` stroke-dasharray="5 3"` : "";
  return runs
    .map((points) =>
      points.includes(" ")
        ? `<polyline class="series" points="${points}" stroke="${s.color}"${dash}><title>${esc(s.name)}</title></polyline>`
        : `<circle cx="${points.split(",")[0]}" cy="${points.split(",")[1]}" r="2.5" fill="${s.color}"><title>${esc(s.name)}</title></circle>`,
    )
    .join("");
}

function legend(series: readonly ChartSeries[], right: number): string {
  let x = right;
  const items: string[] = [];
  for (const s of [...series].reverse()) {
    const width = 26 + s.name.length * 6.4;
    x -= width;
    items.push(`<line x1="${n(x)}" x2="${n(x + 16)}" y1="26" y2="26" stroke="${s.color}" stroke-width="3"${s.dashed ? ` stroke-dasharray="5 3"` : ""}/><text class="legend" x="${n(x + 20)}" y="30">${esc(s.name)}</text>`);
  }
  return items.join("");
}

/**
 * Faults as numbered purple lines (a band while a fault with `for:` lasts), the end of the
 * load (everything healed) in green, violations as red triangles with what they were.
 */
export function markerShapes(m: TimeMarkers, a: TimeAxis, top: number, bottom: number): string {
  const parts: string[] = [];
  // Labels of faults close together go on rows above one another (up to MARKER_ROWS).
  const rowEnds: number[] = [];
  for (const f of [...m.faults].sort((x, y) => x.atMs - y.atMs)) {
    const x = a.x(f.atMs);
    let row = rowEnds.findIndex((end) => end <= x);
    if (row < 0) row = rowEnds.length < MARKER_ROWS ? rowEnds.length : rowEnds.indexOf(Math.min(...rowEnds));
    rowEnds[row] = x + 7 * f.label.length + 6;
    const labelY = top - 8 - row * MARKER_ROW_HEIGHT;
    if (f.untilMs !== null) parts.push(`<rect class="fault-band" x="${n(x)}" y="${n(top)}" width="${n(Math.max(1, a.x(f.untilMs) - x))}" height="${n(bottom - top)}"/>`);
    parts.push(`<g class="fault"><title>${esc(`fault ${f.label}: ${f.text}`)}</title><line x1="${n(x)}" x2="${n(x)}" y1="${n(labelY + 2)}" y2="${n(bottom)}"/><text x="${n(x + 2)}" y="${n(labelY)}">${esc(f.label)}</text></g>`);
  }
  const hx = a.x(m.healedAtMs);
  parts.push(`<g class="healed"><title>the load ends here; every fault is healed and the cluster settles</title><line x1="${n(hx)}" x2="${n(hx)}" y1="${n(top - 6)}" y2="${n(bottom)}"/><text x="${n(hx + 3)}" y="${n(top - 8)}">healed</text></g>`);
  for (const v of m.violations) {
    const x = a.x(v.atMs);
    parts.push(`<path class="violation" d="M${n(x - 5)},${n(top - 2)} L${n(x + 5)},${n(top - 2)} L${n(x)},${n(top + 7)} Z"><title>${esc(v.text)}</title></path>`);
  }
  return parts.join("");
}

export { COLORS };
