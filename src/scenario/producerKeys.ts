import { closestName } from "../protocol/config/index.ts";
import { MAX_ZIPF_KEYS, UNIFORM_KEYS, type KeyDistribution } from "../workload/KeyDistribution.ts";
import { positiveNumber, read, wholeNumber } from "./fields.ts";
import type { Field, Reader } from "./Reader.ts";

/** A producer's keys: how many distinct ones (null: keyless records) and how they are drawn. */
export interface ProducerKeys {
  readonly count: number | null;
  readonly distribution: KeyDistribution;
}

const MAX_KEYS = 1_000_000_000;
const DISTRIBUTIONS = ["uniform", "zipf"] as const;
const KEYS_KEYS = ["count", "distribution", "exponent"] as const;
/** Zipf's law with exponent 1 unless the file says otherwise. */
const DEFAULT_ZIPF_EXPONENT = 1;
const MAX_ZIPF_EXPONENT = 10;
const KEYS_EXAMPLE = "a number of distinct keys (keys: 1000) or {count: 1000, distribution: zipf, exponent: 1.2}";

/**
 * `keys: 100` (drawn uniformly) or `keys: {count: 1000, distribution: zipf, exponent: 1.2}`
 * (the key of rank k drawn with weight 1/k^exponent). Absent: keyless records. Undefined
 * after reporting a problem.
 */
export function readProducerKeys(r: Reader, field: Field): ProducerKeys | undefined {
  if (r.isEmpty(field)) return { count: null, distribution: UNIFORM_KEYS };
  if (r.describe(field) !== "a mapping") {
    if (typeof r.value(field) !== "number") return r.fail(field, `expected ${KEYS_EXAMPLE}, got ${r.describe(field)}`);
    const count = r.check(field, wholeNumber("distinct keys", 1, MAX_KEYS));
    return count === undefined ? undefined : { count, distribution: UNIFORM_KEYS };
  }
  const entries = r.mapping(field, KEYS_EXAMPLE);
  if (entries === undefined || !r.knownKeys(entries, KEYS_KEYS, "keys")) return undefined;
  const at = (key: string): Field => r.entry(entries, field, key);
  if (r.isEmpty(at("count"))) return r.fail(at("count"), "keys needs a count of distinct keys, like {count: 1000, distribution: zipf}");
  const kind = readDistributionName(r, at("distribution"));
  if (kind === undefined) return undefined;
  if (kind === "uniform") {
    if (!r.isEmpty(at("exponent"))) return r.failKey(at("exponent"), "an exponent is for distribution: zipf; uniform keys have none");
    const count = read(r, at("count"), wholeNumber("distinct keys", 1, MAX_KEYS), 1);
    return count === undefined ? undefined : { count, distribution: UNIFORM_KEYS };
  }
  // A Zipf draw searches a table of one number per key: its size is bounded.
  const count = read(r, at("count"), wholeNumber("distinct keys", 1, MAX_ZIPF_KEYS), 1);
  const exponent = read(r, at("exponent"), positiveNumber("the Zipf exponent", 0, MAX_ZIPF_EXPONENT), DEFAULT_ZIPF_EXPONENT);
  if (count === undefined || exponent === undefined) return undefined;
  return { count, distribution: { kind: "zipf", exponent } };
}

function readDistributionName(r: Reader, field: Field): (typeof DISTRIBUTIONS)[number] | undefined {
  if (r.isEmpty(field)) return "uniform";
  const name = r.scalarText(field);
  if (name !== undefined && (DISTRIBUTIONS as readonly string[]).includes(name)) return name as (typeof DISTRIBUTIONS)[number];
  return r.fail(field, `expected a key distribution, one of ${DISTRIBUTIONS.join(", ")}, got ${r.describe(field)}`, name === undefined ? undefined : closestName(name, DISTRIBUTIONS));
}
