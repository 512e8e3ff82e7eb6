import type { CommitView, History } from "../history/index.ts";
import type { ViolationExample, ViolationSink } from "../Violation.ts";
import { VALUES_PER_PRODUCER } from "../../workload/ProducerWorkload.ts";

/*
 * Client-visible anomaly checks over a run's History, after jepsen.tests.kafka
 * (inconsistent-offsets, poll-skip, nonmonotonic-poll, unseen, lost-write read past).
 *
 * Rules:
 *
 * - `inconsistent-offsets`: one (topic-partition, offset) seen — in an acknowledged send
 *   or a polled record — with two different values. Counted once per (partition, offset).
 *   Expected wherever acknowledged records are truncated and their offsets written
 *   again (acks=1 leader crash, unclean election): Jepsen reports those too.
 *
 * - The *known offsets* of a partition are the offsets that some acknowledged send or
 *   some poll shows exist (over the whole history, as Jepsen's version order). Gaps in
 *   offsets nobody observed are never skips.
 *
 * - Polls are compared per consumer process and partition within one assignment, as
 *   Jepsen does between :assign / :subscribe ops: a group member's rebalance, or a
 *   consumer's restart, records an `assign` op, and the first poll after it may start
 *   anywhere (the committed offset, earlier or later than where the process was).
 *
 * - `poll-skip`: within one assignment, the previous polled offset p and the next one
 *   o > p, with a known offset strictly between them.
 *
 * - `commit-skip`: a successful commit of offset n for a partition (the consumer's claim
 *   that it consumed everything below n) by a process that, in its current assignment,
 *   polled up to offset p < n - 1 with a known offset in between: it committed records it
 *   never read, which the group then never delivers. Not checked before the process's
 *   first poll of the assignment (it may re-commit the offset it started from).
 *
 * - `nonmonotonic-poll`: within one assignment, an offset at or below the previous one
 *   (in the same poll or a later one). A consumer rewinds only when told to (a seek, a
 *   reset after OFFSET_OUT_OF_RANGE, a truncation detected by KIP-320's epoch check):
 *   the last two are client-visible anomalies Jepsen reports too.
 *
 * - `unseen`: acknowledged sends (with a known partition) whose value no poll ever
 *   returned, only for partitions some consumer polled at all. One report per value.
 *
 * - `lost-write-read` (Jepsen's lost-write): an acknowledged value at offset o of a
 *   partition that some poll read past (returned an offset > o), and that no poll ever
 *   returned. Named apart from World's `lost-write` (acknowledged and absent from the
 *   final committed log) to avoid double counting; when `committed` is given each
 *   example says whether the value is also absent from the final committed log (then
 *   World's lost-write counts it too) or still in it (a reader went past it). Every
 *   lost-write-read value is also `unseen`.
 *
 * - `hw-monotonic` (the consumer-visible part; ReplicationChecker checks each leader's own
 *   high watermark): a consumer reads only below the high watermark, so every polled
 *   (offset, value) is committed, and must still be at that offset in the final committed
 *   log (the TLA+ models' consistent-read property). Its absence means the committed
 *   prefix a consumer saw went back. The raw high watermark a fetch response carries may
 *   dip after a failover in Kafka itself (a new leader learns it from its followers'
 *   fetches), so the number is not compared across leaders; what it promised is.
 *   Checked when `committed` is given.
 *
 * Known limit: an application that drops records it was given (never processed, though
 * polled) is not client-visible here (see `unprocessed`).
 */

/** The invariants checkHistory reports. */
export const CLIENT_INVARIANTS = ["inconsistent-offsets", "poll-skip", "commit-skip", "nonmonotonic-poll", "unseen", "lost-write-read", "hw-monotonic"] as const;

/** A partition's final committed log: value id to offsets, and where it can, the value at an offset. */
export type CommittedLog = ReadonlyMap<number, readonly number[]> & { valueAt?(offset: number): number | undefined };

export interface CheckHistoryOptions {
  /** The time of the check (the end of the run), for examples with no time of their own. */
  readonly atMicros: number;
  /** A partition's final committed log (value id to offsets), null when not known. */
  readonly committed?: (topic: string, partition: number) => CommittedLog | null;
}

/** What checkHistory found, by invariant. */
export interface ClientCheckCounts {
  readonly "inconsistent-offsets": number;
  readonly "poll-skip": number;
  readonly "commit-skip": number;
  readonly "nonmonotonic-poll": number;
  readonly unseen: number;
  readonly "lost-write-read": number;
  /** Polled records no longer at their offset in the final committed log (only with `committed`). */
  readonly "hw-monotonic": number;
  /** lost-write-read values that are also absent from the final committed log (0 without `committed`). */
  readonly lostWriteReadNotCommitted: number;
}

/** Per partition: offset to the first value seen there, and the offsets sorted for rank queries. */
class PartitionOffsets {
  readonly valueAt = new Map<number, number>();
  readonly reported = new Set<number>();
  sorted: Float64Array = new Float64Array(0);
  maxPolled = -1;
  polled = false;

