import { assert } from "../../../sim/index.ts";
import { recordOffsetOf, type RecordBatch } from "../../protocol/records.ts";
import { Interner } from "../Interner.ts";
import { OpKind, OpLog } from "./OpLog.ts";
import { PackedColumn } from "../PackedColumn.ts";
import { PolledRecords } from "./PolledRecords.ts";
import { FAIL, INFO, OK, Sends, type SendBlock } from "./Sends.ts";
import { TopicPartitions } from "./TopicPartitions.ts";
import type { AssignView, CommitView, OpView, PolledRecord, PolledRecordView, PolledRunView, SendCompletion, SendView } from "./HistoryViews.ts";

export { OpKind } from "./OpLog.ts";
export type { AssignView, CommitView, OpView, PolledRecord, PolledRecordView, PolledRunView, SendCompletion, SendView } from "./HistoryViews.ts";

const COMPLETIONS: readonly SendCompletion[] = ["pending", "ok", "fail", "info"];

/**
 * The client-visible history of a run in the style of Jepsen: every send, poll and commit
 * as an invoke and its completion (ok, fail, or info when the outcome is unknown). Stored
 * in packed columns (no object per record; see PackedColumn): on a steady load a send costs
 * about 13 bytes (Sends), its two places in the operation log about 2 (OpLog), and a polled
 * record well under one (PolledRecords keeps runs of consecutive offsets). Keys, process
 * names, topics, groups and topic-partitions are interned.
 *
 * The recording methods are observer-shaped and do no I/O; writers (JsonLinesHistory,
 * EdnHistory) read it after the run.
 */
export class History {
  private readonly processes = new Interner();
  private readonly topics = new Interner();
  /** Record keys; id 0 is the null key, so a string's id is its interned id + 1. */
  private readonly keys = new Interner();
  private readonly groups = new Interner();
  readonly topicPartitions = new TopicPartitions(this.topics);
  /**
   * Each topic-partition's highest offset acknowledged or polled, by id (kept as they come,
   * a comparison a batch or a polled record): what the checkers' arrays by offset must hold,
   * known without a pass over every send.
   */
  private readonly highestOffsets: number[] = [];
  /**
   * The send row of each acknowledgement, in the order they came (rows acknowledged close
   * together are close: a byte or two each). The produce ledger's view of what was
   * acknowledged, and where, reads the sends through it instead of keeping its own copy.
   */
  private readonly ackedSendRows = new PackedColumn();

  private readonly ops = new OpLog();
  private readonly sends = new Sends();
  private readonly polls = new PolledRecords();

  // Commits, one row each.
  private readonly commitProcess = new PackedColumn();
  private readonly commitAt = new PackedColumn();
  private readonly commitGroup = new PackedColumn();
  private readonly commitTopicPartition = new PackedColumn();
  private readonly commitOffset = new PackedColumn();
  private readonly commitGeneration = new PackedColumn();
  private readonly commitOk = new PackedColumn();
  private readonly commitBeforePoll = new PackedColumn();

  // Assignments, one row each; their partitions are rows assignFirst[i] .. assignFirst[i+1]-1.
  private readonly assignProcess = new PackedColumn();
  private readonly assignAt = new PackedColumn();
  private readonly assignBeforePoll = new PackedColumn();
  private readonly assignFirst = new PackedColumn();
  private readonly assignTopicPartition = new PackedColumn();

  // ---- recording ----

  /**
   * The id of a process name, interned on first sight (ids go by first appearance). A
   * recorder that keeps it calls the `...By` methods with it: several producers and
   * consumers record in turn, so a lookup by name per operation mostly missed the
   * interner's memory of the last name and cost a Map lookup.
   */
  processId(process: string): number {
    return this.processes.intern(process);
  }

  /** A producer's send() accepted the record (Jepsen's invoke of [:send k v]). */
  sendInvoked(process: string, atMicros: number, topic: string, key: string | null, valueId: number): void {
    this.sendInvokedBy(this.processes.intern(process), atMicros, topic, key, valueId);
  }

  /** `sendInvoked` by a process id (see `processId`). */
  sendInvokedBy(processId: number, atMicros: number, topic: string, key: string | null, valueId: number): void {
    this.sends.invoke(processId, atMicros, this.topics.intern(topic), key === null ? 0 : this.keys.intern(key) + 1, valueId);
    this.ops.append(OpKind.sendInvoke);
  }

