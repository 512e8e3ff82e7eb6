import { newSendBlock, SEND_OK, type CommitView, type History, type PolledRunView } from "../history/index.ts";
import { KnownOffsets } from "./KnownOffsets.ts";
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

/**
 * Runs every client-visible check over `history` (after the run), reporting each anomaly
 * to `sink` under the invariant names and rules in this file's opening comment; returns
 * the counts. Passes over the history's columns without a string or an object per record:
 * per partition, typed arrays indexed by offset (KnownOffsets); polled records a run of
 * consecutive offsets at a time (nothing inside a run can be a skip or a rewind); one
 * cursor per consumer process and partition in flat arrays. Strings are made only for
 * the anomalies reported.
 */
export function checkHistory(history: History, sink: ViolationSink, options: CheckHistoryOptions): ClientCheckCounts {
  const tps = history.topicPartitions;
  const partitions: KnownOffsets[] = [];
  const partitionOf = (tp: number): KnownOffsets => (partitions[tp] ??= new KnownOffsets(history.highestOffset(tp) + 1));
  const counts = { "inconsistent-offsets": 0, "poll-skip": 0, "commit-skip": 0, "nonmonotonic-poll": 0, unseen: 0, "lost-write-read": 0, "hw-monotonic": 0, lostWriteReadNotCommitted: 0 };
  const report = (invariant: (typeof CLIENT_INVARIANTS)[number], example: ViolationExample): void => {
    counts[invariant]++;
    // Workload value ids are producer index * 1e9 + sequence: give the sequence, to find the send in the trace.
    const v = example.valueId;
    sink.report(invariant, v !== undefined && v > 0 && example.producerSequence === undefined ? { ...example, producerSequence: v % VALUES_PER_PRODUCER } : example);
  };

  // Pass 1: every (partition, offset, value) observed; inconsistent offsets.
  /** Reports value `valueId` at `offset` of `tp` where `known` was seen first (once per offset). */
  const inconsistent = (tp: number, offset: number, valueId: number, known: number, atMicros: number, source: string): void => {
    const p = partitions[tp]!;
    p.reported ??= new Set();
    if (p.reported.has(offset)) return;
    p.reported.add(offset);
    report("inconsistent-offsets", {
      atMicros, topic: tps.topic(tp), partition: tps.partition(tp), offset, valueId,
      detail: `offset ${offset} of ${tps.label(tp)} holds value ${known} and value ${valueId} (${source})`,
    });
  };
  // The sends a block at a time (see History.readSendBlock): offsets are -1 unless acknowledged.
  const block = newSendBlock(SEND_BLOCK_ROWS);
  for (let from = 0; from < history.sendCount; from += SEND_BLOCK_ROWS) {
    const count = Math.min(SEND_BLOCK_ROWS, history.sendCount - from);
    history.readSendBlock(from, count, block);
    const { valueIds, topicPartitionIds, offsets } = block;
    for (let k = 0; k < count; k++) {
      const offset = offsets[k]!;
      const tp = topicPartitionIds[k]!;
      if (offset < 0 || tp < 0) continue;
      const valueId = valueIds[k]!;
      const row = from + k;
      const known = partitionOf(tp).observe(offset, valueId, row);
      if (known === known) inconsistent(tp, offset, valueId, known, history.sendCompletedAtMicros(row), `acknowledged to ${history.processName(history.sendProcessId(row))}`);
    }
  }
  // Which acknowledged sends some poll returned: marked on the send's row when the poll
  // found the value where its acknowledgement put it, else the value is kept aside. Exact
  // when no value id was sent twice; otherwise every polled value is kept (by value).
  const polledSend = new Uint8Array(history.sendCount);
  const polledElsewhere = new Set<number>();
  const byRow = history.sendValueIdsDistinct();
  const runView = emptyRunView();
  for (let r = 0; r < history.polledRunCount; r++) {
    const run = history.readPolledRun(r, runView);
    const p = partitionOf(run.topicPartitionId);
    p.polled = true;
    for (let i = 0; i < run.count; i++) {
      const offset = run.firstOffset + i;
      const valueId = history.runValueId(run, i);
      const known = p.observe(offset, valueId, -1);
      if (known === known) inconsistent(run.topicPartitionId, offset, valueId, known, run.atMicros, `polled by ${history.processName(run.processId)}`);
      const sendRow = p.sendRowAt(offset);
      if (byRow && sendRow >= 0 && p.valueAt(offset) === valueId) polledSend[sendRow] = 1;
      else polledElsewhere.add(valueId);
    }
    const last = run.firstOffset + run.count - 1;
    if (run.count > 0 && last > p.maxPolled) p.maxPolled = last;
  }
  for (const p of partitions) p?.finish();

  checkPolls(history, partitions, report);

  // Pass 3: acknowledged values never polled.
  const committedCache = new Map<number, CommittedLog | null>();
  const committedLog = (tp: number): CommittedLog | null => {
    if (!options.committed) return null;
    if (!committedCache.has(tp)) committedCache.set(tp, options.committed(tps.topic(tp), tps.partition(tp)));
    return committedCache.get(tp)!;
  };
  /** Reports acknowledged send `row` (in `tp`, whose partition `p` was polled) as never polled, and as a lost write-read when polls passed its offset. */
  function reportUnseen(row: number, tp: number, p: KnownOffsets): void {
    const s = history.readSend(row);
    const at = s.completedAtMicros >= 0 ? s.completedAtMicros : options.atMicros;
    const where = s.offset >= 0 ? `offset ${s.offset} of ${s.topic}-${s.partition}` : `${s.topic}-${s.partition}`;
    report("unseen", {
      atMicros: at, topic: s.topic, partition: s.partition, offset: s.offset >= 0 ? s.offset : undefined, valueId: s.valueId,
      detail: `value ${s.valueId} acknowledged to ${s.process} at ${where}, never polled`,
    });
    if (s.offset >= 0 && p.maxPolled > s.offset) {
      const log = committedLog(tp);
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
  }
  for (let from = 0; from < history.sendCount; from += SEND_BLOCK_ROWS) {
    const count = Math.min(SEND_BLOCK_ROWS, history.sendCount - from);
    history.readSendBlock(from, count, block);
    for (let k = 0; k < count; k++) {
      if (block.completions[k] !== SEND_OK) continue;
      const tp = block.topicPartitionIds[k]!;
      if (tp < 0 || tps.partition(tp) < 0) continue;
      const p = partitions[tp];
      const row = from + k;
      if (!p?.polled || polledSend[row] === 1 || polledElsewhere.has(block.valueIds[k]!)) continue;
      reportUnseen(row, tp, p);
    }
  }
  // Pass 4: what consumers read stays readable (the committed prefix they saw never shrinks).
  if (options.committed) {
    const reported = new Map<number, Set<number>>();
    const view = emptyRunView();
    for (let r = 0; r < history.polledRunCount; r++) {
      const run = history.readPolledRun(r, view);
      const tp = run.topicPartitionId;
      const log = committedLog(tp);
      if (!log) continue;
      for (let i = 0; i < run.count; i++) {
        const offset = run.firstOffset + i;
        const valueId = history.runValueId(run, i);
        if (log.valueAt ? log.valueAt(offset) === valueId : log.get(valueId)?.includes(offset)) continue;
        let offsets = reported.get(tp);
        if (!offsets) reported.set(tp, (offsets = new Set()));
        if (offsets.has(offset)) continue;
        offsets.add(offset);
        const process = history.processName(run.processId);
        report("hw-monotonic", {
          atMicros: run.atMicros, topic: tps.topic(tp), partition: tps.partition(tp), offset, valueId,
          detail: `${process} read value ${valueId} at offset ${offset} of ${tps.label(tp)} below the high watermark; the final committed log no longer holds it there`,
        });
      }
    }
  }
  return counts;
}

type Report = (invariant: (typeof CLIENT_INVARIANTS)[number], example: ViolationExample) => void;

/**
 * Pass 2: per consumer process and partition, polls within one assignment (poll-skip,
 * nonmonotonic-poll) and the commits between them (commit-skip). A run's records are at
 * consecutive offsets, so only its first can skip or go back: the cursor then moves to its
 * last.
 */
/** Sends read at once by the passes over every send. */
const SEND_BLOCK_ROWS = 4096;

function checkPolls(history: History, partitions: readonly (KnownOffsets | undefined)[], report: Report): void {
  const tps = history.topicPartitions;
  const processCount = history.processNames().length;
  // Cursor of (partition, process) at tp * processCount + process: the last offset polled
  // since the partition was assigned (-1 before the first), and the poll that returned it.
  const cursorLast = new Float64Array(tps.size * processCount).fill(-1);
  const cursorPoll = new Float64Array(tps.size * processCount).fill(-1);
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
        for (const tp of assign.topicPartitionIds) cursorLast[tp * processCount + assign.processId] = -1;
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
    const last = cursorLast[tp * processCount + c.processId]!;
    if (!p || last < 0 || c.offset <= last + 1) return;
    const skipped = p.between(last, c.offset);
    if (skipped === 0) return;
    const first = p.firstAbove(last);
    report("commit-skip", {
      atMicros: c.atMicros, topic: c.topic, partition: c.partition, offset: first, valueId: p.valueAt(first),
      detail: `${c.process} committed offset ${c.offset} of ${tps.label(tp)} having polled up to offset ${last} in this assignment: ${skipped} known offset(s) from ${first} committed unread`,
    });
  };
  const view = emptyRunView();
  for (let r = 0; r < history.polledRunCount; r++) {
    const run = history.readPolledRun(r, view);
    // Assignments recorded before this poll start their partitions' runs anew.
    catchUp(run.pollIndex);
    const tp = run.topicPartitionId;
    const p = partitions[tp]!;
    const cursor = tp * processCount + run.processId;
    const last = cursorLast[cursor]!;
    const o = run.firstOffset;
    if (last >= 0 && (o <= last || o > last + 1)) {
      const process = history.processName(run.processId);
      const where = cursorPoll[cursor] === run.pollIndex ? " in the same poll" : " in an earlier poll of the same assignment";
      const at = { atMicros: run.atMicros, topic: tps.topic(tp), partition: tps.partition(tp) };
      if (o <= last) {
        report("nonmonotonic-poll", {
          ...at, offset: o, valueId: run.firstValueId,
          detail: `${process} polled offset ${o} of ${tps.label(tp)} after offset ${last}${where}`,
        });
      } else {
        const skipped = p.between(last, o);
        if (skipped > 0) {
          const first = p.firstAbove(last);
          report("poll-skip", {
            ...at, offset: first, valueId: p.valueAt(first),
            detail: `${process} polled offset ${o} of ${tps.label(tp)} after offset ${last}${where}, skipping ${skipped} known offset(s) from ${first}`,
          });
        }
      }
    }
    cursorLast[cursor] = o + run.count - 1;
    cursorPoll[cursor] = run.pollIndex;
  }
  catchUp(Number.MAX_SAFE_INTEGER);
}

/** A view for History.readPolledRun (a loop over the runs reads each into it: no callback per run). */
function emptyRunView(): PolledRunView {
  return { run: 0, pollIndex: -1, processId: 0, atMicros: 0, topicPartitionId: 0, firstOffset: 0, firstRecord: 0, count: 0, firstValueId: 0, exact: true };
}
