import type { Acks } from "../requests.ts";
import { closestName, didYouMean } from "./suggest.ts";

/**
 * The value types of Kafka configuration (ConfigDef's INT, LONG, DOUBLE, BOOLEAN, STRING,
 * with its range and choice validators), each a parser from what a scenario file or a
 * command line gives (a YAML number or boolean, or Kafka's text form `"5"`, `"true"`,
 * `"all"`) to a normalised value, and a formatter back to Kafka's text.
 */
export type ParseResult<V> = { readonly ok: true; readonly value: V } | { readonly ok: false; readonly problem: string };

export type ValueType = "int" | "long" | "double" | "boolean" | "string" | "enum" | "acks";

export interface ValueKind<V> {
  readonly type: ValueType;
  /** The accepted values in words, for documentation: `a whole number >= 0`, `delete or compact`. */
  readonly accepts: string;
  /** Choices of an enum (normalised), for documentation and suggestions. */
  readonly choices?: readonly string[];
  /** `unit` names what a number counts (`milliseconds`, `bytes`), for messages. */
  parse(raw: unknown, unit?: string): ParseResult<V>;
  format(value: V): string;
}

/** Kafka's Long.MAX_VALUE ("never", "unbounded") is held as the largest exact integer. */
export const LONG_MAX = Number.MAX_SAFE_INTEGER;
export const INT_MAX = 2_147_483_647;
const INT_MIN = -2_147_483_648;
const JAVA_LONG_MAX = 9_223_372_036_854_775_807n;

const ok = <V>(value: V): ParseResult<V> => ({ ok: true, value });
const fail = <V>(problem: string): ParseResult<V> => ({ ok: false, problem });

/** How a raw value is quoted in messages: strings in quotes, the rest as YAML shows them. */
export function showRaw(raw: unknown): string {
  if (typeof raw === "string") return JSON.stringify(raw);
  if (raw === null || raw === undefined) return "nothing";
  if (Array.isArray(raw)) return "a list";
  if (typeof raw === "object") return "a mapping";
  return String(raw);
}

interface NumberBounds {
  readonly min?: number;
  readonly max?: number;
}

function boundsText(bounds: NumberBounds): string {
  const { min, max } = bounds;
  if (min !== undefined && max !== undefined) return ` from ${min} to ${max}`;
  if (min !== undefined) return ` >= ${min}`;
  if (max !== undefined) return ` <= ${max}`;
  return "";
}

/** A whole number: a YAML integer, or its decimal text. Anything else explains what was wrong. */
function parseWhole(raw: unknown, unit: string | undefined, bounds: NumberBounds, limit: { min: number; max: number; long: boolean }): ParseResult<number> {
  const what = `a whole number${unit ? ` of ${unit}` : ""}${boundsText(bounds)}`;
  let value: number;
  if (typeof raw === "number") {
    if (!Number.isFinite(raw) || !Number.isInteger(raw)) return fail(`expected ${what}, got ${showRaw(raw)}`);
    value = raw;
  } else if (typeof raw === "string" && /^\s*-?\d+\s*$/.test(raw)) {
    const big = BigInt(raw.trim());
    if (limit.long && big >= JAVA_LONG_MAX) return ok(clampLong(LONG_MAX, bounds));
    value = Number(big);
  } else {
    return fail(`expected ${what}, got ${showRaw(raw)}${unitHint(raw, unit)}`);
  }
  if (limit.long && value > LONG_MAX) value = LONG_MAX; // Long.MAX_VALUE and its neighbours: unbounded
  if (value < limit.min || value > limit.max) return fail(`expected ${what}, got ${value}: out of range for ${limit.long ? "a long" : "an int"}`);
  if (bounds.min !== undefined && value < bounds.min) return fail(`expected ${what}, got ${value}`);
  if (bounds.max !== undefined && value > bounds.max) return fail(`expected ${what}, got ${value}`);
  return ok(value);
}

function clampLong(value: number, bounds: NumberBounds): number {
  return bounds.max !== undefined ? Math.min(value, bounds.max) : value;
}

/** `"5s"` given to a `.ms` key: say how to write it, since Kafka's keys take plain numbers. */
function unitHint(raw: unknown, unit: string | undefined): string {
  if (typeof raw !== "string" || unit !== "milliseconds") return "";
  const match = /^\s*(\d+(?:\.\d+)?)\s*(us|ms|s|m|h)\s*$/.exec(raw);
  if (!match) return "";
  const perUnit: Record<string, number> = { us: 0.001, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };
  const millis = Number(match[1]) * perUnit[match[2]!]!;
  const example = Number.isInteger(millis) ? `: write ${millis}` : "";
  return `; Kafka's .ms keys take a plain number of milliseconds${example}`;
}