  /** The send was acknowledged at `offset` of `partition` (offset -1 with acks=0). */
  sendOk(_process: string, atMicros: number, valueId: number, partition: number, offset: number): void {
    const row = this.sends.takePending(valueId);
    const tp = this.topicPartitions.internById(this.sends.topicId(row), partition);
    this.sends.complete(row, atMicros, OK, tp, offset);
    this.ops.appendCompletion(row);
    this.ackedSendRows.push(row);
    this.sawOffset(tp, offset);
  }

  /** `sendOk` for each record of a batch acknowledged at once, record i at baseOffset + i (each -1 with acks=0). */
  sendOkBatch(atMicros: number, records: { readonly recordCount: number; valueIdAt(i: number): number }, partition: number, baseOffset: number): void {
    const count = records.recordCount;
    let topicPartitionId = -1;
    for (let i = 0; i < count; i++) {
      const row = this.sends.takePending(records.valueIdAt(i));
      // One batch, one topic-partition: interned once.
      if (topicPartitionId < 0) topicPartitionId = this.topicPartitions.internById(this.sends.topicId(row), partition);
      this.sends.complete(row, atMicros, OK, topicPartitionId, baseOffset < 0 ? -1 : baseOffset + i);
      this.ops.appendCompletion(row);
      this.ackedSendRows.push(row);
    }
    if (count > 0 && baseOffset >= 0) this.sawOffset(topicPartitionId, baseOffset + count - 1);
  }

  /**
   * The send failed: an info (outcome unknown) when `maybeWritten`, a fail otherwise.
   * `partition` is the one the record was bound for, -1 when none was chosen.
   */
  sendFailed(_process: string, atMicros: number, valueId: number, maybeWritten: boolean, partition = -1): void {
    const row = this.sends.takePending(valueId);
    const tp = this.topicPartitions.internById(this.sends.topicId(row), partition < 0 ? -1 : partition);
    this.sends.complete(row, atMicros, maybeWritten ? INFO : FAIL, tp, -1);
    this.ops.appendCompletion(row);
  }

  /** A poll returned `records` (an invoke and its ok at the same instant; empty polls count). */
  polled(process: string, atMicros: number, records: readonly PolledRecord[]): void {
    this.pollStarted(process, atMicros);
    for (const r of records) this.polledRecord(r.topic, r.partition, r.offset, r.valueId);
  }

  /** `polled` one record at a time, without an array of records: the poll, then each record it returned. */
  pollStarted(process: string, atMicros: number): void {
    this.pollStartedBy(this.processes.intern(process), atMicros);
  }

  /** `pollStarted` by a process id (see `processId`). */
  pollStartedBy(processId: number, atMicros: number): void {
    this.polls.startPoll(processId, atMicros);
    this.ops.append(OpKind.pollInvoke);
    this.ops.append(OpKind.pollOk);
  }

  /** A record the poll started last returned. */
  polledRecord(topic: string, partition: number, offset: number, valueId: number): void {
    assert(Number.isSafeInteger(valueId), () => `history: value id ${valueId} is not an integer`);
    const tp = this.topicPartitions.intern(topic, partition);
    this.polls.add(tp, offset, valueId);
    this.sawOffset(tp, offset);
  }

  /** `polledRecord` for records `first` .. `first + count - 1` of `batch`, of one partition. */
  polledRun(topic: string, partition: number, batch: RecordBatch, first: number, count: number): void {
    const tp = this.topicPartitions.intern(topic, partition);
    const records = batch.records;
    let offset = -1;
    for (let i = first; i < first + count; i++) {
      const valueId = records.valueIdAt(i);
      assert(Number.isSafeInteger(valueId), () => `history: value id ${valueId} is not an integer`);
      offset = recordOffsetOf(batch, i);
      this.polls.add(tp, offset, valueId);
    }
    if (count > 0) this.sawOffset(tp, offset);
  }

  /** The highest offset of topic-partition `tp` acknowledged or polled; -1 when none. */
  highestOffset(tp: number): number {
    return this.highestOffsets[tp] ?? -1;
  }

  private sawOffset(tp: number, offset: number): void {
    if (tp >= 0 && !(this.highestOffsets[tp]! >= offset)) this.highestOffsets[tp] = offset;
  }

