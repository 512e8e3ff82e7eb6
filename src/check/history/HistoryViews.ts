import type { OpKind } from "./OpLog.ts";

/** How a send ended: acknowledged, failed for sure, outcome unknown (maybe written), or not yet. */
export type SendCompletion = "ok" | "fail" | "info" | "pending";

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
  processId: number;
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
  processId: number;
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
 * A run of records one poll returned: one topic-partition, consecutive offsets
 * (`firstOffset` .. `firstOffset + count - 1`), records `firstRecord` .. `firstRecord +
 * count - 1`; `History.runValueId(run, i)` gives the i-th one's value. Reused by visitors.
 */
export interface PolledRunView {
  run: number;
  pollIndex: number;
  processId: number;
  atMicros: number;
  topicPartitionId: number;
  firstOffset: number;
  firstRecord: number;
  count: number;
  firstValueId: number;
  /** True when the run's value ids are consecutive: record i's is firstValueId + i. */
  exact: boolean;
}

