import { parseDuration, type Random } from "../../sim/index.ts";

/**
 * `low..high` as a scenario writes a range that each seed draws from (swarm testing):
 * `1000..30000` (numbers; whole numbers when both ends are), `0.01..0.5`, or durations with
 * units, `1s..30s`, `5ms..300ms`. Both ends are included; the low end comes first.
 */
export interface NumberRange {
  readonly low: number;
  readonly high: number;
  /** Draw whole numbers (both ends written as whole numbers, or durations). */
  readonly whole: boolean;
}

export type RangeResult = { readonly ok: true; readonly range: NumberRange } | { readonly ok: false; readonly problem: string };

const NUMBER = /^\s*(-?\d+(?:\.\d+)?)\s*$/;

/** True when a value is written as a range (`a..b`), whether or not its ends are valid. */
export function isRangeText(raw: unknown): raw is string {
  return typeof raw === "string" && raw.includes("..");
}

/** A range of plain numbers, `2..50` or `0.01..0.5`. */
export function parseNumberRange(text: string): RangeResult {
  const ends = splitEnds(text);
  if (ends === undefined) return { ok: false, problem: `expected a range low..high, like 2..50, got ${JSON.stringify(text)}` };
  const [lowText, highText] = ends;
  const low = NUMBER.exec(lowText);
  const high = NUMBER.exec(highText);
  if (low === null || high === null) return { ok: false, problem: `expected a range of numbers low..high, like 2..50, got ${JSON.stringify(text)}` };
  return ordered(text, Number(low[1]), Number(high[1]), !low[1]!.includes(".") && !high[1]!.includes("."));
}

/** A range of durations in microseconds, `1s..30s`; each end carries its unit. */
export function parseDurationRange(text: string): RangeResult {
  const ends = splitEnds(text);
  const example = "a range of durations low..high with units, like 1s..30s or 5ms..300ms";
  if (ends === undefined) return { ok: false, problem: `expected ${example}, got ${JSON.stringify(text)}` };
  try {
    return ordered(text, parseDuration(ends[0].trim()), parseDuration(ends[1].trim()), true);
  } catch {
    return { ok: false, problem: `expected ${example}, got ${JSON.stringify(text)}` };
  }
}

/** A single value as a range of one, so `count: 2` and `count: 1..3` read alike. */
export function pointRange(value: number): NumberRange {
  return { low: value, high: value, whole: Number.isInteger(value) };
}

/**
 * A value in the range. Whole ranges draw whole numbers; ranges of durations wider than
 * 10 ms draw whole milliseconds, so drawn schedules read as `at 5.231s`, not `5.231847s`.
 */
export function drawInRange(random: Random, range: NumberRange, micros = false): number {
  if (!range.whole) return range.low + random.next() * (range.high - range.low);
  if (micros && range.high - range.low >= 10_000) {
    const lowMs = Math.ceil(range.low / 1_000);
    const highMs = Math.floor(range.high / 1_000);
    if (lowMs <= highMs) return random.int(lowMs, highMs) * 1_000;
  }
  return random.int(range.low, range.high);
}

export function formatRange(range: NumberRange): string {
  return range.low === range.high ? String(range.low) : `${range.low}..${range.high}`;
}

function splitEnds(text: string): [string, string] | undefined {
  const parts = text.split("..");
  if (parts.length !== 2 || parts[0]!.trim() === "" || parts[1]!.trim() === "") return undefined;
  return [parts[0]!, parts[1]!];
}

function ordered(text: string, low: number, high: number, whole: boolean): RangeResult {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return { ok: false, problem: `${JSON.stringify(text)} is out of range` };
  if (low > high) return { ok: false, problem: `the low end of a range comes first: write ${JSON.stringify(text.split("..").reverse().join(".."))}` };
  if (whole && (!Number.isSafeInteger(low) || !Number.isSafeInteger(high))) return { ok: false, problem: `${JSON.stringify(text)} is out of range` };
  return { ok: true, range: { low, high, whole } };
}
