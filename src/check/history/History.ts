import { assert } from "../../../sim/index.ts";
import { Float64Column, Int32Column, Uint32Column, Uint8Column } from "./Columns.ts";
import { Interner } from "./Interner.ts";
import { TopicPartitions } from "./TopicPartitions.ts";

/** How a send ended: acknowledged, failed for sure, outcome unknown (maybe written), or not yet. */
export type SendCompletion = "ok" | "fail" | "info" | "pending";
const COMPLETIONS: readonly SendCompletion[] = ["pending", "ok", "fail", "info"];
const PENDING = 0;
const OK = 1;
const FAIL = 2;
const INFO = 3;

/** The kinds of rows in the operation log, in the order Jepsen would see them. */
export const OpKind = {
  sendInvoke: 0,
  sendComplete: 1,
  pollInvoke: 2,
  pollOk: 3,
  commitInvoke: 4,
  commitComplete: 5,
  assignInvoke: 6,
  assignOk: 7,
} as const;
export type OpKind = (typeof OpKind)[keyof typeof OpKind];

/** A record a poll returned, as the recorder takes it. */
export interface PolledRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly valueId: number;
}

/** One send, as checkers read it. Views passed to visitors are reused: copy what you keep. */
export interface SendView {
  /** The send's row (0, 1, ... in invoke order). */
  row: number;
  valueId: number;
  process: string;
  topic: string;
  /** The record's key (`key-3`), null for keyless records. */
  key: string | null;
  invokedAtMicros: number;
  completion: SendCompletion;
  /** -1 when not known (pending, or failed before a partition was chosen). */
  partition: number;
  /** -1 when not known (not acknowledged, or acks=0). */
  offset: number;
  /** -1 while pending. */
  completedAtMicros: number;
  /**
   * The topic-partition's id (its EDN key); -1 while pending. A send that failed before a
   * partition was chosen has its topic's unknown-partition id (partition -1).
   */
  topicPartitionId: number;
}

/** One record returned by a poll. Reused by visitors. */
export interface PolledRecordView {
  process: string;
  /** Which poll returned it (0, 1, ... over the whole run, in recording order). */
  pollIndex: number;
  atMicros: number;
  topic: string;
  partition: number;
  topicPartitionId: number;
  offset: number;
  valueId: number;
}

/** One offset commit and its fate. Reused by visitors. */
export interface CommitView {
  process: string;
  atMicros: number;
  group: string;
  topic: string;
  partition: number;
  topicPartitionId: number;
  offset: number;
  generation: number;
  ok: boolean;
  /** The polls recorded before it (polls with a lower index came first). */
  beforePoll: number;
}

/** A consumer's new assignment. Reused by visitors. */
export interface AssignView {
  process: string;
  atMicros: number;
  /** The polls recorded before it (polls with a lower index came first). */
  beforePoll: number;
  /** The topic-partition ids it was given (newly assigned ones; see `assigned`). */
  topicPartitionIds: number[];
}

/** One row of the operation log, for the writers. Reused by visitors. */
export interface OpView {
  /** Jepsen's :index: position in the log, from 0. */
  index: number;
  kind: OpKind;
  /** The send, poll or commit row the op belongs to. */
  row: number;
  atMicros: number;
  /** The process's id (order of first appearance); its name is `processName(id)`. */
  processId: number;
}

