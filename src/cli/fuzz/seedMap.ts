import { COLORS, esc, n } from "../../report/html/svg.ts";
import { bySeed, type FuzzResult } from "./FuzzResult.ts";

/** Seeds drawn at most; a larger campaign's map would be too small to read, and the tables say it all. */
export const SEED_MAP_MAX = 2000;
const PER_ROW = 50;
const CELL = 18;
const LEFT = 60;
const TOP = 10;

/**
 * Every seed of the campaign as a square, green when it held, red when it failed, purple
 * when its two runs differed (nondeterminism): a campaign at a glance. Hovering a square
 * names the seed and what failed. Null past SEED_MAP_MAX seeds.
 */
export function seedMap(result: FuzzResult, seeds: readonly string[]): string | null {
  if (seeds.length === 0 || seeds.length > SEED_MAP_MAX) return null;
  const failures = new Map(result.failures.map((f) => [f.seed, f]));
  const sorted = [...seeds].sort(bySeed);
  const rows = Math.ceil(sorted.length / PER_ROW);
  const height = TOP + rows * CELL + 10;
  const parts: string[] = [];
  for (let r = 0; r < rows; r++) parts.push(`<text class="tick" x="${LEFT - 6}" y="${n(TOP + r * CELL + CELL / 2 + 4)}" text-anchor="end">${esc(sorted[r * PER_ROW]!)}</text>`);
  sorted.forEach((seed, i) => {
    const f = failures.get(seed);
    const color = f === undefined ? "#8fc98f" : f.invariants.includes("nondeterminism") ? COLORS.fault : COLORS.down;
    const what = f === undefined ? "held" : `failed: ${f.invariants.join(", ")}`;
    const x = LEFT + (i % PER_ROW) * CELL;
    const y = TOP + Math.floor(i / PER_ROW) * CELL;
    parts.push(`<rect class="seed${f === undefined ? "" : " failed"}" x="${x}" y="${y}" width="${CELL - 3}" height="${CELL - 3}" fill="${color}"><title>${esc(`seed ${seed} ${what}`)}</title></rect>`);
  });
  return `<svg class="chart seeds" viewBox="0 0 1000 ${height}" role="img" aria-label="seeds run: green held, red failed">${parts.join("")}</svg>`;
}
