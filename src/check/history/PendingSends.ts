import { VALUES_PER_PRODUCER } from "../../workload/ProducerWorkload.ts";
import { PendingTable } from "./PendingTable.ts";

const FIRST_CAPACITY = 64;
/** Producer numbers (value id / VALUES_PER_PRODUCER) below this find their lane by index. */
const SMALL_BUCKETS = 1 << 16;

/**
 * One producer's sends in flight, by sequence (value id - the producer's base): a ring of
 * send rows (row + 1; 0 where not pending) over the window `lo` .. `lo + span - 1`.
 */
interface Lane {
  lo: number;
  span: number;
  /** The ring index of `lo`. */
  head: number;
  /** Pending sends in the window. */
  count: number;
  rows: Int32Array;
}

/**
 * Sends in flight: value id to send row. Every send is added and removed once, and while a
 * partition has no leader thousands wait at once, so a hash table over them is large and
 * each add and removal a cache miss (about 2% of a fuzz seed). The workload's value ids
 * are `producer * VALUES_PER_PRODUCER + sequence`, a producer sends them in order and they
 * complete nearly in order: each producer gets a window of consecutive sequences (a ring
 * of rows, its start moving on as the oldest complete), so neighbouring sends sit side by
 * side. A send older than its producer's window, one whose id does not follow the pattern,
 * or one pushed out of a sparse window (a send stuck while many after it completed) goes to
 * a hash table (PendingTable). A window grows only while at least half of it is pending.
 */
export class PendingSends {
  private readonly lanes = new Map<number, Lane>();
  /** The lanes of the workload's (small) producer numbers, by number: producers send in turn, so the last lane alone misses three times in four with four of them. */
  private readonly smallLanes: (Lane | undefined)[] = [];
  private lastBucket = NaN;
  private lastLane: Lane | undefined = undefined;
  private readonly others = new PendingTable();
  private inLanes = 0;

  get size(): number {
    return this.inLanes + this.others.size;
  }

  /** Bytes held by the windows and the table (used and free slots). */
  get capacityBytes(): number {
    let bytes = this.others.capacityBytes;
    for (const lane of this.lanes.values()) bytes += lane.rows.byteLength;
    return bytes;
  }

  /** The row of `valueId`, -1 when it is not pending. */
  get(valueId: number): number {
    const bucket = Math.floor(valueId / VALUES_PER_PRODUCER);
    const lane = Number.isSafeInteger(valueId) ? this.lane(bucket) : undefined;
    if (lane !== undefined) {
      const offset = valueId - bucket * VALUES_PER_PRODUCER - lane.lo;
      if (offset >= 0 && offset < lane.span) {
        const stored = lane.rows[(lane.head + offset) & (lane.rows.length - 1)]!;
        return stored - 1;
      }
    }
    return this.others.get(valueId);
  }

  /** Adds `valueId` at `row`; false (and nothing added) when it is pending already. */
  add(valueId: number, row: number): boolean {
    if (!Number.isSafeInteger(valueId)) return this.others.add(valueId, row);
    const bucket = Math.floor(valueId / VALUES_PER_PRODUCER);
    const sequence = valueId - bucket * VALUES_PER_PRODUCER;
    let lane = this.lane(bucket);
    if (lane === undefined) {
      lane = { lo: sequence, span: 0, head: 0, count: 0, rows: new Int32Array(FIRST_CAPACITY) };
      this.lanes.set(bucket, lane);
      if (bucket >= 0 && bucket < SMALL_BUCKETS) this.smallLanes[bucket] = lane;
      this.lastBucket = bucket;
      this.lastLane = lane;
    }
    // Every send below the window's start is in the table (see moveOn).
    if (sequence < lane.lo) return this.others.add(valueId, row);
    let offset = sequence - lane.lo;
    if (offset >= lane.rows.length) offset = this.makeRoom(lane, bucket, sequence);
    const slot = (lane.head + offset) & (lane.rows.length - 1);
    if (offset < lane.span && lane.rows[slot] !== 0) return false;
    lane.rows[slot] = row + 1;
    if (offset >= lane.span) lane.span = offset + 1;
    lane.count++;
    this.inLanes++;
    return true;
  }

  /** Removes `valueId`; returns its row, -1 when it was not pending. */
  take(valueId: number): number {
    const bucket = Math.floor(valueId / VALUES_PER_PRODUCER);
    const lane = Number.isSafeInteger(valueId) ? this.lane(bucket) : undefined;
    if (lane !== undefined) {
      const offset = valueId - bucket * VALUES_PER_PRODUCER - lane.lo;
      if (offset >= 0 && offset < lane.span) {
        const mask = lane.rows.length - 1;
        const slot = (lane.head + offset) & mask;
        const stored = lane.rows[slot]!;
        if (stored === 0) return -1;
        lane.rows[slot] = 0;
        lane.count--;
        this.inLanes--;
        // The window starts at its oldest pending send.
        while (lane.span > 0 && lane.rows[lane.head] === 0) {
          lane.head = (lane.head + 1) & mask;
          lane.lo++;
          lane.span--;
        }
        return stored - 1;
      }
    }
    return this.others.take(valueId);
  }

  private lane(bucket: number): Lane | undefined {
    if (bucket === this.lastBucket) return this.lastLane;
    const lane = bucket >= 0 && bucket < SMALL_BUCKETS ? this.smallLanes[bucket] : this.lanes.get(bucket);
    if (lane !== undefined) {
      this.lastBucket = bucket;
      this.lastLane = lane;
    }
    return lane;
  }

  /**
   * Makes room in the window for `sequence` (at or past its capacity): a window at least half
   * pending doubles; a sparser one moves its oldest sends to the table until the sequence
   * fits. Returns the sequence's offset in the window.
   */
  private makeRoom(lane: Lane, bucket: number, sequence: number): number {
    while ((lane.count + 1) * 2 > lane.rows.length && sequence - lane.lo >= lane.rows.length) this.grow(lane);
    if (sequence - lane.lo < lane.rows.length) return sequence - lane.lo;
    const mask = lane.rows.length - 1;
    const base = bucket * VALUES_PER_PRODUCER;
    while (lane.span > 0 && sequence - lane.lo >= lane.rows.length) {
      const stored = lane.rows[lane.head]!;
      if (stored !== 0) {
        lane.rows[lane.head] = 0;
        lane.count--;
        this.inLanes--;
        this.others.add(base + lane.lo, stored - 1);
      }
      lane.head = (lane.head + 1) & mask;
      lane.lo++;
      lane.span--;
    }
    // An empty window starts again at the new sequence.
    if (lane.span === 0) {
      lane.lo = sequence;
      lane.head = 0;
    }
    return sequence - lane.lo;
  }

  private grow(lane: Lane): void {
    const old = lane.rows;
    const rows = new Int32Array(old.length * 2);
    for (let i = 0; i < lane.span; i++) rows[i] = old[(lane.head + i) & (old.length - 1)]!;
    lane.rows = rows;
    lane.head = 0;
  }
}
