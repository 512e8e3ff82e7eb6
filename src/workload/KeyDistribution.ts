import { assert, type Random } from "../../sim/index.ts";

/**
 * How a producer picks the key of each record among its `count` distinct keys: uniformly,
 * or by Zipf's law (key of rank k drawn with weight 1/k^exponent), the skew of real
 * traffic where a few customers, devices or tenants make most of the records.
 */
export type KeyDistribution = { readonly kind: "uniform" } | { readonly kind: "zipf"; readonly exponent: number };

export const UNIFORM_KEYS: KeyDistribution = { kind: "uniform" };

/** A Zipf table holds one float per key: this bounds its memory (8 MB). */
export const MAX_ZIPF_KEYS = 1_000_000;

/** Draws a key index in [0, count) from a random stream; one draw from the stream per key. */
export type KeyPicker = (random: Random) => number;

export function keyPicker(count: number, distribution: KeyDistribution): KeyPicker {
  assert(Number.isInteger(count) && count >= 1, () => `keyPicker: ${count} keys`);
  if (distribution.kind === "uniform") return (random) => random.int(0, count - 1);
  const cdf = zipfCdf(count, distribution.exponent);
  return (random) => lowerBound(cdf, random.next());
}

/**
 * cdf[i]: the probability that a draw is of rank i+1 or lower, normalised so that the
 * last entry is exactly 1. Tables are kept per (count, exponent): producers of one spec
 * share theirs. A pure function of its arguments, so the cache cannot change a run.
 */
const tables = new Map<string, Float64Array>();
const MAX_CACHED_TABLES = 16;

export function zipfCdf(count: number, exponent: number): Float64Array {
  assert(count >= 1 && count <= MAX_ZIPF_KEYS, () => `zipf over ${count} keys: at most ${MAX_ZIPF_KEYS}`);
  assert(Number.isFinite(exponent) && exponent > 0, () => `zipf exponent ${exponent}: must be positive`);
  const id = `${count}/${exponent}`;
  const cached = tables.get(id);
  if (cached !== undefined) return cached;
  const cdf = new Float64Array(count);
  let total = 0;
  for (let rank = 1; rank <= count; rank++) {
    total += rank ** -exponent;
    cdf[rank - 1] = total;
  }
  for (let i = 0; i < count; i++) cdf[i]! /= total;
  cdf[count - 1] = 1; // rounding must not leave a draw just below 1 without a key
  if (tables.size >= MAX_CACHED_TABLES) tables.clear();
  tables.set(id, cdf);
  return cdf;
}

/** The first index whose cumulative probability exceeds `u` (u in [0, 1)). */
function lowerBound(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
