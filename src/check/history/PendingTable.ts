/**
 * Value id to send row, as an open-addressing hash table (linear probing, deletion by
 * backward shift) over typed arrays: PendingSends keeps here the sends in flight that fall
 * outside its windows of consecutive value ids. A Map keyed by the workload's value ids
 * (above 2^31, so boxed numbers) cost several percent of a whole run.
 */
export class PendingTable {
  private keys = new Float64Array(64);
  /** Row + 1 at each slot; 0 marks an empty slot. */
  private rows = new Int32Array(64);
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (used and free slots). */
  get capacityBytes(): number {
    return this.keys.byteLength + this.rows.byteLength;
  }

  /** The row of `valueId`, -1 when it is not pending. */
  get(valueId: number): number {
    const mask = this.keys.length - 1;
    for (let slot = hash(valueId) & mask; ; slot = (slot + 1) & mask) {
      const row = this.rows[slot]!;
      if (row === 0) return -1;
      if (this.keys[slot] === valueId) return row - 1;
    }
  }

  /** Adds `valueId` at `row`; false (and nothing added) when it is pending already. */
  add(valueId: number, row: number): boolean {
    if (2 * (this.count + 1) > this.keys.length) this.resize(this.keys.length * 2);
    const mask = this.keys.length - 1;
    let slot = hash(valueId) & mask;
    for (; this.rows[slot] !== 0; slot = (slot + 1) & mask) if (this.keys[slot] === valueId) return false;
    this.keys[slot] = valueId;
    this.rows[slot] = row + 1;
    this.count++;
    return true;
  }

  /** Removes `valueId`; returns its row, -1 when it was not pending. */
  take(valueId: number): number {
    const mask = this.keys.length - 1;
    let slot = hash(valueId) & mask;
    while (true) {
      if (this.rows[slot] === 0) return -1;
      if (this.keys[slot] === valueId) break;
      slot = (slot + 1) & mask;
    }
    const row = this.rows[slot]! - 1;
    this.count--;
    // Backward shift: move later entries of the probe chain into the hole, so no tombstones.
    let hole = slot;
    for (let next = (hole + 1) & mask; this.rows[next] !== 0; next = (next + 1) & mask) {
      const home = hash(this.keys[next]!) & mask;
      // The entry at `next` may move to the hole unless its home lies cyclically in (hole, next].
      if (((next - home) & mask) >= ((next - hole) & mask)) {
        this.keys[hole] = this.keys[next]!;
        this.rows[hole] = this.rows[next]!;
        hole = next;
      }
    }
    this.rows[hole] = 0;
    return row;
  }

  private resize(capacity: number): void {
    const keys = this.keys;
    const rows = this.rows;
    this.keys = new Float64Array(capacity);
    this.rows = new Int32Array(capacity);
    this.count = 0;
    for (let slot = 0; slot < keys.length; slot++) if (rows[slot] !== 0) this.add(keys[slot]!, rows[slot]! - 1);
  }
}

/** Mixes both 32-bit halves of an integer value id. */
function hash(valueId: number): number {
  const low = valueId >>> 0;
  const high = (valueId / 4294967296) | 0;
  const h = Math.imul(low ^ Math.imul(high, 0x9e3779b1), 0x85ebca6b);
  return h ^ (h >>> 15);
}
