import { PackedColumn } from "./PackedColumn.ts";

/** A run's value ids may stray this far from consecutive before a new run starts (keeps the deltas in two bytes). */
const MAX_VALUE_DELTA = 0x7fff;

/**
 * The polls of a history and the records they returned, as runs: a poll returns, for each
 * partition, records at consecutive offsets, and a batch's records carry one producer's
 * consecutive value ids. A run is a stretch of one poll's records of one topic-partition at
 * consecutive offsets: it keeps its first offset and first value id once, and each record
 * keeps only how far its value id strays from the first one plus its position (0 for a
 * producer's batch, small for a keyed producer's records spread over partitions). A new
 * run starts at a new poll, another partition, an offset gap, or a value id far off.
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
  private readonly recordValueDelta = new PackedColumn();
  /** The open run's poll, topic-partition, last offset and first value id (-1: no open run). */
  private openPoll = -1;
  private openTopicPartition = -1;
  private openLastOffset = -1;
  private openFirstValueId = 0;

  get pollCount(): number {
    return this.pollProcess.length;
  }
  get recordCount(): number {
    return this.recordValueDelta.length;
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
    const poll = this.pollCount - 1;
    const record = this.recordCount;
    const continues = poll === this.openPoll && topicPartitionId === this.openTopicPartition && offset === this.openLastOffset + 1;
    const delta = continues ? valueId - this.openFirstValueId - (record - this.runFirstRecord.get(this.runCount - 1)) : 0;
    if (!continues || !(Math.abs(delta) <= MAX_VALUE_DELTA)) {
      this.runPoll.push(poll);
      this.runTopicPartition.push(topicPartitionId);
      this.runFirstOffset.push(offset);
      this.runFirstValueId.push(valueId);
      this.runFirstRecord.push(record);
      this.openPoll = poll;
      this.openTopicPartition = topicPartitionId;
      this.openFirstValueId = valueId;
      this.recordValueDelta.push(0);
    } else {
      this.recordValueDelta.push(delta);
    }
    this.openLastOffset = offset;
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
  /** The record after run `run`'s last. */
  runEndRecord(run: number): number {
    return run + 1 < this.runCount ? this.runFirstRecord.get(run + 1) : this.recordCount;
  }

  /** The value id of record `record` of run `run`. */
  valueId(run: number, record: number): number {
    const position = record - this.runFirstRecord.get(run);
    return this.runFirstValueId.get(run) + position + this.recordValueDelta.get(record);
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