  finish(): void {
    this.sorted = Float64Array.from(this.valueAt.keys()).sort();
  }

  /** How many known offsets lie strictly between a and b (a < b). */
  between(a: number, b: number): number {
    return lowerBound(this.sorted, b) - upperBound(this.sorted, a);
  }

  /** The first known offset strictly above a. */
  firstAbove(a: number): number {
    return this.sorted[upperBound(this.sorted, a)] ?? -1;
  }
}

function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function upperBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One consumer process's reading of one partition within its current assignment. */
interface Cursor {
  /** The last offset polled since the partition was assigned, -1 before the first. */
  last: number;
  lastPoll: number;
}

/**
 * Runs every client-visible check over `history` (after the run), reporting each anomaly
 * to `sink` under the invariant names and rules in this file's opening comment; returns
 * the counts. Three passes over the columns: O(sends + polled records), maps keyed by
 * numbers (offsets, value ids), one small cursor per consumer process and partition.
 */
export function checkHistory(history: History, sink: ViolationSink, options: CheckHistoryOptions): ClientCheckCounts {
  const tps = history.topicPartitions;
  const partitions: PartitionOffsets[] = [];
  const partitionOf = (tp: number): PartitionOffsets => (partitions[tp] ??= new PartitionOffsets());
  const counts = { "inconsistent-offsets": 0, "poll-skip": 0, "commit-skip": 0, "nonmonotonic-poll": 0, unseen: 0, "lost-write-read": 0, "hw-monotonic": 0, lostWriteReadNotCommitted: 0 };
  const report = (invariant: (typeof CLIENT_INVARIANTS)[number], example: ViolationExample): void => {
    counts[invariant]++;
    // Workload value ids are producer index * 1e9 + sequence: give the sequence, to find the send in the trace.
    const v = example.valueId;
    sink.report(invariant, v !== undefined && v > 0 && example.producerSequence === undefined ? { ...example, producerSequence: v % VALUES_PER_PRODUCER } : example);
  };

  // Pass 1: every (partition, offset, value) observed; inconsistent offsets.
  const observe = (tp: number, offset: number, valueId: number, atMicros: number, source: string): void => {
    const p = partitionOf(tp);
    const known = p.valueAt.get(offset);
    if (known === undefined) {
      p.valueAt.set(offset, valueId);
    } else if (known !== valueId && !p.reported.has(offset)) {
      p.reported.add(offset);
      report("inconsistent-offsets", {
        atMicros, topic: tps.topic(tp), partition: tps.partition(tp), offset, valueId,
        detail: `offset ${offset} of ${tps.label(tp)} holds value ${known} and value ${valueId} (${source})`,
      });
    }
  };
  history.forEachSend((s) => {
    if (s.completion === "ok" && s.offset >= 0 && s.topicPartitionId >= 0) observe(s.topicPartitionId, s.offset, s.valueId, s.completedAtMicros, `acknowledged to ${s.process}`);
  });
  const polledValues = new Set<number>();
  history.forEachPolledRecord((r) => {
    observe(r.topicPartitionId, r.offset, r.valueId, r.atMicros, `polled by ${r.process}`);
    polledValues.add(r.valueId);
    const p = partitionOf(r.topicPartitionId);
    p.polled = true;
    if (r.offset > p.maxPolled) p.maxPolled = r.offset;
  });
  for (const p of partitions) p?.finish();

  // Pass 2: per process and partition, polls within one assignment.
  const cursors: Map<string, Cursor>[] = [];
  const cursorOf = (tp: number, process: string): Cursor => {
    const byProcess = (cursors[tp] ??= new Map());
    let cursor = byProcess.get(process);
    if (!cursor) byProcess.set(process, (cursor = { last: -1, lastPoll: -1 }));
    return cursor;
  };
  // Assignments and commits are read in recording order beside the polls, through reused views.
  const assign = history.assignCount > 0 ? history.readAssign(0) : null;
  let nextAssign = 0;
  const commit = history.commitCount > 0 ? history.readCommit(0) : null;
  let nextCommit = 0;
  /** Assignments and commits recorded before poll `poll`, in order. */
  const catchUp = (poll: number): void => {
    while (true) {
      const aDue = assign !== null && nextAssign < history.assignCount && assign.beforePoll <= poll;
      const cDue = commit !== null && nextCommit < history.commitCount && commit.beforePoll <= poll;
      if (!aDue && !cDue) return;
      // Between two polls an assignment and a commit keep their recording order (assignment first on a tie: rare).
      if (aDue) {
        for (const tp of assign.topicPartitionIds) cursorOf(tp, assign.process).last = -1;
        if (++nextAssign < history.assignCount) history.readAssign(nextAssign, assign);
      } else {
        if (commit!.ok) checkCommit(commit!);
        if (++nextCommit < history.commitCount) history.readCommit(nextCommit, commit!);
      }
    }
  };
  const checkCommit = (c: Readonly<CommitView>): void => {
    const tp = c.topicPartitionId;
    const p = partitions[tp];
    const cursor = cursors[tp]?.get(c.process);
    if (!p || !cursor || cursor.last < 0 || c.offset <= cursor.last + 1) return;
    const skipped = p.between(cursor.last, c.offset);
    if (skipped === 0) return;
    const first = p.firstAbove(cursor.last);
    report("commit-skip", {
      atMicros: c.atMicros, topic: c.topic, partition: c.partition, offset: first, valueId: p.valueAt.get(first),
      detail: `${c.process} committed offset ${c.offset} of ${tps.label(tp)} having polled up to offset ${cursor.last} in this assignment: ${skipped} known offset(s) from ${first} committed unread`,
    });
  };
  history.forEachPolledRecord((r) => {
    // Assignments recorded before this poll start their partitions' runs anew.
    catchUp(r.pollIndex);
    const tp = r.topicPartitionId;
    const p = partitions[tp]!;
    const cursor = cursorOf(tp, r.process);
    const o = r.offset;
    const samePoll = cursor.lastPoll === r.pollIndex;
    const where = samePoll ? " in the same poll" : " in an earlier poll of the same assignment";
    if (cursor.last >= 0 && o <= cursor.last) {
      report("nonmonotonic-poll", {
        atMicros: r.atMicros, topic: r.topic, partition: r.partition, offset: o, valueId: r.valueId,
        detail: `${r.process} polled offset ${o} of ${tps.label(tp)} after offset ${cursor.last}${where}`,
      });
    } else if (cursor.last >= 0) {
      const skipped = p.between(cursor.last, o);
      if (skipped > 0) {
        const first = p.firstAbove(cursor.last);
        report("poll-skip", {
          atMicros: r.atMicros, topic: r.topic, partition: r.partition, offset: first, valueId: p.valueAt.get(first),
          detail: `${r.process} polled offset ${o} of ${tps.label(tp)} after offset ${cursor.last}${where}, skipping ${skipped} known offset(s) from ${first}`,
        });
      }
    }
    cursor.last = o;
    cursor.lastPoll = r.pollIndex;
  });
  catchUp(Number.MAX_SAFE_INTEGER);

  // Pass 3: acknowledged values never polled.
  const committedCache = new Map<number, CommittedLog | null>();
  const committedLog = (tp: number): CommittedLog | null => {
    if (!options.committed) return null;
    if (!committedCache.has(tp)) committedCache.set(tp, options.committed(tps.topic(tp), tps.partition(tp)));
    return committedCache.get(tp)!;
  };
  history.forEachSend((s) => {
    if (s.completion !== "ok" || s.topicPartitionId < 0 || s.partition < 0) return;
    const p = partitions[s.topicPartitionId];
    if (!p?.polled || polledValues.has(s.valueId)) return;
    const at = s.completedAtMicros >= 0 ? s.completedAtMicros : options.atMicros;
    const where = s.offset >= 0 ? `offset ${s.offset} of ${s.topic}-${s.partition}` : `${s.topic}-${s.partition}`;
    report("unseen", {
      atMicros: at, topic: s.topic, partition: s.partition, offset: s.offset >= 0 ? s.offset : undefined, valueId: s.valueId,
      detail: `value ${s.valueId} acknowledged to ${s.process} at ${where}, never polled`,
    });
    if (s.offset >= 0 && p.maxPolled > s.offset) {
      const log = committedLog(s.topicPartitionId);
      let fate = "";
      if (log) {
        const inLog = log.has(s.valueId);
        if (!inLog) counts.lostWriteReadNotCommitted++;
        fate = inLog ? "; still in the final committed log" : "; absent from the final committed log too";
      }
      report("lost-write-read", {
        atMicros: at, topic: s.topic, partition: s.partition, offset: s.offset, valueId: s.valueId,
        detail: `value ${s.valueId} acknowledged at ${where}, never polled though polls reached offset ${p.maxPolled}${fate}`,
      });
    }
  });
  // Pass 4: what consumers read stays readable (the committed prefix they saw never shrinks).
  if (options.committed) {
    const reported = new Set<string>();
    history.forEachPolledRecord((r) => {
      const log = committedLog(r.topicPartitionId);
      if (!log) return;
      if (log.valueAt ? log.valueAt(r.offset) === r.valueId : log.get(r.valueId)?.includes(r.offset)) return;
      const key = `${r.topicPartitionId}/${r.offset}`;
      if (reported.has(key)) return;
      reported.add(key);
      report("hw-monotonic", {
        atMicros: r.atMicros, topic: r.topic, partition: r.partition, offset: r.offset, valueId: r.valueId,
        detail: `${r.process} read value ${r.valueId} at offset ${r.offset} of ${tps.label(r.topicPartitionId)} below the high watermark; the final committed log no longer holds it there`,
      });
    });
  }
  return counts;
}
