import { assert } from "../../../sim/index.ts";
import { PackedColumn } from "../PackedColumn.ts";
import { PendingSends } from "./PendingSends.ts";

/** Columns of a block of sends (see `Sends.readBlock`), each at least as long as the block. */
export interface SendBlock {
  /** How each send ended: PENDING, OK, FAIL or INFO. */
  readonly completions: Float64Array;
  readonly valueIds: Float64Array;
  readonly topicPartitionIds: Float64Array;
  readonly offsets: Float64Array;
  /** Room for the reader's own use. */
  readonly scratch: Float64Array;
}

export function newSendBlock(rows: number): SendBlock {
  return { completions: new Float64Array(rows), valueIds: new Float64Array(rows), topicPartitionIds: new Float64Array(rows), offsets: new Float64Array(rows), scratch: new Float64Array(rows) };
}

/** How a send ended, as stored: not yet, acknowledged, failed for sure, outcome unknown. */
export const PENDING = 0;
export const OK = 1;
export const FAIL = 2;
export const INFO = 3;
/** How many kinds of ending there are: the outcome column's multiplier for the topic-partition. */
const OUTCOMES = 4;
/** The outcome's completion bits and the shift to its topic-partition id: integer operations, where `%` and `/` on the columns' doubles were a floating-point remainder and division each. */
const COMPLETION_MASK = OUTCOMES - 1;
const TOPIC_PARTITION_SHIFT = 2;

/**
 * A history's sends, one row each in invoke order, in packed columns (about 12 bytes a
 * send on a steady load). Each column is coded so that neighbouring rows hold close numbers:
 * - a value id as its distance from its producer's first value id (the workload's ids are
 *   the producer's index times a billion plus a sequence, so rows of several producers
 *   stay within a few thousand of each other);
 * - the completion time as the latency since the invoke (a few milliseconds), unless that
 *   would not read back exactly (then kept aside, whole);
 * - how the send ended and its topic-partition share a column (`outcome`: completion +
 *   4 * topic-partition id, one byte with a dozen partitions), set with the offset and the
 *   latency at the completion (blank until then).
 */
export class Sends {
  private readonly process = new PackedColumn();
  private readonly topic = new PackedColumn();
  /** 0 for the null key, else the key's interned id + 1. */
  private readonly key = new PackedColumn();
  private readonly valueIdFromFirst = new PackedColumn();
  private readonly invokedAt = new PackedColumn();
  /** completion + OUTCOMES * topic-partition id (PENDING, 0, while pending). */
  private readonly outcome = new PackedColumn();
  private readonly offset = new PackedColumn();
  private readonly latency = new PackedColumn();
  /** Completion times whose latency would not read back exactly (non-integer times): row to time. */
  private readonly completedAtAside = new Map<number, number>();
  /** Each process's first value id (by process id). */
  private readonly firstValueId: number[] = [];
  /** Each process's last value id; `rising` stays true while every process's ids rise send by send. */
  private readonly lastValueId: number[] = [];
  private rising = true;
  /** Sends not yet completed: value id to row (bounded by what producers have in flight). */
  private readonly pending = new PendingSends();

  get count(): number {
    return this.process.length;
  }
  get pendingCount(): number {
    return this.pending.size;
  }

  get capacityBytes(): number {
    let bytes = 0;
    for (const value of Object.values(this)) if (value instanceof PackedColumn) bytes += value.capacityBytes;
    // The sends in flight, and a row and a time per completion kept aside (rare).
    return bytes + this.pending.capacityBytes + this.completedAtAside.size * 16;
  }

  /** Records an invoke; returns its row. */
  invoke(processId: number, atMicros: number, topicId: number, keyId: number, valueId: number): number {
    assert(Number.isSafeInteger(valueId), () => `history: value id ${valueId} is not an integer`);
    assert(this.pending.add(valueId, this.count), () => `history: value ${valueId} sent twice`);
    const first = (this.firstValueId[processId] ??= valueId);
    const last = this.lastValueId[processId];
    if (last !== undefined && valueId <= last) this.rising = false;
    this.lastValueId[processId] = valueId;
    const row = this.process.push(processId);
    this.topic.push(topicId);
    this.key.push(keyId);
    this.valueIdFromFirst.push(valueId - first);
    this.invokedAt.push(atMicros);
    this.outcome.push(PENDING);
    this.offset.pushBlank();
    this.latency.pushBlank();
    return row;
  }

