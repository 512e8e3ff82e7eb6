import { COLORS, esc, formatValue, n, niceTicks } from "./svg.ts";

export interface Bar {
  /** Written left of the bar (a setting, an invariant). */
  readonly label: string;
  readonly value: number;
  /** A spread drawn as a whisker over the bar (the lowest and highest over seeds). */
  readonly range?: { readonly min: number; readonly max: number };
  /** Drawn in red: a bar that stands for something gone wrong. */
  readonly bad?: boolean;
  /** What hovering shows; the label and value when omitted. */
  readonly title?: string;
}

export interface BarChartOptions {
  readonly title: string;
  /** The value axis' label, with its unit. */
  readonly unit: string;
  readonly bars: readonly Bar[];
  /** Counts: ticks on whole numbers only. */
  readonly whole?: boolean;
}

const WIDTH = 1000;
const LEFT = 260;
const RIGHT = 70;
const TOP = 34;
const ROW = 26;
const BAR = 16;

/**
 * Horizontal bars in inline SVG, one labelled row per item (long labels such as
 * `acks=1 min.insync.replicas=2` fit on the left). No script, nothing fetched.
 */
export function barChart(o: BarChartOptions): string {
  const max = Math.max(0, ...o.bars.map((b) => Math.max(b.value, b.range?.max ?? 0)));
  const ticks = niceTicks(max).filter((t) => o.whole !== true || Number.isInteger(t));
  const hi = ticks.at(-1)! || 1;
  const x = (v: number) => LEFT + (Math.max(0, v) / hi) * (WIDTH - RIGHT - LEFT);
  const bottom = TOP + o.bars.length * ROW;
  const height = bottom + 40;
  const parts = [`<text class="chart-title" x="${LEFT}" y="16">${esc(o.title)}</text>`];
  for (const t of ticks) parts.push(`<line class="grid" x1="${n(x(t))}" x2="${n(x(t))}" y1="${TOP - 4}" y2="${bottom}"/><text class="tick" x="${n(x(t))}" y="${bottom + 14}" text-anchor="middle">${esc(formatValue(t))}</text>`);
  parts.push(`<text class="unit" x="${(LEFT + WIDTH - RIGHT) / 2}" y="${height - 6}" text-anchor="middle">${esc(o.unit)}</text>`);
  o.bars.forEach((b, i) => {
    const top = TOP + i * ROW + (ROW - BAR) / 2;
    const mid = top + BAR / 2;
    const color = b.bad ? COLORS.down : "#4e79a7";
    const whisker = b.range === undefined ? "" : `<line class="axis" x1="${n(x(b.range.min))}" x2="${n(x(b.range.max))}" y1="${n(mid)}" y2="${n(mid)}" stroke-width="1.5"/><line class="axis" x1="${n(x(b.range.min))}" x2="${n(x(b.range.min))}" y1="${n(mid - 4)}" y2="${n(mid + 4)}"/><line class="axis" x1="${n(x(b.range.max))}" x2="${n(x(b.range.max))}" y1="${n(mid - 4)}" y2="${n(mid + 4)}"/>`;
    const end = Math.max(x(b.value), b.range === undefined ? 0 : x(b.range.max));
    parts.push(
      `<g class="bar"><title>${esc(b.title ?? `${b.label}: ${formatValue(b.value)}`)}</title>` +
        `<text class="legend" x="${LEFT - 8}" y="${n(mid + 4)}" text-anchor="end">${esc(b.label)}</text>` +
        `<rect x="${LEFT}" y="${n(top)}" width="${n(Math.max(b.value > 0 ? 1 : 0, x(b.value) - LEFT))}" height="${BAR}" fill="${color}"/>${whisker}` +
        `<text class="tick" x="${n(end + 6)}" y="${n(mid + 4)}">${esc(formatValue(b.value))}</text></g>`,
    );
  });
  parts.push(`<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP - 4}" y2="${bottom}"/>`);
  return `<svg class="chart bars" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="${esc(o.title)}">${parts.join("")}</svg>`;
}
