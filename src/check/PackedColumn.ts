import { assert } from "../../sim/index.ts";

/**
 * A growable column of numbers stored in fixed-size chunks, each chunk as small integers
 * relative to a base (frame-of-reference coding): the history and ledger columns hold times, offsets,
 * value ids and row numbers that lie close together within a few thousand rows (times a
 * few milliseconds apart, offsets of a dozen partitions, a producer's consecutive value
 * ids), so most chunks fit in one or two bytes a value where a Float64Array spends eight.
 *
 * - A chunk starts as an Int8Array; a value whose difference from the chunk's base does not
 *   fit widens that chunk alone (Int16, Int32, then Float64 holding the values themselves,
 *   for non-integers and huge differences). Every value reads back exactly.
 * - Chunks are fixed-size (CHUNK_SIZE values), so growing never copies the column and the
 *   spare capacity is at most one chunk: `capacityBytes` is close to the bytes used.
 * - A chunk's base is the first value written into it (by push or set). `pushBlank` makes a
 *   row whose value comes later (a send's offset, known at its acknowledgement): until set
 *   it reads as 0 or as its chunk's base, and callers know not to read it.
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
    const index = this.pushBlank();
    this.set(index, value);
    return index;
  }

  /** Appends a row whose value is set later; returns its index. */
  pushBlank(): number {
    if (this.size >>> CHUNK_BITS === this.chunks.length) {
      this.chunks.push(new Int8Array(CHUNK_SIZE));
      this.bases.push(NaN);
      this.limits.push(INT8_MAX);
    }
    return this.size++;
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
    let base = this.bases[c]!;
    // The chunk's first value becomes its base.
    if (base !== base) base = this.bases[c] = Number.isSafeInteger(value) ? value : 0;
    const delta = value - base;
    const limit = this.limits[c]!;
    // (delta | 0) === delta: an integer within Int32's range; the limit narrows it further.
    if (limit === Infinity) this.chunks[c]![index & CHUNK_MASK] = value;
    else if ((delta | 0) === delta && delta <= limit && delta >= -limit - 1) this.chunks[c]![index & CHUNK_MASK] = delta;
    else this.widen(c, delta)[index & CHUNK_MASK] = this.limits[c] === Infinity ? value : delta;
  }

  /** Re-encodes chunk `c` in the narrowest width that holds its values and `delta`. */
  private widen(c: number, delta: number): Chunk {
    const old = this.chunks[c]!;
    const integer = (delta | 0) === delta;
    let next: Chunk;
    if (integer && delta <= INT16_MAX && delta >= -INT16_MAX - 1) {
      next = new Int16Array(CHUNK_SIZE);
      this.limits[c] = INT16_MAX;
    } else if (integer) {
      next = new Int32Array(CHUNK_SIZE);
      this.limits[c] = INT32_MAX;
    } else {
      next = new Float64Array(CHUNK_SIZE);
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

const INT8_MAX = 0x7f;
const INT16_MAX = 0x7fff;
const INT32_MAX = 0x7fffffff;
