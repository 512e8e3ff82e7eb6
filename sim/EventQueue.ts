import { assert } from "./assert.ts";
import type { Micros } from "./time.ts";

/** What runs when an event fires; `arg` avoids a closure allocation per event. */
export type EventHandler = (arg: any) => void;

/**
 * A handle to a scheduled event, for cancellation. It encodes the slot and the slot's
 * generation, so a stale handle (its event already fired or cancelled, the slot reused)
 * cancels nothing.
 */
export type EventHandle = number;

export const NO_OWNER = -1;

const SLOT_BITS = 2 ** 22; // at most ~4 million pending events
/**
 * Generations wrap below 2^31 so that a handle (generation * 2^22 + slot) stays under
 * 2^53, a safe integer. Counting on to 2^32, a slot reused 2^31 times (the free list is
 * LIFO, so a busy slot is reused at every event) gave handles that could not hold the
 * slot exactly, and cancel() could hit another event.
 */
const GENERATION_MASK = 2 ** 31 - 1;
const INITIAL_CAPACITY = 1024;
/**
 * Cancelled entries beyond the live count tolerated before the heap is compacted. A run has
 * some seventy live events and cancels most timers it sets (request timeouts, waits): at
 * 1024 the heap held ~620 entries for those seventy, every pop sifting through three more
 * levels and dropping cancelled tops one sift at a time. At 64 a compaction (a pass over
 * the heap) comes every hundred or so cancellations.
 */
const COMPACT_SLACK = 64;

/**
 * The kernel's event queue: a binary min-heap of slots ordered by (at, seq). `seq` is a
 * global counter, so two events at the same microsecond fire in the order they were
 * scheduled: ties never depend on the heap's shape.
 *
 * Storage is struct-of-arrays (typed arrays for the keys) so the hot path allocates
 * nothing per event. Cancellation is lazy: a cancelled slot stays in the heap with no
 * handler and is skipped when it reaches the top, until cancelled entries outnumber the
 * live ones and the heap is compacted (see `compact`).
 */
export class EventQueue {
  private capacity = INITIAL_CAPACITY;
  private at = new Float64Array(INITIAL_CAPACITY);
  private seqOf = new Float64Array(INITIAL_CAPACITY);
  private generation = new Uint32Array(INITIAL_CAPACITY);
  /** Owner node index (or NO_OWNER) and its incarnation when scheduled. */
  private ownerOf = new Int32Array(INITIAL_CAPACITY);
  private incarnationOf = new Int32Array(INITIAL_CAPACITY);
  /** Interned label id, folded into the fingerprint when the event fires. */
  private labelOf = new Int32Array(INITIAL_CAPACITY);
  private handlers: (EventHandler | null)[] = new Array(INITIAL_CAPACITY).fill(null);
  private args: unknown[] = new Array(INITIAL_CAPACITY).fill(undefined);

  private heap = new Int32Array(INITIAL_CAPACITY);
  private heapAt = new Float64Array(INITIAL_CAPACITY);
  private heapSeq = new Float64Array(INITIAL_CAPACITY);
  private heapSize = 0;
  private freeSlots = new Int32Array(INITIAL_CAPACITY);
  private freeCount = 0;
  private nextFreshSlot = 0;
  private nextSeq = 0;
  /**
   * Seqs of `pushAhead` events: negative and rising, so they sort before every ordinary
   * event due at the same microsecond, and among themselves in push order.
   */
  private nextAheadSeq = -Number.MAX_SAFE_INTEGER;
  private liveCount = 0;

  /** Events scheduled and not yet fired or cancelled. */
  get size(): number {
    return this.liveCount;
  }

  /** Entries in the heap: the live events and cancelled ones not yet dropped. */
  get heapEntries(): number {
    return this.heapSize;
  }

  push(at: Micros, label: number, owner: number, incarnation: number, handler: EventHandler, arg: unknown): EventHandle {
    return this.insert(at, this.nextSeq++, label, owner, incarnation, handler, arg);
  }

