/**
 * Kafka's key hash (org.apache.kafka.common.utils.Utils.murmur2): 32-bit MurmurHash2 with
 * the seed 0x9747b28c over the key's bytes, read as little-endian 4-byte words. The result
 * is a signed 32-bit integer, as Java's int; `toPositive` clears the sign bit (not Math.abs:
 * that would map -2^31 onto itself). A keyed record goes to toPositive(murmur2(key)) % n,
 * so a key lands on the same partition as with the Java client.
 */
const SEED = 0x9747b28c;
const M = 0x5bd1e995;
const R = 24;

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/** The UTF-8 length of a string, without encoding it. */
export function utf8Length(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && (text.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4; // a surrogate pair: one code point of four bytes
      i++;
    } else n += 3; // the rest of the BMP, and a lone surrogate (encoded as U+FFFD)
  }
  return n;
}

export function murmur2(data: Uint8Array): number {
  const length = data.length;
  let h = (SEED ^ length) | 0;
  const words = length >>> 2;
  for (let i = 0; i < words; i++) {
    const at = i << 2;
    let k = data[at]! | (data[at + 1]! << 8) | (data[at + 2]! << 16) | (data[at + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> R;
    k = Math.imul(k, M);
    h = Math.imul(h, M);
    h ^= k;
  }
  // The 1 to 3 trailing bytes, highest first, as Java's fall-through switch does.
  const tail = words << 2;
  const rest = length & 3;
  if (rest === 3) h ^= data[tail + 2]! << 16;
  if (rest >= 2) h ^= data[tail + 1]! << 8;
  if (rest >= 1) {
    h ^= data[tail]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}

/** Kafka's Utils.toPositive: the number with its sign bit cleared. */
export function toPositive(n: number): number {
  return n & 0x7fffffff;
}

/**
 * A key's hash, remembered: workloads reuse a bounded set of keys, and encoding and hashing
 * each send again was a visible share of a run's time. Bounded so that a run with endless
 * distinct keys does not grow it without limit.
 */
const HASH_CACHE_LIMIT = 100_000;
const hashes = new Map<string, number>();

function keyHash(key: string): number {
  let h = hashes.get(key);
  if (h === undefined) {
    h = toPositive(murmur2(utf8(key)));
    if (hashes.size < HASH_CACHE_LIMIT) hashes.set(key, h);
  }
  return h;
}

/** The partition Kafka's default partitioner picks for a keyed record. */
export function partitionForKey(key: string, partitionCount: number): number {
  return keyHash(key) % partitionCount;
}
