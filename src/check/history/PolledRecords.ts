import { PackedColumn } from "../PackedColumn.ts";

/** A delta run's value ids may stray this far from consecutive before a new run starts (keeps the deltas in two bytes). */
const MAX_VALUE_DELTA = 0x7fff;

/**
 * The polls of a history and the records they returned, as runs: a poll returns, for each
 * partition, records at consecutive offsets, and a batch's records carry one producer's
 * consecutive value ids. A run is a stretch of one poll's records of one topic-partition at
 * consecutive offsets; it keeps its first offset and first value id once. Two kinds:
 * - an exact run's value ids are consecutive too (a producer's batch): nothing is kept per
 *   record, and a value that breaks the sequence starts a new run;
 * - a delta run (a keyed producer's records, spread over partitions, so a partition's value
 *   ids rise in small steps) keeps, per record, how far its value id strays from the first
 *   plus its position. A run whose second record breaks the sequence becomes one.
 * A new run also starts at a new poll, another partition, or an offset gap.
 *
 * Records are numbered 0, 1, ... in recording order, as before the runs.
 */
export class PolledRecords {
  private readonly pollProcess = new PackedColumn();
  private readonly pollAt = new PackedColumn();
  private readonly pollFirstRun = new PackedColumn();
  private readonly runPoll = new PackedColumn();
  private readonly runTopicPartition = new PackedColumn();
  private readonly runFirstOffset = new PackedColumn();
  private readonly runFirstValueId = new PackedColumn();
  private readonly runFirstRecord = new PackedColumn();
  /** Where a delta run's records start in recordValueDelta; -1 for an exact run. */
  private readonly runFirstDelta = new PackedColumn();
  private readonly recordValueDelta = new PackedColumn();
  private records = 0;
  /** The open run's poll (-1: none), topic-partition, last offset, first value id, first record and first delta. */
  private openPoll = -1;
  private openTopicPartition = -1;
  private openLastOffset = -1;
  private openFirstValueId = 0;
  private openFirstRecord = 0;
  private openFirstDelta = -1;

  get pollCount(): number {
    return this.pollProcess.length;
  }
  get recordCount(): number {
    return this.records;
  }
  get runCount(): number {
    return this.runPoll.length;
  }

  get capacityBytes(): number {
    let bytes = 0;
    for (const value of Object.values(this)) if (value instanceof PackedColumn) bytes += value.capacityBytes;
    return bytes;
  }

  /** Starts a poll by `processId` at `atMicros`; returns its index. Its records follow with `add`. */
  startPoll(processId: number, atMicros: number): number {
    const poll = this.pollProcess.push(processId);
    this.pollAt.push(atMicros);
    this.pollFirstRun.push(this.runCount);
    return poll;
  }

  /** Adds a record to the poll started last. */
  add(topicPartitionId: number, offset: number, valueId: number): void {
    const record = this.records++;
    if (this.pollCount - 1 === this.openPoll && topicPartitionId === this.openTopicPartition && offset === this.openLastOffset + 1 && this.extend(record, valueId)) {
      this.openLastOffset = offset;
      return;
    }
    this.openPoll = this.pollCount - 1;
    this.openTopicPartition = topicPartitionId;
    this.openLastOffset = offset;
    this.openFirstValueId = valueId;
    this.openFirstRecord = record;
    this.openFirstDelta = -1;
    this.runPoll.push(this.openPoll);
    this.runTopicPartition.push(topicPartitionId);
    this.runFirstOffset.push(offset);
    this.runFirstValueId.push(valueId);
    this.runFirstRecord.push(record);
    this.runFirstDelta.push(-1);
  }

  /** Adds `record` to the open run (at the next offset) if its value id allows; false when a new run must start. */
  private extend(record: number, valueId: number): boolean {
    const position = record - this.openFirstRecord;
    const delta = valueId - this.openFirstValueId - position;
    if (this.openFirstDelta >= 0) {
      if (!(Math.abs(delta) <= MAX_VALUE_DELTA)) return false;
      this.recordValueDelta.push(delta);
      return true;
    }
    if (delta === 0) return true;
    // An exact run broken at its second record becomes a delta run; a longer one ends here.
    if (position !== 1 || !(Math.abs(delta) <= MAX_VALUE_DELTA)) return false;
    this.openFirstDelta = this.recordValueDelta.push(0);
    this.runFirstDelta.set(this.runCount - 1, this.openFirstDelta);
    this.recordValueDelta.push(delta);
    return true;
  }

  processId(poll: number): number {
    return this.pollProcess.get(poll);
  }
  atMicros(poll: number): number {
    return this.pollAt.get(poll);
  }

  /** The runs of poll `poll`: [first, end). */
  pollRuns(poll: number): [first: number, end: number] {
    const end = poll + 1 < this.pollCount ? this.pollFirstRun.get(poll + 1) : this.runCount;
    return [this.pollFirstRun.get(poll), end];
  }

  /** The records of poll `poll`: [first, end). */
  pollRecords(poll: number): [first: number, end: number] {
    const [firstRun, endRun] = this.pollRuns(poll);
    const end = endRun < this.runCount ? this.runFirstRecord.get(endRun) : this.recordCount;
    return [firstRun < endRun ? this.runFirstRecord.get(firstRun) : end, end];
  }

  runPollOf(run: number): number {
    return this.runPoll.get(run);
  }
  runTopicPartitionOf(run: number): number {
    return this.runTopicPartition.get(run);
  }
  runFirstOffsetOf(run: number): number {
    return this.runFirstOffset.get(run);
  }
  runFirstRecordOf(run: number): number {
    return this.runFirstRecord.get(run);
  }
  runFirstValueIdOf(run: number): number {
    return this.runFirstValueId.get(run);
  }
  /** True when run `run`'s value ids are consecutive (no deltas kept). */
  runExact(run: number): boolean {
    return this.runFirstDelta.get(run) < 0;
  }
  /** The record after run `run`'s last. */
  runEndRecord(run: number): number {
    return run + 1 < this.runCount ? this.runFirstRecord.get(run + 1) : this.recordCount;
  }

  /** The value id of record `record` of run `run`. */
  valueId(run: number, record: number): number {
    const position = record - this.runFirstRecord.get(run);
    const firstDelta = this.runFirstDelta.get(run);
    return this.runFirstValueId.get(run) + position + (firstDelta < 0 ? 0 : this.recordValueDelta.get(firstDelta + position));
  }

  /** The run that holds record `record` (binary search: runs start in record order). */
  runOf(record: number): number {
    let lo = 0;
    let hi = this.runCount - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.runFirstRecord.get(mid) <= record) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