  /** A consumer committed `offset` (the next to read) for a partition of `group`, and how it went. */
  commit(process: string, atMicros: number, group: string, topic: string, partition: number, offset: number, generation: number, ok: boolean): void {
    this.commitProcess.push(this.processes.intern(process));
    this.commitAt.push(atMicros);
    this.commitGroup.push(this.groups.intern(group));
    this.commitTopicPartition.push(this.topicPartitions.intern(topic, partition));
    this.commitOffset.push(offset);
    this.commitGeneration.push(generation);
    this.commitOk.push(ok ? 1 : 0);
    this.commitBeforePoll.push(this.pollCount);
    this.ops.append(OpKind.commitInvoke);
    this.ops.append(OpKind.commitComplete);
  }

  /**
   * A consumer was given partitions (Jepsen's :assign): a group member's new partitions
   * after a rebalance, a simple consumer's at each start. Its position in each starts anew
   * there (the committed offset, or the reset policy), so checkers compare polls within
   * one assignment only.
   */
  assigned(process: string, atMicros: number, partitions: readonly { readonly topic: string; readonly partition: number }[]): void {
    this.assignProcess.push(this.processes.intern(process));
    this.assignAt.push(atMicros);
    this.assignBeforePoll.push(this.pollCount);
    this.assignFirst.push(this.assignTopicPartition.length);
    for (const p of partitions) this.assignTopicPartition.push(this.topicPartitions.intern(p.topic, p.partition));
    this.ops.append(OpKind.assignInvoke);
    this.ops.append(OpKind.assignOk);
  }

  // ---- counts ----

  /** Operations in the log (invokes and completions). */
  get opCount(): number {
    return this.ops.length;
  }
  get sendCount(): number {
    return this.sends.count;
  }
  get pendingSendCount(): number {
    return this.sends.pendingCount;
  }
  get pollCount(): number {
    return this.polls.pollCount;
  }
  get polledRecordCount(): number {
    return this.polls.recordCount;
  }
  /** Runs of polled records (see PolledRunView). */
  get polledRunCount(): number {
    return this.polls.runCount;
  }
  get commitCount(): number {
    return this.commitProcess.length;
  }
  get assignCount(): number {
    return this.assignProcess.length;
  }

  /** Sends by how they ended. */
  sendCounts(): Record<SendCompletion, number> {
    const counts: Record<SendCompletion, number> = { ok: 0, fail: 0, info: 0, pending: 0 };
    for (let row = 0; row < this.sendCount; row++) counts[COMPLETIONS[this.sends.completionOf(row)]!]++;
    return counts;
  }

  /** Bytes held by the columns (used and spare capacity), for the memory budget. */
  get columnBytes(): number {
    let bytes = this.ops.capacityBytes + this.sends.capacityBytes + this.polls.capacityBytes;
    for (const value of Object.values(this)) if (value instanceof PackedColumn) bytes += value.capacityBytes;
    return bytes;
  }

  // ---- names ----

  processName(id: number): string {
    return this.processes.name(id);
  }
  /** Process names, in order of first appearance (a name's index is its id). */
  processNames(): readonly string[] {
    return this.processes.all();
  }

  // ---- reading sends by row, without a view (for checkers) ----

  /**
   * Sends `from` .. `from + count - 1` in a block: value ids, topic-partition ids (-1 while
   * pending) and offsets (-1 unless acknowledged with one). See Sends.readBlock.
   */
  readSendBlock(from: number, count: number, block: SendBlock): void {
    this.sends.readBlock(from, count, block);
  }
  /** Acknowledgements so far (sends completed ok). */
  get ackedCount(): number {
    return this.ackedSendRows.length;
  }
  /** The send row of the `i`-th acknowledgement. */
  ackedSendRow(i: number): number {
    return this.ackedSendRows.get(i);
  }
  /** The send rows of acknowledgements `from` .. `from + count - 1`, into `into` from its start. */
  readAckedSendRows(from: number, count: number, into: Float64Array): void {
    this.ackedSendRows.readInto(from, count, into);
  }
  sendValueId(row: number): number {
    return this.sends.valueId(row);
  }
  /** True when no value id was sent twice (see Sends.valueIdsDistinct). */
  sendValueIdsDistinct(): boolean {
    return this.sends.valueIdsDistinct();
  }
  sendProcessId(row: number): number {
    return this.sends.processId(row);
  }
  /** True when send `row` was acknowledged. */
  sendAcknowledged(row: number): boolean {
    return this.sends.completionOf(row) === OK;
  }
  /** -1 while pending. */
  sendTopicPartitionId(row: number): number {
    return this.sends.topicPartitionId(row);
  }
  /** -1 when not known (not acknowledged, or acks=0). */
  sendOffset(row: number): number {
    return this.sends.offsetOf(row);
  }
  /** -1 while pending. */
  sendCompletedAtMicros(row: number): number {
    return this.sends.completedAtMicros(row);
  }