  /**
   * Like `push`, but ahead of every event pushed with `push` for the same microsecond (in
   * the order of `pushAhead` calls). For events that fell due earlier and were held back
   * (a paused node's), which must not be overtaken by what is due at their release.
   */
  pushAhead(at: Micros, label: number, owner: number, incarnation: number, handler: EventHandler, arg: unknown): EventHandle {
    return this.insert(at, this.nextAheadSeq++, label, owner, incarnation, handler, arg);
  }

  private insert(at: Micros, seq: number, label: number, owner: number, incarnation: number, handler: EventHandler, arg: unknown): EventHandle {
    const slot = this.allocateSlot();
    this.at[slot] = at;
    this.seqOf[slot] = seq;
    this.labelOf[slot] = label;
    this.ownerOf[slot] = owner;
    this.incarnationOf[slot] = incarnation;
    this.handlers[slot] = handler;
    this.args[slot] = arg;
    this.siftUp(this.heapSize++, slot, at, seq);
    this.liveCount++;
    return this.generation[slot]! * SLOT_BITS + slot;
  }

  /** Cancels a pending event; returns false if it already fired or was cancelled. */
  cancel(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    if (slot >= this.nextFreshSlot || this.generation[slot] !== gen || this.handlers[slot] === null) return false;
    this.handlers[slot] = null;
    this.args[slot] = undefined;
    this.liveCount--;
    if (this.heapSize - this.liveCount > this.liveCount + COMPACT_SLACK) this.compact();
    return true;
  }

  isPending(handle: EventHandle): boolean {
    const slot = handle % SLOT_BITS;
    const gen = (handle - slot) / SLOT_BITS;
    return slot < this.nextFreshSlot && this.generation[slot] === gen && this.handlers[slot] !== null;
  }

  /** Time of the earliest live event, or Infinity when none is pending. */
  peekTime(): Micros {
    this.dropCancelledTop();
    return this.heapSize === 0 ? Infinity : this.heapAt[0]!;
  }

  /**
   * Removes the earliest live event and returns its slot; the caller reads its fields
   * with the accessors below and then calls `release(slot)`. Returns -1 when empty.
   */
  popSlot(): number {
    this.dropCancelledTop();
    if (this.heapSize === 0) return -1;
    const slot = this.removeTop();
    this.liveCount--;
    return slot;
  }

  timeOf(slot: number): Micros { return this.at[slot]!; }
  seqOfSlot(slot: number): number { return this.seqOf[slot]!; }
  labelOfSlot(slot: number): number { return this.labelOf[slot]!; }
  ownerOfSlot(slot: number): number { return this.ownerOf[slot]!; }
  incarnationOfSlot(slot: number): number { return this.incarnationOf[slot]!; }
  handlerOf(slot: number): EventHandler { return this.handlers[slot]!; }
  argOf(slot: number): unknown { return this.args[slot]; }

  release(slot: number): void {
    this.handlers[slot] = null;
    this.args[slot] = undefined;
    this.generation[slot] = (this.generation[slot]! + 1) & GENERATION_MASK;
    this.freeSlots[this.freeCount++] = slot;
  }

  private dropCancelledTop(): void {
    while (this.heapSize > 0 && this.handlers[this.heap[0]!] === null) {
      const slot = this.removeTop();
      this.release(slot);
    }
  }

  /**
   * Drops every cancelled entry and rebuilds the heap (Floyd's bottom-up heapify). Clients
   * set and cancel a timeout per request (30 s produce, fetch and request timeouts), so a
   * busy run cancelled hundreds of thousands of timers that sat in the heap until their
   * time: 259k entries for ~80 live ones in a light run, every pop sifting 18 levels over
   * megabytes. Compacting once the dead outnumber the live (plus some slack) costs O(1)
   * amortised per cancel, and the live events fire in the same (at, seq) order as before.
   */
  private compact(): void {
    const heap = this.heap;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    let kept = 0;
    for (let i = 0; i < this.heapSize; i++) {
      const slot = heap[i]!;
      if (this.handlers[slot] === null) {
        this.release(slot);
        continue;
      }
      heap[kept] = slot;
      heapAt[kept] = heapAt[i]!;
      heapSeq[kept] = heapSeq[i]!;
      kept++;
    }
    assert(kept === this.liveCount, () => `event queue compaction kept ${kept} of ${this.liveCount} live events`);
    this.heapSize = kept;
    for (let i = (kept >> 1) - 1; i >= 0; i--) this.siftDown(i, heap[i]!, heapAt[i]!, heapSeq[i]!);
  }