/**
 * The client-visible history of a run in the style of Jepsen: every send, poll and commit
 * as an invoke and its completion (ok, fail, or info when the outcome is unknown). Stored
 * in typed-array columns (no object per record): a send costs about 60 bytes, a polled
 * record about 30. Keys, process names, topics, groups and topic-partitions are interned.
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

  // The operation log, in order.
  private readonly opKind = new Uint8Column();
  private readonly opRow = new Uint32Column();

  // Sends, one row each.
  private readonly sendValueId = new Float64Column();
  private readonly sendProcess = new Uint32Column();
  private readonly sendTopic = new Uint32Column();
  private readonly sendKey = new Uint32Column();
  private readonly sendInvokedAt = new Float64Column();
  private readonly sendCompletion = new Uint8Column();
  private readonly sendTopicPartition = new Int32Column();
  private readonly sendOffset = new Float64Column();
  private readonly sendCompletedAt = new Float64Column();
  /** Sends not yet completed: value id to row (bounded by what producers have in flight). */
  private readonly pendingSends = new Map<number, number>();

  // Polls, one row each; their records are rows pollFirstRecord[i] .. pollFirstRecord[i+1]-1.
  private readonly pollProcess = new Uint32Column();
  private readonly pollAt = new Float64Column();
  private readonly pollFirstRecord = new Uint32Column();
  private readonly recordPoll = new Uint32Column();
  private readonly recordTopicPartition = new Uint32Column();
  private readonly recordOffset = new Float64Column();
  private readonly recordValueId = new Float64Column();

  // Commits, one row each.
  private readonly commitProcess = new Uint32Column();
  private readonly commitAt = new Float64Column();
  private readonly commitGroup = new Uint32Column();
  private readonly commitTopicPartition = new Uint32Column();
  private readonly commitOffset = new Float64Column();
  private readonly commitGeneration = new Int32Column();
  private readonly commitOk = new Uint8Column();
  private readonly commitBeforePoll = new Uint32Column();

  // Assignments, one row each; their partitions are rows assignFirst[i] .. assignFirst[i+1]-1.
  private readonly assignProcess = new Uint32Column();
  private readonly assignAt = new Float64Column();
  private readonly assignBeforePoll = new Uint32Column();
  private readonly assignFirst = new Uint32Column();
  private readonly assignTopicPartition = new Uint32Column();

  // ---- recording ----

  /** A producer's send() accepted the record (Jepsen's invoke of [:send k v]). */
  sendInvoked(process: string, atMicros: number, topic: string, key: string | null, valueId: number): void {
    assert(!this.pendingSends.has(valueId), () => `history: value ${valueId} sent twice`);
    const row = this.sendValueId.push(valueId);
    this.sendProcess.push(this.processes.intern(process));
    this.sendTopic.push(this.topics.intern(topic));
    this.sendKey.push(key === null ? 0 : this.keys.intern(key) + 1);
    this.sendInvokedAt.push(atMicros);
    this.sendCompletion.push(PENDING);
    this.sendTopicPartition.push(-1);
    this.sendOffset.push(-1);
    this.sendCompletedAt.push(-1);
    this.pendingSends.set(valueId, row);
    this.log(OpKind.sendInvoke, row);
  }

  /** The send was acknowledged at `offset` of `partition` (offset -1 with acks=0). */
  sendOk(_process: string, atMicros: number, valueId: number, partition: number, offset: number): void {
    const row = this.complete(valueId, atMicros, OK);
    this.sendTopicPartition.set(row, this.topicPartitions.intern(this.topics.name(this.sendTopic.get(row)), partition));
    this.sendOffset.set(row, offset);
  }

  /**
   * The send failed: an info (outcome unknown) when `maybeWritten`, a fail otherwise.
   * `partition` is the one the record was bound for, -1 when none was chosen.
   */
  sendFailed(_process: string, atMicros: number, valueId: number, maybeWritten: boolean, partition = -1): void {
    const row = this.complete(valueId, atMicros, maybeWritten ? INFO : FAIL);
    const topic = this.topics.name(this.sendTopic.get(row));
    this.sendTopicPartition.set(row, this.topicPartitions.intern(topic, partition < 0 ? -1 : partition));
  }

  /** A poll returned `records` (an invoke and its ok at the same instant; empty polls count). */
  polled(process: string, atMicros: number, records: readonly PolledRecord[]): void {
    const poll = this.pollProcess.push(this.processes.intern(process));
    this.pollAt.push(atMicros);
    this.pollFirstRecord.push(this.recordPoll.length);
    for (const r of records) {
      this.recordPoll.push(poll);
      this.recordTopicPartition.push(this.topicPartitions.intern(r.topic, r.partition));
      this.recordOffset.push(r.offset);
      this.recordValueId.push(r.valueId);
    }
    this.log(OpKind.pollInvoke, poll);
    this.log(OpKind.pollOk, poll);
  }

  /** A consumer committed `offset` (the next to read) for a partition of `group`, and how it went. */
  commit(process: string, atMicros: number, group: string, topic: string, partition: number, offset: number, generation: number, ok: boolean): void {
    const row = this.commitProcess.push(this.processes.intern(process));
    this.commitAt.push(atMicros);
    this.commitGroup.push(this.groups.intern(group));
    this.commitTopicPartition.push(this.topicPartitions.intern(topic, partition));
    this.commitOffset.push(offset);
    this.commitGeneration.push(generation);
    this.commitOk.push(ok ? 1 : 0);
    this.commitBeforePoll.push(this.pollCount);
    this.log(OpKind.commitInvoke, row);
    this.log(OpKind.commitComplete, row);
  }

  /**
   * A consumer was given partitions (Jepsen's :assign): a group member's new partitions
   * after a rebalance, a simple consumer's at each start. Its position in each starts anew
   * there (the committed offset, or the reset policy), so checkers compare polls within
   * one assignment only.
   */
  assigned(process: string, atMicros: number, partitions: readonly { readonly topic: string; readonly partition: number }[]): void {
    const row = this.assignProcess.push(this.processes.intern(process));
    this.assignAt.push(atMicros);
    this.assignBeforePoll.push(this.pollCount);
    this.assignFirst.push(this.assignTopicPartition.length);
    for (const p of partitions) this.assignTopicPartition.push(this.topicPartitions.intern(p.topic, p.partition));
    this.log(OpKind.assignInvoke, row);
    this.log(OpKind.assignOk, row);
  }

  private complete(valueId: number, atMicros: number, completion: number): number {
    const row = this.pendingSends.get(valueId);
    assert(row !== undefined, () => `history: value ${valueId} completed without a pending send`);
    this.pendingSends.delete(valueId);
    this.sendCompletion.set(row, completion);
    this.sendCompletedAt.set(row, atMicros);
    this.log(OpKind.sendComplete, row);
    return row;
  }

  private log(kind: OpKind, row: number): void {
    this.opKind.push(kind);
    this.opRow.push(row);
  }

  // ---- counts ----

  /** Operations in the log (invokes and completions). */
  get opCount(): number {
    return this.opKind.length;
  }
  get sendCount(): number {
    return this.sendValueId.length;
  }
  get pendingSendCount(): number {
    return this.pendingSends.size;
  }
  get pollCount(): number {
    return this.pollProcess.length;
  }
  get polledRecordCount(): number {
    return this.recordPoll.length;
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
    const completions = this.sendCompletion.view();
    for (let i = 0; i < completions.length; i++) counts[COMPLETIONS[completions[i]!]!]++;
    return counts;
  }

  /** Bytes held by the columns (used and spare capacity), for the memory budget. */
  get columnBytes(): number {
    let bytes = 0;
    for (const value of Object.values(this)) {
      if (value instanceof Float64Column || value instanceof Uint32Column || value instanceof Int32Column || value instanceof Uint8Column) {
        bytes += value.capacityBytes;
      }
    }
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

  // ---- reading ----

  /** Visits every send in invoke order. The view is reused between calls. */
  forEachSend(visit: (send: Readonly<SendView>) => void): void {
    const view = emptySendView();
    for (let row = 0; row < this.sendCount; row++) visit(this.readSend(row, view));
  }

  /** Fills `view` with send `row` and returns it. */
  readSend(row: number, view: SendView = emptySendView()): SendView {
    const tp = this.sendTopicPartition.get(row);
    const key = this.sendKey.get(row);
    view.row = row;
    view.valueId = this.sendValueId.get(row);
    view.process = this.processes.name(this.sendProcess.get(row));
    view.topic = this.topics.name(this.sendTopic.get(row));
    view.key = key === 0 ? null : this.keys.name(key - 1);
    view.invokedAtMicros = this.sendInvokedAt.get(row);
    view.completion = COMPLETIONS[this.sendCompletion.get(row)]!;
    view.topicPartitionId = tp;
    view.partition = tp < 0 ? -1 : this.topicPartitions.partition(tp);
    view.offset = this.sendOffset.get(row);
    view.completedAtMicros = this.sendCompletedAt.get(row);
    return view;
  }

  /** Visits every polled record, poll by poll, in recording order. The view is reused. */
  forEachPolledRecord(visit: (record: Readonly<PolledRecordView>) => void): void {
    const view = emptyPolledRecordView();
    for (let row = 0; row < this.polledRecordCount; row++) visit(this.readPolledRecord(row, view));
  }

  /** Fills `view` with polled record `row` (0 .. polledRecordCount-1). */
  readPolledRecord(row: number, view: PolledRecordView = emptyPolledRecordView()): PolledRecordView {
    const poll = this.recordPoll.get(row);
    const tp = this.recordTopicPartition.get(row);
    view.process = this.processes.name(this.pollProcess.get(poll));
    view.pollIndex = poll;
    view.atMicros = this.pollAt.get(poll);
    view.topicPartitionId = tp;
    view.topic = this.topicPartitions.topic(tp);
    view.partition = this.topicPartitions.partition(tp);
    view.offset = this.recordOffset.get(row);
    view.valueId = this.recordValueId.get(row);
    return view;
  }

  /** The rows of the records poll `poll` returned: [first, end). */
  pollRecordRange(poll: number): [first: number, end: number] {
    const first = this.pollFirstRecord.get(poll);
    const end = poll + 1 < this.pollCount ? this.pollFirstRecord.get(poll + 1) : this.polledRecordCount;
    return [first, end];
  }

  /** Visits every commit in recording order. The view is reused. */
  forEachCommit(visit: (commit: Readonly<CommitView>) => void): void {
    const view = emptyCommitView();
    for (let row = 0; row < this.commitCount; row++) visit(this.readCommit(row, view));
  }

  readCommit(row: number, view: CommitView = emptyCommitView()): CommitView {
    const tp = this.commitTopicPartition.get(row);
    view.process = this.processes.name(this.commitProcess.get(row));
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
    const view: AssignView = { process: "", atMicros: 0, beforePoll: 0, topicPartitionIds: [] };
    for (let row = 0; row < this.assignCount; row++) visit(this.readAssign(row, view));
  }

  readAssign(row: number, view: AssignView = { process: "", atMicros: 0, beforePoll: 0, topicPartitionIds: [] }): AssignView {
    view.process = this.processes.name(this.assignProcess.get(row));
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
    for (let index = 0; index < this.opCount; index++) {
      view.index = index;
      view.kind = this.opKind.get(index) as OpKind;
      view.row = this.opRow.get(index);
      this.fillOpTimeAndProcess(view);
      visit(view);
    }
  }

  private fillOpTimeAndProcess(view: OpView): void {
    const row = view.row;
    switch (view.kind) {
      case OpKind.sendInvoke:
        view.atMicros = this.sendInvokedAt.get(row);
        view.processId = this.sendProcess.get(row);
        return;
      case OpKind.sendComplete:
        view.atMicros = this.sendCompletedAt.get(row);
        view.processId = this.sendProcess.get(row);
        return;
      case OpKind.pollInvoke:
      case OpKind.pollOk:
        view.atMicros = this.pollAt.get(row);
        view.processId = this.pollProcess.get(row);
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
  return { process: "", atMicros: 0, group: "", topic: "", partition: 0, topicPartitionId: 0, offset: 0, generation: 0, ok: false, beforePoll: 0 };
}