export function intKind(bounds: NumberBounds = {}): ValueKind<number> {
  return {
    type: "int",
    accepts: `a whole number${boundsText(bounds)}`,
    parse: (raw, unit) => parseWhole(raw, unit, bounds, { min: INT_MIN, max: INT_MAX, long: false }),
    format: (value) => String(value),
  };
}

/** A Java long. Values at or beyond Number.MAX_SAFE_INTEGER (Kafka's Long.MAX_VALUE) mean unbounded. */
export function longKind(bounds: NumberBounds = {}): ValueKind<number> {
  return {
    type: "long",
    accepts: `a whole number${boundsText(bounds)}`,
    parse: (raw, unit) => parseWhole(raw, unit, bounds, { min: -LONG_MAX, max: LONG_MAX, long: true }),
    format: (value) => (value === LONG_MAX ? String(JAVA_LONG_MAX) : String(value)),
  };
}

export function doubleKind(bounds: NumberBounds = {}): ValueKind<number> {
  const what = `a number${boundsText(bounds)}`;
  return {
    type: "double",
    accepts: what,
    parse(raw) {
      const value = typeof raw === "number" ? raw : typeof raw === "string" && raw.trim() !== "" ? Number(raw) : Number.NaN;
      if (!Number.isFinite(value)) return fail(`expected ${what}, got ${showRaw(raw)}`);
      if (bounds.min !== undefined && value < bounds.min) return fail(`expected ${what}, got ${value}`);
      if (bounds.max !== undefined && value > bounds.max) return fail(`expected ${what}, got ${value}`);
      return ok(value);
    },
    format: (value) => String(value),
  };
}

/** Kafka's BOOLEAN: true or false, as a YAML boolean or text in any case. */
export function booleanKind(): ValueKind<boolean> {
  return {
    type: "boolean",
    accepts: "true or false",
    parse(raw) {
      if (typeof raw === "boolean") return ok(raw);
      if (typeof raw === "string" && /^\s*(true|false)\s*$/i.test(raw)) return ok(raw.trim().toLowerCase() === "true");
      return fail(`expected true or false, got ${showRaw(raw)}`);
    },
    format: (value) => String(value),
  };
}

/** Free text (an id). `nullable` admits Kafka's null default (group.id). Numbers are taken as their text. */
export function stringKind(options: { nullable: true }): ValueKind<string | null>;
export function stringKind(options?: { nullable?: false }): ValueKind<string>;
export function stringKind(options: { nullable?: boolean } = {}): ValueKind<string | null> {
  return {
    type: "string",
    accepts: options.nullable ? "a name, or null" : "a name",
    parse(raw) {
      if (raw === null && options.nullable) return ok(null);
      if (typeof raw === "string" && raw.length > 0) return ok(raw);
      if (typeof raw === "number" && Number.isFinite(raw)) return ok(String(raw));
      return fail(`expected ${options.nullable ? "a name or null" : "a name"}, got ${showRaw(raw)}`);
    },
    format: (value) => (value === null ? "null" : value),
  };
}

/**
 * One of a fixed set of words, matched without regard to case; `aliases` map other
 * spellings (Kafka's class names, say) to a choice.
 */
export function enumKind<const C extends string>(choices: readonly C[], aliases: Readonly<Record<string, C>> = {}): ValueKind<C> {
  const accepts = choices.length === 2 ? `${choices[0]} or ${choices[1]}` : `one of ${choices.join(", ")}`;
  return {
    type: "enum",
    accepts,
    choices,
    parse(raw) {
      const text = typeof raw === "string" ? raw.trim() : typeof raw === "number" ? String(raw) : undefined;
      if (text !== undefined) {
        const found = choices.find((c) => c.toLowerCase() === text.toLowerCase());
        if (found !== undefined) return ok(found);
        const alias = Object.entries(aliases).find(([name]) => name.toLowerCase() === text.toLowerCase());
        if (alias !== undefined) return ok(alias[1]);
      }
      const hint = text === undefined ? "" : didYouMean(closestName(text, choices));
      return fail(`expected ${accepts}, got ${showRaw(raw)}${hint}`);
    },
    format: (value) => value,
  };
}

/** Kafka's acks: `all` (the same as `-1`), `0` or `1`, normalised to the protocol's -1, 0, 1. */
export function acksKind(): ValueKind<Acks> {
  return {
    type: "acks",
    accepts: "all, -1, 0 or 1",
    choices: ["all", "0", "1"],
    parse(raw) {
      const text = typeof raw === "number" ? String(raw) : typeof raw === "string" ? raw.trim().toLowerCase() : undefined;
      if (text === "all" || text === "-1") return ok(-1);
      if (text === "0") return ok(0);
      if (text === "1") return ok(1);
      const hint = text === undefined ? "" : didYouMean(closestName(text, ["all"]));
      return fail(`expected all, -1, 0 or 1, got ${showRaw(raw)}${hint}`);
    },
    format: (value) => (value === -1 ? "all" : String(value)),
  };
}
