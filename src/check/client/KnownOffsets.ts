import { assert } from "../../../sim/index.ts";

const INITIAL_CAPACITY = 256;
/** Offsets beyond this would make the dense arrays unreasonable (a partition's offsets count its records). */
const MAX_OFFSET = 2 ** 30;

/**
 * One partition's offsets as the client history shows them: the first value seen at each
 * offset (in an acknowledged send or a poll), and the acknowledged send seen there first.
 * A partition's offsets run densely from 0 (each one is a record its log once held), so
 * both are typed arrays indexed by offset, not maps. After `finish`, counts of known
 * offsets below each offset answer "how many known offsets lie between a and b" at once.
 */
export class KnownOffsets {
  /** Value id first seen at each offset; NaN where none is known. */
  private values: Float64Array;
  /** Send row of the acknowledged send first seen at each offset; -1 where none. */
  private sendRows: Int32Array;
  /** knownBelow[o]: how many known offsets are below o (after finish). */
  private knownBelow = new Int32Array(0);
  private known = 0;
  /** Offsets already reported as inconsistent (rare: made on the first). */
  reported: Set<number> | null = null;
  /** The highest offset polled, -1 before the first. */
  maxPolled = -1;
  polled = false;

  /**
   * `expectedOffsets`: how many offsets the partition is expected to need (its highest
   * offset + 1, where known): a long run's partitions hold hundreds of thousands, and
   * growing the arrays to that by doubling was a twentieth of a steady run.
   */
  constructor(expectedOffsets = 0) {
    assert(Number.isInteger(expectedOffsets) && expectedOffsets >= 0 && expectedOffsets <= MAX_OFFSET, () => `checkHistory: ${expectedOffsets} offsets expected`);
    const capacity = Math.max(INITIAL_CAPACITY, expectedOffsets);
    this.values = new Float64Array(capacity).fill(NaN);
    this.sendRows = new Int32Array(capacity).fill(-1);
  }

  /** The value id first seen at `offset`, NaN when none. */
  valueAt(offset: number): number {
    return offset < this.values.length ? this.values[offset]! : NaN;
  }

  /** The acknowledged send first seen at `offset`, -1 when none. */
  sendRowAt(offset: number): number {
    return offset < this.sendRows.length ? this.sendRows[offset]! : -1;
  }

  /**
   * Notes `valueId` at `offset` (from send row `sendRow`, or -1 for a poll); returns the
   * value seen there first when it differs (an inconsistent offset), else NaN.
   */
  observe(offset: number, valueId: number, sendRow: number): number {
    if (offset >= this.values.length) this.grow(offset);
    const known = this.values[offset]!;
    if (known !== known) {
      this.values[offset] = valueId;
      this.sendRows[offset] = sendRow;
      this.known++;
      return NaN;
    }
    return known === valueId ? NaN : known;
  }

  /** Counts the known offsets below each offset; call once, after every observe. */
  finish(): void {
    const counts = new Int32Array(this.values.length + 1);
    let known = 0;
    for (let o = 0; o < this.values.length; o++) {
      counts[o] = known;
      if (this.values[o] === this.values[o]) known++;
    }
    counts[this.values.length] = known;
    this.knownBelow = counts;
  }

  /** How many known offsets lie strictly between a and b (a < b). */
  between(a: number, b: number): number {
    return this.below(b) - this.below(a + 1);
  }

  /** The first known offset strictly above a, -1 when none. */
  firstAbove(a: number): number {
    for (let o = Math.max(0, Math.floor(a) + 1); o < this.values.length; o++) if (this.values[o] === this.values[o]) return o;
    return -1;
  }

  private below(offset: number): number {
    if (offset <= 0) return 0;
    const counts = this.knownBelow;
    return offset < counts.length ? counts[Math.ceil(offset)]! : this.known;
  }

  private grow(offset: number): void {
    assert(Number.isInteger(offset) && offset >= 0 && offset < MAX_OFFSET, () => `checkHistory: offset ${offset} out of range`);
    let capacity = this.values.length;
    while (capacity <= offset) capacity *= 2;
    const values = new Float64Array(capacity).fill(NaN);
    values.set(this.values);
    const sendRows = new Int32Array(capacity).fill(-1);
    sendRows.set(this.sendRows);
    this.values = values;
    this.sendRows = sendRows;
  }
}
