import { ValueIdTable } from "../check/ValueIdTable.ts";

/**
 * A partition's committed log read as value id -> offsets (what CommittedValues holds per
 * partition), over the log's column of value ids by offset instead of a Map entry and an
 * array per value: a big run commits millions. Behaves as the Map it replaces: `get`
 * gives the offsets in increasing order, and iteration visits values in the order of
 * their first offset.
 */
export class CommittedLogValues implements ReadonlyMap<number, readonly number[]> {
  /** Per value, the index (offset - startOffset) of its first occurrence. */
  private readonly first = new ValueIdTable();
  /** The offsets of values present more than once (rare: a retry written twice). */
  private readonly repeated = new Map<number, number[]>();

  /** `valueIds[i]` is the value at offset startOffset + i, NaN where none. */
  constructor(
    private readonly startOffset: number,
    private readonly valueIds: Float64Array,
  ) {
    for (let i = 0; i < valueIds.length; i++) {
      const valueId = valueIds[i]!;
      if (Number.isNaN(valueId)) continue;
      const at = this.first.get(valueId);
      if (at === -1) this.first.set(valueId, i);
      else {
        const offsets = this.repeated.get(valueId);
        if (offsets) offsets.push(startOffset + i);
        else this.repeated.set(valueId, [startOffset + at, startOffset + i]);
      }
    }
  }

  get size(): number {
    return this.first.size;
  }

  has(valueId: number): boolean {
    return this.first.has(valueId);
  }

  /** The value at `offset`, undefined where the committed log has none. */
  valueAt(offset: number): number | undefined {
    const valueId = this.valueIds[offset - this.startOffset];
    return valueId === undefined || Number.isNaN(valueId) ? undefined : valueId;
  }

  get(valueId: number): readonly number[] | undefined {
    const at = this.first.get(valueId);
    if (at === -1) return undefined;
    return this.repeated.get(valueId) ?? [this.startOffset + at];
  }

  forEach(visit: (offsets: readonly number[], valueId: number, map: ReadonlyMap<number, readonly number[]>) => void): void {
    for (const [valueId, offsets] of this.entries()) visit(offsets, valueId, this);
  }

  *entries(): MapIterator<[number, readonly number[]]> {
    const ids = this.valueIds;
    for (let i = 0; i < ids.length; i++) {
      const valueId = ids[i]!;
      // Each value once, where it first occurs.
      if (Number.isNaN(valueId) || this.first.get(valueId) !== i) continue;
      yield [valueId, this.repeated.get(valueId) ?? [this.startOffset + i]];
    }
  }

  *keys(): MapIterator<number> {
    for (const [valueId] of this.entries()) yield valueId;
  }

  *values(): MapIterator<readonly number[]> {
    for (const [, offsets] of this.entries()) yield offsets;
  }

  [Symbol.iterator](): MapIterator<[number, readonly number[]]> {
    return this.entries();
  }
}
