import { VALUES_PER_PRODUCER } from "../workload/ProducerWorkload.ts";

/** A block's entries beyond this many past its current end go to the sparse map (ids far apart). */
const MAX_GAP = 1 << 20;
const FIRST_CAPACITY = 1024;

interface Block {
  /** Per id in the block (id - base): stored value + 1; 0 = absent. */
  values: Int32Array;
  /** One past the highest index ever set. */
  end: number;
}

/**
 * A map from value id to a small non-negative integer (a row in a ledger's columns, a
 * count), without an object or a boxed key per value: a big run acknowledges millions of
 * records. Value ids are `producer * VALUES_PER_PRODUCER + sequence` with sequences dense
 * from 0, so each producer's ids go in a typed array of their own, indexed by sequence.
 * Ids that do not follow that pattern (far apart, not integers) go to an ordinary Map.
 */
export class ValueIdTable {
  private readonly blocks = new Map<number, Block>();
  private readonly sparse = new Map<number, number>();
  private count = 0;
  /** The block last looked up: ids come in runs of one producer's, so most lookups skip the Map. */
  private lastBucket = NaN;
  private lastBlock: Block | undefined = undefined;

  private block(bucket: number): Block | undefined {
    if (bucket === this.lastBucket) return this.lastBlock;
    const block = this.blocks.get(bucket);
    if (block !== undefined) {
      this.lastBucket = bucket;
      this.lastBlock = block;
    }
    return block;
  }

  /** How many ids have a value. */
  get size(): number {
    return this.count;
  }

  /** The id's value, or -1 when it has none. */
  get(valueId: number): number {
    const bucket = Math.floor(valueId / VALUES_PER_PRODUCER);
    const block = this.block(bucket);
    if (block !== undefined) {
      const index = valueId - bucket * VALUES_PER_PRODUCER;
      if (Number.isInteger(index) && index < block.end) {
        const stored = block.values[index]!;
        if (stored !== 0) return stored - 1;
      }
    }
    return this.sparse.size === 0 ? -1 : (this.sparse.get(valueId) ?? -1);
  }

  has(valueId: number): boolean {
    return this.get(valueId) !== -1;
  }

  /** Sets the id's value (a non-negative 31-bit integer). */
  set(valueId: number, value: number): void {
    if (!(value >= 0 && value < 0x7fffffff && Number.isInteger(value))) throw new RangeError(`ValueIdTable holds integers in [0, 2^31-1), not ${value}`);
    if (this.sparse.size !== 0 && this.sparse.has(valueId)) {
      this.sparse.set(valueId, value);
      return;
    }
    const bucket = Math.floor(valueId / VALUES_PER_PRODUCER);
    const index = valueId - bucket * VALUES_PER_PRODUCER;
    let block = this.block(bucket);
    if (!Number.isInteger(index) || index > (block?.end ?? 0) + MAX_GAP) {
      this.sparse.set(valueId, value);
      this.count++;
      return;
    }
    if (block === undefined) {
      block = { values: new Int32Array(FIRST_CAPACITY), end: 0 };
      this.blocks.set(bucket, block);
    }
    if (index >= block.values.length) {
      let capacity = block.values.length * 2;
      while (capacity <= index) capacity *= 2;
      const grown = new Int32Array(capacity);
      grown.set(block.values.subarray(0, block.end));
      block.values = grown;
    }
    if (block.values[index] === 0) this.count++;
    block.values[index] = value + 1;
    if (index >= block.end) block.end = index + 1;
  }

  /**
   * The block slot of `valueId` when a write there is exactly what `set` would do (no sparse
   * ids, the id's block exists with room, within MAX_GAP of its end), else -1: lets
   * `increment` look the id up once where `get` then `set` looked it up twice (it runs per
   * processed record).
   */
  private slot(valueId: number): number {
    if (this.sparse.size !== 0) return -1;
    const bucket = Math.floor(valueId / VALUES_PER_PRODUCER);
    const block = this.block(bucket);
    if (block === undefined) return -1;
    const index = valueId - bucket * VALUES_PER_PRODUCER;
    return Number.isInteger(index) && index < block.values.length && index <= block.end + MAX_GAP ? index : -1;
  }

  /** Adds one to the id's value (an absent id counts as 0) and returns the new value. */
  increment(valueId: number): number {
    const index = this.slot(valueId);
    if (index < 0) {
      const value = Math.max(this.get(valueId), 0) + 1;
      this.set(valueId, value);
      return value;
    }
    const block = this.lastBlock!;
    const stored = block.values[index]!;
    // stored is value + 1 (0 when absent): the new value is stored (or 1), kept as that + 1.
    const value = stored === 0 ? 1 : stored;
    if (value >= 0x7fffffff) throw new RangeError(`ValueIdTable holds integers in [0, 2^31-1), not ${value}`);
    if (stored === 0) this.count++;
    block.values[index] = value + 1;
    if (index >= block.end) block.end = index + 1;
    return value;
  }

  /** Bytes held by the typed arrays (used and spare capacity). */
  get columnBytes(): number {
    let bytes = 0;
    for (const block of this.blocks.values()) bytes += block.values.byteLength;
    return bytes;
  }
}
