/** Small helpers for the inline SVG of report.html (no library, no script). */

export function esc(text: string | number): string {
  return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A number for an SVG attribute: two decimals at most. */
export function n(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** Plot geometry shared by the charts and the timeline, so their time axes line up. */
export const PLOT = { width: 1000, left: 150, right: 20 } as const;

/** A time axis from 0 to `endMs` over the plot's width. */
export class TimeAxis {
  readonly x0 = PLOT.left;
  readonly x1 = PLOT.width - PLOT.right;

  constructor(readonly endMs: number) {}

  x(ms: number): number {
    const clamped = Math.min(Math.max(ms, 0), this.endMs);
    return this.x0 + (clamped / Math.max(1, this.endMs)) * (this.x1 - this.x0);
  }

  /** Tick times in milliseconds: 1, 2, 5, 10, 15, 30 s ... apart, about ten of them. */
  ticks(): number[] {
    const steps = [100, 250, 500, 1000, 2000, 5000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000];
    const step = steps.find((s) => this.endMs / s <= 12) ?? steps.at(-1)!;
    const out: number[] = [];
    for (let t = 0; t <= this.endMs + 1e-9; t += step) out.push(t);
    return out;
  }

  /** Tick labels and light grid lines from y `top` to `bottom`, the labels under `bottom`. */
  grid(top: number, bottom: number): string {
    return this.ticks()
      .map((t) => {
        const x = n(this.x(t));
        return `<line class="grid" x1="${x}" x2="${x}" y1="${n(top)}" y2="${n(bottom)}"/><text class="tick" x="${x}" y="${n(bottom + 14)}" text-anchor="middle">${esc(formatSeconds(t))}</text>`;
      })
      .join("");
  }
}

export function formatSeconds(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  return `${Math.round(ms / 10) / 100}s`;
}

/** "Nice" y-axis ticks from 0 to at least `max`. */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const out: number[] = [];
  for (let v = 0; v < max + step - 1e-9; v += step) out.push(Math.round(v * 1e6) / 1e6);
  return out;
}

/** Powers of ten covering [min, max], for a logarithmic axis. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 1e-3)));
  const hi = Math.ceil(Math.log10(Math.max(max, min * 10, 1e-2)));
  const out: number[] = [];
  for (let e = lo; e <= hi; e++) out.push(10 ** e);
  return out;
}

export function formatValue(v: number): string {
  if (v >= 1_000_000) return `${n(v / 1_000_000)}M`;
  if (v >= 10_000) return `${n(v / 1000)}k`;
  if (v < 1 && v > 0) return String(Math.round(v * 1000) / 1000);
  return String(Math.round(v * 100) / 100);
}

/** Colours: one per broker (Tableau 10, without its red), and the states'. */
export const BROKER_COLORS = ["#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#9c755f", "#ff9da7", "#bab0ac", "#86bcb6"];
export const COLORS = {
  up: "#cfe8cf",
  down: "#d62728",
  paused: "#f0a202",
  off: "#eeeeee",
  fault: "#7f3fbf",
  violation: "#d62728",
  healed: "#2a7f2a",
  offline: "#9a9a9a",
} as const;

/** Hatch patterns the timeline and the legend use (defined once per SVG). */
export function patternDefs(): string {
  return (
    `<defs>` +
    `<pattern id="hatch-net" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#efe3fa"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS.fault}" stroke-width="2.5"/></pattern>` +
    `<pattern id="hatch-offline" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#f2f2f2"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS.offline}" stroke-width="2"/></pattern>` +
    `<pattern id="hatch-down" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(-45)"><rect width="6" height="6" fill="#fbe4e4"/><line x1="0" y1="0" x2="0" y2="6" stroke="${COLORS.down}" stroke-width="2.5"/></pattern>` +
    `</defs>`
  );
}
