import { assert } from "../../sim/index.ts";
import { float64Chunk, int16Chunk, int32Chunk, int8Chunk } from "./ChunkSlab.ts";

/**
 * A growable column of numbers stored in fixed-size chunks, each chunk as small integers
 * relative to a base (frame-of-reference coding): the history and ledger columns hold times, offsets,
 * value ids and row numbers that lie close together within a few thousand rows (times a
 * few milliseconds apart, offsets of a dozen partitions, a producer's consecutive value
 * ids), so most chunks fit in one or two bytes a value where a Float64Array spends eight.
 *
 * - The last chunk (the tail) is open: values go in as they are, into a Float64Array, so
 *   a push is a store (a big run pushes some twenty values a record, and coding each one
 *   as it came was a tenth of a steady run). When the tail is full and the next value comes
 *   it is sealed: coded once, in the narrowest width its values' range fits (Int8, Int16,
 *   Int32 around a base in the middle of the range, or Float64 holding the values themselves,
 *   for non-integers and huge ranges). The open tail costs up to a chunk of eight-byte values.
 * - A value set later into a sealed chunk whose difference from the base does not fit
 *   widens that chunk alone. Every value reads back exactly.
 * - Chunks are fixed-size (CHUNK_SIZE values), so growing never copies the column.
 * - `pushBlank` makes a row whose value comes later (a send's offset, known at its
 *   acknowledgement): until set it reads as NaN or as its chunk's base, and callers know
 *   not to read it. A chunk sealed with blanks only takes its base from its first value set.
 */

const CHUNK_BITS = 12;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/** Bytes each chunk's base costs (kept beside the chunks). */
const BASE_BYTES = 8;

type Chunk = Int8Array | Int16Array | Int32Array | Float64Array;

export class PackedColumn {
  private readonly chunks: Chunk[] = [];
  /** Each chunk's base (0 for a Float64 chunk, which holds values as they are); NaN until its first value. */
  private readonly bases: number[] = [];
  /** Each chunk's largest storable difference from its base (Infinity for a Float64 chunk). */
  private readonly limits: number[] = [];
  private size = 0;
  /** The open last chunk (also `chunks[tailChunk]`, base 0): values as they are, NaN where blank. */
  private tail: Float64Array = EMPTY_TAIL;
  private tailChunk = -1;

  get length(): number {
    return this.size;
  }

  /** Bytes held by the chunks (used and spare) and their bases. */
  get capacityBytes(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.byteLength + BASE_BYTES;
    return bytes;
  }

  /** Appends `value`; returns its index. */
  push(value: number): number {
    const index = this.size;
    if ((index & CHUNK_MASK) === 0) this.openTail();
    this.tail[index & CHUNK_MASK] = value;
    this.size = index + 1;
    return index;
  }

  /** Appends a row whose value is set later; returns its index. */
  pushBlank(): number {
    const index = this.size;
    if ((index & CHUNK_MASK) === 0) this.openTail();
    this.tail[index & CHUNK_MASK] = NaN;
    this.size = index + 1;
    return index;
  }

  get(index: number): number {
    const c = index >>> CHUNK_BITS;
    return this.chunks[c]![index & CHUNK_MASK]! + this.bases[c]!;
  }

  /**
   * Copies rows `from` .. `from + count - 1` into `into` from its start: a pass over a whole
   * column a stretch at a time (a loop per chunk) instead of a call per row, which matters
   * most for passes that run once a run, before the optimising compiler has seen them.
   */
  readInto(from: number, count: number, into: Float64Array): void {
    assert(from >= 0 && from + count <= this.size && count <= into.length, () => `PackedColumn.readInto: rows ${from} + ${count} of ${this.size}`);
    let done = 0;
    while (done < count) {
      const index = from + done;
      const c = index >>> CHUNK_BITS;
      const start = index & CHUNK_MASK;
      const n = Math.min(count - done, CHUNK_SIZE - start);
      const chunk = this.chunks[c]!;
      const base = this.bases[c]!;
      for (let k = 0; k < n; k++) into[done + k] = chunk[start + k]! + base;
      done += n;
    }
  }

  set(index: number, value: number): void {
    const c = index >>> CHUNK_BITS;
    if (c === this.tailChunk) {
      this.tail[index & CHUNK_MASK] = value;
      return;
    }
    let base = this.bases[c]!;
    // A chunk sealed with blanks only takes its first value as its base.
    if (base !== base) base = this.bases[c] = Number.isSafeInteger(value) ? value : 0;
    const delta = value - base;
    const limit = this.limits[c]!;
    // (delta | 0) === delta: an integer within Int32's range; the limit narrows it further.
    if (limit === Infinity) this.chunks[c]![index & CHUNK_MASK] = value;
    else if ((delta | 0) === delta && delta <= limit && delta >= -limit - 1) this.chunks[c]![index & CHUNK_MASK] = delta;
    else this.widen(c, delta)[index & CHUNK_MASK] = this.limits[c] === Infinity ? value : delta;
  }