  private removeTop(): number {
    const top = this.heap[0]!;
    const last = --this.heapSize;
    if (last > 0) this.siftDown(0, this.heap[last]!, this.heapAt[last]!, this.heapSeq[last]!);
    return top;
  }

  private allocateSlot(): number {
    if (this.freeCount > 0) return this.freeSlots[--this.freeCount]!;
    if (this.nextFreshSlot === this.capacity) this.grow();
    return this.nextFreshSlot++;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    assert(capacity <= SLOT_BITS, `event queue over ${SLOT_BITS} pending events: a runaway scheduler?`);
    this.at = growFloat(this.at, capacity);
    this.seqOf = growFloat(this.seqOf, capacity);
    this.generation = growUint(this.generation, capacity);
    this.ownerOf = growInt(this.ownerOf, capacity);
    this.incarnationOf = growInt(this.incarnationOf, capacity);
    this.labelOf = growInt(this.labelOf, capacity);
    this.heap = growInt(this.heap, capacity);
    this.heapAt = growFloat(this.heapAt, capacity);
    this.heapSeq = growFloat(this.heapSeq, capacity);
    this.freeSlots = growInt(this.freeSlots, capacity);
    this.handlers.length = capacity;
    this.handlers.fill(null, this.capacity);
    this.args.length = capacity;
    this.capacity = capacity;
  }

  // The heap keeps a copy of each entry's (at, seq) beside its slot, so sifting compares
  // adjacent keys instead of jumping through the slot into scattered arrays (about two
  // thirds of the kernel's time went there before).

  private siftUp(index: number, slot: number, at: number, seq: number): void {
    const heap = this.heap;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      const parentAt = heapAt[parent]!;
      if (at > parentAt || (at === parentAt && seq > heapSeq[parent]!)) break;
      heap[index] = heap[parent]!;
      heapAt[index] = parentAt;
      heapSeq[index] = heapSeq[parent]!;
      index = parent;
    }
    heap[index] = slot;
    heapAt[index] = at;
    heapSeq[index] = seq;
  }

  private siftDown(index: number, slot: number, at: number, seq: number): void {
    const heap = this.heap;
    const heapAt = this.heapAt;
    const heapSeq = this.heapSeq;
    const size = this.heapSize;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= size) break;
      let childAt = heapAt[child]!;
      let childSeq = heapSeq[child]!;
      const right = child + 1;
      if (right < size) {
        const rightAt = heapAt[right]!;
        const rightSeq = heapSeq[right]!;
        if (rightAt < childAt || (rightAt === childAt && rightSeq < childSeq)) {
          child = right;
          childAt = rightAt;
          childSeq = rightSeq;
        }
      }
      if (at < childAt || (at === childAt && seq < childSeq)) break;
      heap[index] = heap[child]!;
      heapAt[index] = childAt;
      heapSeq[index] = childSeq;
      index = child;
    }
    heap[index] = slot;
    heapAt[index] = at;
    heapSeq[index] = seq;
  }
}

function growFloat(a: Float64Array<ArrayBuffer>, n: number): Float64Array<ArrayBuffer> {
  const b = new Float64Array(n);
  b.set(a);
  return b;
}
function growInt(a: Int32Array<ArrayBuffer>, n: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(n);
  b.set(a);
  return b;
}
function growUint(a: Uint32Array<ArrayBuffer>, n: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(n);
  b.set(a);
  return b;
}
