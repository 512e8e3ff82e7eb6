/**
 * Simulated time is an integer number of microseconds since the start of a run.
 * Never floats of seconds: integer time makes ordering exact and replays identical.
 */
export type Micros = number;

export const MICROS_PER_MS = 1_000;
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;

export const micros = (n: number): Micros => n;
export const millis = (n: number): Micros => Math.round(n * MICROS_PER_MS);
export const seconds = (n: number): Micros => Math.round(n * MICROS_PER_SECOND);

const UNIT_MICROS: Record<string, number> = {
  us: 1,
  ms: MICROS_PER_MS,
  s: MICROS_PER_SECOND,
  m: MICROS_PER_MINUTE,
  h: MICROS_PER_HOUR,
};

/** Thrown for a duration string that is not `<number><unit>`; the message says what is accepted. */
export class DurationError extends Error {
  override name = "DurationError";
}

const DURATION = /^(\d+)(?:\.(\d+))?(us|ms|s|m|h)$/;
const ACCEPTED = "expected a number with a unit (us, ms, s, m, h), for example 250us, 5ms, 30s, 2m";

/**
 * Parses `250us`, `5ms`, `1.5s`, `2m`, `1h` into microseconds. A bare number, a negative
 * number, an unknown unit or a fraction of a microsecond is rejected: a scenario that
 * says `timeout: 30` must not silently mean 30 microseconds.
 */
export function parseDuration(text: string): Micros {
  const trimmed = String(text).trim();
  const match = DURATION.exec(trimmed);
  if (!match) throw new DurationError(`invalid duration "${text}": ${ACCEPTED}`);
  // Exact decimal arithmetic: in floats, 1.005 * 1000 is 1004.9999999999999, and a
  // valid "1.005ms" would be rejected as finer than a microsecond.
  const fraction = match[2] ?? "";
  const scaled = BigInt(match[1]! + fraction) * BigInt(UNIT_MICROS[match[3]!]!);
  const divisor = 10n ** BigInt(fraction.length);
  if (scaled % divisor !== 0n) {
    throw new DurationError(`invalid duration "${text}": finer than one microsecond; ${ACCEPTED}`);
  }
  const value = scaled / divisor;
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DurationError(`invalid duration "${text}": too large; ${ACCEPTED}`);
  }
  return Number(value);
}

/** Formats microseconds with the largest unit that keeps it exact-ish and readable: `1.5s`, `250us`. */
export function formatDuration(t: Micros): string {
  if (t === 0) return "0s";
  const abs = Math.abs(t);
  if (abs >= MICROS_PER_SECOND) return `${trimNumber(t / MICROS_PER_SECOND)}s`;
  if (abs >= MICROS_PER_MS) return `${trimNumber(t / MICROS_PER_MS)}ms`;
  return `${t}us`;
}

function trimNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(3).replace(/0+$/, "").replace(/\.$/, "");
}
