import { keyInfo, parseConfigValue, type ConfigScope } from "../protocol/config/index.ts";
import { drawsOf } from "./draws.ts";
import { drawInRange, isRangeText, parseDurationRange, parseNumberRange, type NumberRange } from "./ranges.ts";
import type { Field, Reader } from "./Reader.ts";

/**
 * Kafka settings left to the seed (swarm testing). In any `config:` block a value may be
 *
 *   acks: [1, all]                        one of these, drawn per seed
 *   replica.lag.time.max.ms: 1s..30s      a whole number of milliseconds in the range (a .ms key
 *                                         takes durations with units, or plain 1000..30000)
 *   batch.size: 1000..64000               a number in the range (whole if both ends are)
 *
 * Ranges are for numeric keys only (a `..` in a text key is text). Every option and both
 * ends of a range are checked like a plain value of the key, each at its own line. A run
 * with seed S draws each such setting from the stream `swarm/setting/<field path>`; with
 * no seed the first option (or the low end) stands.
 */
export function readSetting(r: Reader, entry: Field, scope: ConfigScope, key: string): unknown {
  const raw = r.value(entry);
  if (Array.isArray(raw)) return readOneOf(r, entry, scope, key);
  const info = keyInfo(scope, key);
  const numeric = info !== undefined && (info.type === "int" || info.type === "long" || info.type === "double");
  if (numeric && isRangeText(raw)) return readRange(r, entry, scope, key, raw, info.type === "double");
  return raw;
}

function readOneOf(r: Reader, entry: Field, scope: ConfigScope, key: string): unknown {
  const items = r.list(entry, "a list of values to choose from") ?? [];
  const draws = drawsOf(r);
  draws.varies = true;
  if (items.length === 0) {
    r.fail(entry, `an empty list offers nothing to choose; write one value, or a list of values such as [1, all] (one is drawn per seed)`);
    return undefined;
  }
  const options = items.map((item) => r.value(item));
  if (keyInfo(scope, key) !== undefined) {
    items.forEach((item, index) => {
      if (Array.isArray(options[index]) || (options[index] !== null && typeof options[index] === "object")) {
        r.fail(item, `option ${index + 1} of ${key} must be a plain value, got ${r.describe(item)}`);
        return;
      }
      const parsed = parseConfigValue(scope, key, options[index]);
      if (!parsed.ok) r.fail(item, `option ${index + 1} of ${key}: ${parsed.error.detail}`, parsed.error.suggestion);
    });
  }
  const random = draws.stream(`setting/${entry.path}`);
  const chosen = random === null ? options[0] : random.pick(options);
  draws.settings.set(entry.path, shown(chosen));
  return chosen;
}

function readRange(r: Reader, entry: Field, scope: ConfigScope, key: string, text: string, fractional: boolean): unknown {
  const draws = drawsOf(r);
  draws.varies = true;
  const parsedRange = parseSettingRange(text, key);
  if (!parsedRange.ok) return r.fail(entry, parsedRange.problem);
  if (!fractional && !parsedRange.range.whole) return r.fail(entry, `${key} takes whole numbers: write the range's ends without fractions`);
  // A key that takes fractions draws fractions, even between whole ends (0..1).
  const range = { range: fractional ? { ...parsedRange.range, whole: false } : parsedRange.range };
  for (const end of [range.range.low, range.range.high]) {
    const parsed = parseConfigValue(scope, key, end);
    if (!parsed.ok) return r.fail(entry, `the range ${text} of ${key}: ${parsed.error.detail}`);
  }
  const random = draws.stream(`setting/${entry.path}`);
  const chosen = random === null ? range.range.low : drawInRange(random, range.range);
  draws.settings.set(entry.path, chosen);
  return chosen;
}

/** A .ms key's range in milliseconds: durations with units (`1s..30s`), or plain numbers of ms. */
function parseSettingRange(text: string, key: string): { ok: true; range: NumberRange } | { ok: false; problem: string } {
  const plain = parseNumberRange(text);
  if (plain.ok || !key.endsWith(".ms")) return plain;
  const durations = parseDurationRange(text);
  if (!durations.ok && durations.problem.startsWith("the low end")) return durations;
  if (!durations.ok) return { ok: false, problem: `expected a range of milliseconds like 1000..30000, or of durations like 1s..30s, got ${JSON.stringify(text)}` };
  const { low, high } = durations.range;
  if (low % 1_000 !== 0 || high % 1_000 !== 0) return { ok: false, problem: `${key} counts whole milliseconds; the range ${text} has ends below a millisecond` };
  return { ok: true, range: { low: low / 1_000, high: high / 1_000, whole: true } };
}

function shown(value: unknown): string | number | boolean | null {
  if (value === null || typeof value === "number" || typeof value === "boolean" || typeof value === "string") return value;
  return JSON.stringify(value) ?? null;
}