  /**
   * Seals the full tail (if any) and opens the next chunk as the tail: the old tail's array
   * when sealing freed it, its stale values left as they are (every row is written, by push
   * or pushBlank, before it is read).
   */
  private openTail(): void {
    let next: Float64Array | null = null;
    if (this.tailChunk >= 0 && this.seal(this.tailChunk, this.tail)) next = this.tail;
    next ??= float64Chunk(CHUNK_SIZE);
    this.tail = next;
    this.tailChunk = this.chunks.length;
    this.chunks.push(next);
    this.bases.push(0);
    this.limits.push(Infinity);
  }

  /**
   * Codes chunk `c` (held as values in `raw`, NaN where blank) in the narrowest width its
   * range fits, around a base in the middle of the range so later values either side fit
   * too. True when the chunk no longer needs `raw` (free to reuse).
   */
  private seal(c: number, raw: Float64Array): boolean {
    // Comparisons with NaN are false: blanks take no part.
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < CHUNK_SIZE; i++) {
      const v = raw[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    if (min > max) {
      // Blanks only: the first value set becomes the base.
      this.chunks[c] = int8Chunk(CHUNK_SIZE);
      this.bases[c] = NaN;
      this.limits[c] = INT8_MAX;
      return true;
    }
    const range = max - min;
    const limit = range <= 2 * INT8_MAX + 1 ? INT8_MAX : range <= 2 * INT16_MAX + 1 ? INT16_MAX : range <= 2 * INT32_MAX + 1 ? INT32_MAX : 0;
    const base = min + limit + 1;
    // Differences from the base read back exactly only between safe integers.
    if (limit === 0 || !Number.isSafeInteger(min) || !Number.isSafeInteger(max) || !Number.isSafeInteger(base)) return false;
    // A loop per width: one loop storing into three kinds of arrays ran at a third of the speed.
    const next = limit === INT8_MAX ? encode8(raw, base) : limit === INT16_MAX ? encode16(raw, base) : encode32(raw, base);
    if (next === null) return false;
    this.chunks[c] = next;
    this.bases[c] = base;
    this.limits[c] = limit;
    return true;
  }

  /** Re-encodes chunk `c` in the narrowest width that holds its values and `delta`. */
  private widen(c: number, delta: number): Chunk {
    const old = this.chunks[c]!;
    const integer = (delta | 0) === delta;
    let next: Chunk;
    if (integer && delta <= INT16_MAX && delta >= -INT16_MAX - 1) {
      next = int16Chunk(CHUNK_SIZE);
      this.limits[c] = INT16_MAX;
    } else if (integer) {
      next = int32Chunk(CHUNK_SIZE);
      this.limits[c] = INT32_MAX;
    } else {
      next = float64Chunk(CHUNK_SIZE);
      this.limits[c] = Infinity;
    }
    if (next instanceof Float64Array) {
      // From here on the chunk holds values as they are (base 0).
      const base = this.bases[c]!;
      for (let i = 0; i < CHUNK_SIZE; i++) next[i] = old[i]! + base;
      this.bases[c] = 0;
    } else {
      next.set(old);
    }
    this.chunks[c] = next;
    return next;
  }
}

const EMPTY_TAIL = new Float64Array(0);
const INT8_MAX = 0x7f;
const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fffffff;

// The differences of a chunk's values (`raw`, NaN where blank) from `base`, in each width; null
// when some value is not an integer (the chunk then keeps its values as they are). A blank
// reads as the base. Three copies of one loop, so that each stores into one kind of array.
function encode8(raw: Float64Array, base: number): Int8Array | null {
  const out = int8Chunk(CHUNK_SIZE);
  for (let i = 0; i < CHUNK_SIZE; i++) {
    const v = raw[i]!;
    const delta = v - base;
    if ((delta | 0) === delta) out[i] = delta;
    else if (v === v) return null;
  }
  return out;
}

function encode16(raw: Float64Array, base: number): Int16Array | null {
  const out = int16Chunk(CHUNK_SIZE);
  for (let i = 0; i < CHUNK_SIZE; i++) {
    const v = raw[i]!;
    const delta = v - base;
    if ((delta | 0) === delta) out[i] = delta;
    else if (v === v) return null;
  }
  return out;
}

function encode32(raw: Float64Array, base: number): Int32Array | null {
  const out = int32Chunk(CHUNK_SIZE);
  for (let i = 0; i < CHUNK_SIZE; i++) {
    const v = raw[i]!;
    const delta = v - base;
    if ((delta | 0) === delta) out[i] = delta;
    else if (v === v) return null;
  }
  return out;
}