  // ---- reading ----

  /** Visits every send in invoke order. The view is reused between calls. */
  forEachSend(visit: (send: Readonly<SendView>) => void): void {
    const view = emptySendView();
    for (let row = 0; row < this.sendCount; row++) visit(this.readSend(row, view));
  }

  /** Fills `view` with send `row` and returns it. */
  readSend(row: number, view: SendView = emptySendView()): SendView {
    const s = this.sends;
    const tp = s.topicPartitionId(row);
    const key = s.keyId(row);
    view.row = row;
    view.valueId = s.valueId(row);
    view.process = this.processes.name(s.processId(row));
    view.topic = this.topics.name(s.topicId(row));
    view.key = key === 0 ? null : this.keys.name(key - 1);
    view.invokedAtMicros = s.invokedAtMicros(row);
    view.completion = COMPLETIONS[s.completionOf(row)]!;
    view.topicPartitionId = tp;
    view.partition = tp < 0 ? -1 : this.topicPartitions.partition(tp);
    view.offset = s.offsetOf(row);
    view.completedAtMicros = s.completedAtMicros(row);
    return view;
  }

  /** Visits every polled record, poll by poll, in recording order. The view is reused. */
  forEachPolledRecord(visit: (record: Readonly<PolledRecordView>) => void): void {
    const view = emptyPolledRecordView();
    this.forEachPolledRun((run) => {
      view.process = this.processes.name(run.processId);
      view.pollIndex = run.pollIndex;
      view.atMicros = run.atMicros;
      view.topicPartitionId = run.topicPartitionId;
      view.topic = this.topicPartitions.topic(run.topicPartitionId);
      view.partition = this.topicPartitions.partition(run.topicPartitionId);
      for (let i = 0; i < run.count; i++) {
        view.offset = run.firstOffset + i;
        view.valueId = this.runValueId(run, i);
        visit(view);
      }
    });
  }

  /** Visits every run of polled records (see PolledRunView), in recording order. The view is reused. */
  forEachPolledRun(visit: (run: Readonly<PolledRunView>) => void, firstRun = 0, endRun = this.polledRunCount): void {
    const view: PolledRunView = { run: 0, pollIndex: -1, processId: 0, atMicros: 0, topicPartitionId: 0, firstOffset: 0, firstRecord: 0, count: 0, firstValueId: 0, exact: true };
    for (let run = firstRun; run < endRun; run++) visit(this.readPolledRun(run, view));
  }

  /** Fills `view` with run `run` and returns it. */
  readPolledRun(run: number, view: PolledRunView): PolledRunView {
    const p = this.polls;
    const poll = p.runPollOf(run);
    if (poll !== view.pollIndex) {
      view.pollIndex = poll;
      view.processId = p.processId(poll);
      view.atMicros = p.atMicros(poll);
    }
    view.run = run;
    view.topicPartitionId = p.runTopicPartitionOf(run);
    view.firstOffset = p.runFirstOffsetOf(run);
    view.firstRecord = p.runFirstRecordOf(run);
    view.count = p.runEndRecord(run) - view.firstRecord;
    view.firstValueId = p.runFirstValueIdOf(run);
    view.exact = p.runExact(run);
    return view;
  }

  /** The value id of the `i`-th record of `run`. */
  runValueId(run: Readonly<PolledRunView>, i: number): number {
    return run.exact ? run.firstValueId + i : this.polls.valueId(run.run, run.firstRecord + i);
  }

  /** Fills `view` with polled record `row` (0 .. polledRecordCount-1). */
  readPolledRecord(row: number, view: PolledRecordView = emptyPolledRecordView()): PolledRecordView {
    const p = this.polls;
    const run = p.runOf(row);
    const poll = p.runPollOf(run);
    const tp = p.runTopicPartitionOf(run);
    view.process = this.processes.name(p.processId(poll));
    view.pollIndex = poll;
    view.atMicros = p.atMicros(poll);
    view.topicPartitionId = tp;
    view.topic = this.topicPartitions.topic(tp);
    view.partition = this.topicPartitions.partition(tp);
    view.offset = p.runFirstOffsetOf(run) + (row - p.runFirstRecordOf(run));
    view.valueId = p.valueId(run, row);
    return view;
  }