  /** The row of the pending send of `valueId`, which is no longer pending: `complete` records how it ended. */
  takePending(valueId: number): number {
    const row = this.pending.take(valueId);
    assert(row >= 0, () => `history: value ${valueId} completed without a pending send`);
    return row;
  }

  /** Records how send `row` (just taken from the pending sends) ended. */
  complete(row: number, atMicros: number, completion: number, topicPartitionId: number, offset: number): void {
    assert(topicPartitionId >= 0 && topicPartitionId < 2 ** 28 && completion !== PENDING, () => `history: send ${row} completed as ${completion} in topic-partition ${topicPartitionId}`);
    this.outcome.set(row, completion + OUTCOMES * topicPartitionId);
    this.offset.set(row, offset);
    const invokedAt = this.invokedAt.get(row);
    const latency = atMicros - invokedAt;
    if (invokedAt + latency === atMicros) {
      this.latency.set(row, latency);
    } else {
      this.latency.set(row, 0);
      this.completedAtAside.set(row, atMicros);
    }
  }

  /**
   * True when no value id was sent twice (in two rows): each process's ids rose send by
   * send and the processes' ranges do not overlap (the workload's ids: a billion apart).
   */
  valueIdsDistinct(): boolean {
    if (!this.rising) return false;
    const ranges: [first: number, last: number][] = [];
    this.firstValueId.forEach((first, process) => ranges.push([first, this.lastValueId[process]!]));
    ranges.sort((a, b) => a[0] - b[0]);
    for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] <= ranges[i - 1]![1]) return false;
    return true;
  }

  /**
   * Rows `from` .. `from + count - 1` at once, into `block` from its start (a loop per column
   * and chunk, not four calls a row: the ledger's passes over every acknowledged send run
   * once a run, mostly before the optimising compiler has seen them). `topicPartitionIds`
   * is -1 where pending, `offsets` -1 where not acknowledged (or acks=0).
   */
  readBlock(from: number, count: number, block: SendBlock): void {
    const { completions, valueIds, topicPartitionIds, offsets, scratch } = block;
    assert(count <= completions.length && count <= valueIds.length && count <= topicPartitionIds.length && count <= offsets.length && count <= scratch.length, () => `Sends.readBlock: ${count} rows into a smaller block`);
    this.valueIdFromFirst.readInto(from, count, valueIds);
    this.process.readInto(from, count, scratch);
    const firstValueId = this.firstValueId;
    for (let k = 0; k < count; k++) valueIds[k] = valueIds[k]! + firstValueId[scratch[k]! | 0]!;
    this.outcome.readInto(from, count, scratch);
    this.offset.readInto(from, count, offsets);
    for (let k = 0; k < count; k++) {
      const outcome = scratch[k]!;
      const completion = outcome & COMPLETION_MASK;
      completions[k] = completion;
      topicPartitionIds[k] = outcome === PENDING ? -1 : outcome >> TOPIC_PARTITION_SHIFT;
      if (completion !== OK) offsets[k] = -1;
    }
  }

  processId(row: number): number {
    return this.process.get(row);
  }
  topicId(row: number): number {
    return this.topic.get(row);
  }
  keyId(row: number): number {
    return this.key.get(row);
  }
  valueId(row: number): number {
    return this.firstValueId[this.process.get(row)]! + this.valueIdFromFirst.get(row);
  }
  invokedAtMicros(row: number): number {
    return this.invokedAt.get(row);
  }
  completionOf(row: number): number {
    return this.outcome.get(row) & COMPLETION_MASK;
  }
  /** -1 while pending. */
  topicPartitionId(row: number): number {
    const outcome = this.outcome.get(row);
    return outcome === PENDING ? -1 : outcome >> TOPIC_PARTITION_SHIFT;
  }
  /** -1 when not known (not acknowledged, or acks=0). */
  offsetOf(row: number): number {
    return this.completionOf(row) === OK ? this.offset.get(row) : -1;
  }
  /** -1 while pending. */
  completedAtMicros(row: number): number {
    if (this.outcome.get(row) === PENDING) return -1;
    const aside = this.completedAtAside.size > 0 ? this.completedAtAside.get(row) : undefined;
    return aside ?? this.invokedAt.get(row) + this.latency.get(row);
  }
}
