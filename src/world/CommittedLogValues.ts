import { ValueIdTable } from "../check/ValueIdTable.ts";
import { VALUES_PER_PRODUCER } from "../workload/ProducerWorkload.ts";

/** Producers with an index below this are followed one by one in `increasingPerProducer`. */
const MAX_PRODUCERS_FOLLOWED = 4096;

/**
 * A partition's committed log read as value id -> offsets (what CommittedValues holds per
 * partition), over the log's column of value ids by offset instead of a Map entry and an
 * array per value: a big run commits millions. Behaves as the Map it replaces: `get`
 * gives the offsets in increasing order, and iteration visits values in the order of
 * their first offset.
 *
 * The table from value to first offset is built on first use: the end-of-run checks mostly
 * ask `valueAt` (is the value where it was acknowledged?) and which values repeat, which
 * `findRepeatedValues` tells for every partition in one pass.
 */
export class CommittedLogValues implements ReadonlyMap<number, readonly number[]> {
  /** Per value, the index (offset - startOffset) of its first occurrence; null until needed. */
  private firstTable: ValueIdTable | null = null;
  /** The offsets of values present more than once (rare: a retry written twice). */
  private readonly repeated: ReadonlyMap<number, readonly number[]>;

  /**
   * `valueIds[i]` is the value at offset startOffset + i, NaN where none. `repeated`, when
   * known (see findRepeatedValues), is every value present more than once with its offsets.
   */
  constructor(
    private readonly startOffset: number,
    private readonly valueIds: Float64Array,
    repeated?: ReadonlyMap<number, readonly number[]>,
  ) {
    this.repeated = repeated ?? this.build().repeated;
  }

  private get first(): ValueIdTable {
    return this.firstTable ?? this.build().first;
  }

  private build(): { first: ValueIdTable; repeated: Map<number, number[]> } {
    const first = new ValueIdTable();
    const repeated = new Map<number, number[]>();
    const valueIds = this.valueIds;
    for (let i = 0; i < valueIds.length; i++) {
      const valueId = valueIds[i]!;
      if (Number.isNaN(valueId)) continue;
      const at = first.get(valueId);
      if (at === -1) first.set(valueId, i);
      else {
        const offsets = repeated.get(valueId);
        if (offsets) offsets.push(this.startOffset + i);
        else repeated.set(valueId, [this.startOffset + at, this.startOffset + i]);
      }
    }
    this.firstTable = first;
    return { first, repeated };
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

  /** How many values sit at more than one offset (a retry written twice). */
  get repeatedCount(): number {
    return this.repeated.size;
  }

  /** The values at more than one offset, with their offsets, in the order `entries` visits them (by first offset). */
  repeatedValues(): [number, readonly number[]][] {
    return [...this.repeated].sort((a, b) => a[1][0]! - b[1][0]!);
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
    const first = this.first;
    for (let i = 0; i < ids.length; i++) {
      const valueId = ids[i]!;
      // Each value once, where it first occurs.
      if (Number.isNaN(valueId) || first.get(valueId) !== i) continue;
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

/**
 * For each of several committed logs (value ids by offset from their start), the values
 * present at more than one offset with those offsets, as CommittedLogValues takes them:
 * one table of value ids shared by all the logs (dense per producer), where a log's own
 * first-offset table would spread each producer's ids over a block as long as all of them.
 */
export function findRepeatedValues(logs: readonly { readonly startOffset: number; readonly valueIds: Float64Array }[]): Map<number, number[]>[] {
  // Value id -> 1 + the index of the last log seen holding it: a second sighting in the same log is a repeat.
  const lastLog = new ValueIdTable();
  const lastValue = new Float64Array(MAX_PRODUCERS_FOLLOWED);
  return logs.map((log, index) => {
    const valueIds = log.valueIds;
    if (increasingPerProducer(valueIds, lastValue)) return new Map<number, number[]>();
    let repeats: Set<number> | null = null;
    for (let i = 0; i < valueIds.length; i++) {
      const valueId = valueIds[i]!;
      if (Number.isNaN(valueId)) continue;
      if (lastLog.get(valueId) === index + 1) (repeats ??= new Set()).add(valueId);
      else lastLog.set(valueId, index + 1);
    }
    const repeated = new Map<number, number[]>();
    if (repeats === null) return repeated;
    // Rare: collect their offsets in a second pass, in offset order.
    const offsets = new Map<number, number[]>();
    for (let i = 0; i < valueIds.length; i++) {
      const valueId = valueIds[i]!;
      if (!repeats.has(valueId)) continue;
      let list = offsets.get(valueId);
      if (!list) offsets.set(valueId, (list = []));
      list.push(log.startOffset + i);
    }
    for (const [valueId, list] of offsets) repeated.set(valueId, list);
    return repeated;
  });
}

/**
 * Whether each workload producer's values (value id = producer index * VALUES_PER_PRODUCER
 * + sequence) rise strictly along the log, so that none repeats: the common case (a
 * producer's records land in a partition in the order it sent them), told in one pass
 * with no table, where finding repeats in general looks every value up. False for any
 * value of no producer followed (`lastValue` is scratch, one slot per producer).
 */
function increasingPerProducer(valueIds: Float64Array, lastValue: Float64Array): boolean {
  lastValue.fill(-1);
  for (let i = 0; i < valueIds.length; i++) {
    const valueId = valueIds[i]!;
    if (Number.isNaN(valueId)) continue;
    const producer = Math.floor(valueId / VALUES_PER_PRODUCER);
    if (!(producer >= 0 && producer < MAX_PRODUCERS_FOLLOWED) || valueId <= lastValue[producer]!) return false;
    lastValue[producer] = valueId;
  }
  return true;
}