  /** The rows of the records poll `poll` returned: [first, end). */
  pollRecordRange(poll: number): [first: number, end: number] {
    return this.polls.pollRecords(poll);
  }

  /** The runs of records poll `poll` returned: [first, end). */
  pollRunRange(poll: number): [first: number, end: number] {
    return this.polls.pollRuns(poll);
  }

  /** Visits every commit in recording order. The view is reused. */
  forEachCommit(visit: (commit: Readonly<CommitView>) => void): void {
    const view = emptyCommitView();
    for (let row = 0; row < this.commitCount; row++) visit(this.readCommit(row, view));
  }

  readCommit(row: number, view: CommitView = emptyCommitView()): CommitView {
    const tp = this.commitTopicPartition.get(row);
    view.processId = this.commitProcess.get(row);
    view.process = this.processes.name(view.processId);
    view.atMicros = this.commitAt.get(row);
    view.group = this.groups.name(this.commitGroup.get(row));
    view.topicPartitionId = tp;
    view.topic = this.topicPartitions.topic(tp);
    view.partition = this.topicPartitions.partition(tp);
    view.offset = this.commitOffset.get(row);
    view.generation = this.commitGeneration.get(row);
    view.ok = this.commitOk.get(row) === 1;
    view.beforePoll = this.commitBeforePoll.get(row);
    return view;
  }

  /** Visits every assignment in recording order. The view is reused. */
  forEachAssign(visit: (assign: Readonly<AssignView>) => void): void {
    const view: AssignView = { process: "", processId: 0, atMicros: 0, beforePoll: 0, topicPartitionIds: [] };
    for (let row = 0; row < this.assignCount; row++) visit(this.readAssign(row, view));
  }

  readAssign(row: number, view: AssignView = { process: "", processId: 0, atMicros: 0, beforePoll: 0, topicPartitionIds: [] }): AssignView {
    view.processId = this.assignProcess.get(row);
    view.process = this.processes.name(view.processId);
    view.atMicros = this.assignAt.get(row);
    view.beforePoll = this.assignBeforePoll.get(row);
    const end = row + 1 < this.assignCount ? this.assignFirst.get(row + 1) : this.assignTopicPartition.length;
    view.topicPartitionIds.length = 0;
    for (let i = this.assignFirst.get(row); i < end; i++) view.topicPartitionIds.push(this.assignTopicPartition.get(i));
    return view;
  }

  /** Visits the operation log in order (what the writers export). The view is reused. */
  forEachOp(visit: (op: Readonly<OpView>) => void): void {
    const view: OpView = { index: 0, kind: OpKind.sendInvoke, row: 0, atMicros: 0, processId: 0 };
    this.ops.forEach((index, kind, row) => {
      view.index = index;
      view.kind = kind;
      view.row = row;
      this.fillOpTimeAndProcess(view);
      visit(view);
    });
  }

  private fillOpTimeAndProcess(view: OpView): void {
    const row = view.row;
    switch (view.kind) {
      case OpKind.sendInvoke:
        view.atMicros = this.sends.invokedAtMicros(row);
        view.processId = this.sends.processId(row);
        return;
      case OpKind.sendComplete:
        view.atMicros = this.sends.completedAtMicros(row);
        view.processId = this.sends.processId(row);
        return;
      case OpKind.pollInvoke:
      case OpKind.pollOk:
        view.atMicros = this.polls.atMicros(row);
        view.processId = this.polls.processId(row);
        return;
      case OpKind.commitInvoke:
      case OpKind.commitComplete:
        view.atMicros = this.commitAt.get(row);
        view.processId = this.commitProcess.get(row);
        return;
      case OpKind.assignInvoke:
      case OpKind.assignOk:
        view.atMicros = this.assignAt.get(row);
        view.processId = this.assignProcess.get(row);
        return;
    }
  }
}

function emptySendView(): SendView {
  return {
    row: 0, valueId: 0, process: "", topic: "", key: null, invokedAtMicros: 0, completion: "pending",
    partition: -1, offset: -1, completedAtMicros: -1, topicPartitionId: -1,
  };
}

function emptyPolledRecordView(): PolledRecordView {
  return { process: "", pollIndex: 0, atMicros: 0, topic: "", partition: 0, topicPartitionId: 0, offset: 0, valueId: 0 };
}

function emptyCommitView(): CommitView {
  return { process: "", processId: 0, atMicros: 0, group: "", topic: "", partition: 0, topicPartitionId: 0, offset: 0, generation: 0, ok: false, beforePoll: 0 };
}
