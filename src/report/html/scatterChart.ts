import { BROKER_COLORS, esc, formatValue, logTicks, n, niceTicks } from "./svg.ts";

export interface ScatterPoint {
  readonly x: number;
  readonly y: number;
  /** Written beside the point (a setting: `acks=1 min.isr=2`). */
  readonly label: string;
  /** What hovering shows; the label when omitted. */
  readonly title?: string;
}

export interface ScatterOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly points: readonly ScatterPoint[];
  /** Logarithmic axes (latencies spanning orders of magnitude). */
  readonly logX?: boolean;
  readonly logY?: boolean;
}

const WIDTH = 1000;
const HEIGHT = 420;
const LEFT = 80;
const RIGHT = 30;
const TOP = 40;
const BOTTOM = HEIGHT - 50;

/**
 * A labelled scatter chart in inline SVG: one point per setting, e.g. produce latency p99
 * (x) against acknowledged records lost (y) for `ksim compare`. No script, nothing fetched.
 */
export function scatterChart(o: ScatterOptions): string {
  const xs = axis(o.points.map((p) => p.x), o.logX === true, LEFT, WIDTH - RIGHT);
  const ys = axis(o.points.map((p) => p.y), o.logY === true, BOTTOM, TOP);
  const parts = [`<text class="chart-title" x="${LEFT}" y="18">${esc(o.title)}</text>`];
  for (const t of xs.ticks) parts.push(`<line class="grid" x1="${n(xs.at(t))}" x2="${n(xs.at(t))}" y1="${TOP}" y2="${BOTTOM}"/><text class="tick" x="${n(xs.at(t))}" y="${BOTTOM + 15}" text-anchor="middle">${esc(formatValue(t))}</text>`);
  for (const t of ys.ticks) parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${n(ys.at(t))}" y2="${n(ys.at(t))}"/><text class="tick" x="${LEFT - 6}" y="${n(ys.at(t) + 4)}" text-anchor="end">${esc(formatValue(t))}</text>`);
  parts.push(`<text class="unit" x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 12}" text-anchor="middle">${esc(o.xLabel)}</text>`);
  parts.push(`<text class="unit" x="14" y="${(TOP + BOTTOM) / 2}" transform="rotate(-90 14 ${(TOP + BOTTOM) / 2})" text-anchor="middle">${esc(o.yLabel)}</text>`);
  const placed: LabelBox[] = [];
  o.points.forEach((p, i) => {
    const [x, y] = [xs.at(p.x), ys.at(p.y)];
    const color = BROKER_COLORS[i % BROKER_COLORS.length]!;
    const label = placeLabel(p.label, x, y, placed);
    parts.push(`<g><title>${esc(p.title ?? p.label)}</title><circle cx="${n(x)}" cy="${n(y)}" r="5" fill="${color}"/><text class="legend" x="${n(label.textX)}" y="${n(label.textY)}" text-anchor="${label.anchor}">${esc(p.label)}</text></g>`);
  });
  return `<svg class="chart scatter" viewBox="0 0 ${WIDTH} ${HEIGHT}" role="img" aria-label="${esc(o.title)}">${parts.join("")}</svg>`;
}

function axis(values: readonly number[], log: boolean, from: number, to: number): { ticks: number[]; at: (v: number) => number } {
  const positive = values.filter((v) => v > 0);
  const useLog = log && positive.length > 0;
  const ticks = useLog ? logTicks(Math.min(...positive), Math.max(...positive)) : niceTicks(Math.max(0, ...values));
  const lo = useLog ? ticks[0]! : 0;
  const hi = ticks.at(-1)!;
  const at = (v: number) => {
    const f = useLog ? (Math.log10(Math.max(v, lo)) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo) || 1) : v / (hi || 1);
    return from + f * (to - from);
  };
  return { ticks, at };
}

interface LabelBox {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** Approximate width of a character of the 11 px labels, in viewBox units. */
const LABEL_CHAR_WIDTH = 6.3;
const LABEL_LINE = 13;

/**
 * Where a point's label goes: right of the point, or left of it near the right edge; moved
 * down a line at a time while it would cover a label already placed (points that coincide,
 * such as two settings with the same outcome, stay readable).
 */
function placeLabel(text: string, x: number, y: number, placed: LabelBox[]): { textX: number; textY: number; anchor: "start" | "end" } {
  const width = text.length * LABEL_CHAR_WIDTH;
  const left = x + 8 + width > WIDTH - 4;
  const x0 = left ? x - 8 - width : x + 8;
  let baseline = y - 6;
  for (let tries = 0; tries < 12; tries++) {
    const box = { x0, x1: x0 + width, y0: baseline - LABEL_LINE + 3, y1: baseline + 3 };
    if (!placed.some((b) => b.x0 < box.x1 && box.x0 < b.x1 && b.y0 < box.y1 && box.y0 < b.y1)) break;
    baseline += LABEL_LINE;
  }
  placed.push({ x0, x1: x0 + width, y0: baseline - LABEL_LINE + 3, y1: baseline + 3 });
  return { textX: left ? x - 8 : x + 8, textY: baseline, anchor: left ? "end" : "start" };
}
