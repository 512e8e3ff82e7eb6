import { z } from "zod";
import { formatDuration, parseDuration, type Micros } from "../../sim/index.ts";
import type { Field, Reader } from "./Reader.ts";

/**
 * Readers of leaf values: whole numbers, numbers, booleans, names, durations, sizes and
 * rates. Each reports a problem at the field and returns undefined; an absent field gives
 * the default. Numeric checks are zod schemas with messages in a scenario author's words.
 */

function shown(input: unknown): string {
  if (typeof input === "string") return JSON.stringify(input);
  if (input === null || input === undefined) return "nothing";
  if (Array.isArray(input)) return "a list";
  if (typeof input === "object") return "a mapping";
  return String(input);
}

/** A whole number of `noun` within [min, max]. */
export function wholeNumber(noun: string, min: number, max: number): z.ZodType<number> {
  return z
    .int({ error: (issue) => `expected a whole number of ${noun}, got ${shown(issue.input)}` })
    .min(min, { error: (issue) => `must be at least ${min}, got ${shown(issue.input)}` })
    .max(max, { error: (issue) => `must be at most ${max}, got ${shown(issue.input)}` });
}

/** A number (fractions allowed) above `above` (exclusive) and at most `max`. */
export function positiveNumber(noun: string, above: number, max: number): z.ZodType<number> {
  return z
    .number({ error: (issue) => `expected a number of ${noun}, got ${shown(issue.input)}` })
    .gt(above, { error: (issue) => `must be more than ${above}, got ${shown(issue.input)}` })
    .max(max, { error: (issue) => `must be at most ${max}, got ${shown(issue.input)}` });
}

export const probability: z.ZodType<number> = z
  .number({ error: (issue) => `expected a probability from 0 to 1, got ${shown(issue.input)}` })
  .min(0, { error: (issue) => `expected a probability from 0 to 1, got ${shown(issue.input)}` })
  .max(1, { error: (issue) => `expected a probability from 0 to 1, got ${shown(issue.input)}` });

export const flag: z.ZodType<boolean> = z.boolean({ error: (issue) => `expected true or false, got ${shown(issue.input)}` });

export const text: z.ZodType<string> = z.string({ error: (issue) => `expected text, got ${shown(issue.input)}` });

/** The field's value checked by `schema`, or `fallback` when the field is absent or empty. */
export function read<T>(r: Reader, field: Field, schema: z.ZodType<T>, fallback: T): T | undefined {
  return r.isEmpty(field) ? fallback : r.check(field, schema);
}

const DURATION_EXAMPLES = "a duration with a unit (us, ms, s, m, h), like 250us, 5ms, 30s or 2m";

/** A duration string (`30s`) in microseconds; bare numbers are refused, since their unit is a guess. */
export function readDuration(r: Reader, field: Field, fallback: Micros, min: Micros = 0): Micros | undefined {
  if (r.isEmpty(field)) return fallback;
  const raw = r.value(field);
  if (typeof raw === "number") {
    const guess = Number.isFinite(raw) && raw >= 0 ? `${raw}s` : undefined;
    return r.fail(field, `expected ${DURATION_EXAMPLES}; a bare number has no unit`, guess);
  }
  if (typeof raw !== "string") return r.fail(field, `expected ${DURATION_EXAMPLES}, got ${r.describe(field)}`);
  let micros: Micros;
  try {
    micros = parseDuration(raw);
  } catch {
    const spaced = /^\s*(\d+(?:\.\d+)?)\s+(us|ms|s|m|h)\s*$/.exec(raw);
    return r.fail(field, `expected ${DURATION_EXAMPLES}, got ${JSON.stringify(raw)}`, spaced ? `${spaced[1]}${spaced[2]}` : undefined);
  }
  if (micros < min) return r.fail(field, `must be at least ${formatDuration(min)}, got ${raw}`);
  return micros;
}

const SIZE_UNITS: Readonly<Record<string, number>> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
  bit: 1 / 8,
  kbit: 1e3 / 8,
  mbit: 1e6 / 8,
  gbit: 1e9 / 8,
};
const SIZE_EXAMPLES = "units B, KB, MB, GB (powers of 1000), KiB, MiB, GiB (of 1024) or kbit, Mbit, Gbit";

/** `10GB`, `512MiB`: bytes. With `perSecond`, `125MB/s`, `1Gbit/s`: bytes per second. */
export function readSize(r: Reader, field: Field, fallback: number, perSecond: boolean): number | undefined {
  if (r.isEmpty(field)) return fallback;
  const raw = r.value(field);
  const example = perSecond ? "125MB/s" : "10GB";
  const what = perSecond ? "a rate with a unit, like 125MB/s or 1Gbit/s" : "a size with a unit, like 100MB or 10GiB";
  if (typeof raw === "number") return r.fail(field, `expected ${what}; a bare number has no unit`);
  if (typeof raw !== "string") return r.fail(field, `expected ${what}, got ${r.describe(field)}`);
  const match = perSecond ? /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*\/\s*s\s*$/.exec(raw) : /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)\s*$/.exec(raw);
  const unitName = match?.[2]?.toLowerCase() ?? "";
  const unit = Object.hasOwn(SIZE_UNITS, unitName) ? SIZE_UNITS[unitName] : undefined;
  if (match === null || unit === undefined) return r.fail(field, `expected ${what} (${SIZE_EXAMPLES}), got ${JSON.stringify(raw)}; for example ${example}`);
  const bytes = Math.round(Number(match[1]) * unit);
  if (bytes < 1 || !Number.isSafeInteger(bytes)) return r.fail(field, `${JSON.stringify(raw)} is out of range`);
  return bytes;
}
