import type { History } from "../history/index.ts";
import type { ViolationExample, ViolationSink } from "../Violation.ts";
import { VALUES_PER_PRODUCER } from "../../workload/ProducerWorkload.ts";

/*
 * Client-visible anomaly checks over a run's History, after jepsen.tests.kafka
 * (inconsistent-offsets, poll-skip, nonmonotonic-poll, unseen, lost-write read past).
 *
 * Rules (conservative where ksim's history lacks Jepsen's :assign/:subscribe ops; a
 * false alarm is worse than a miss here):
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
 * - `poll-skip`: per consumer process and partition, the previous polled offset p and
 *   the next one o > p, with a known offset strictly between them. Within one poll
 *   batch this is always a skip. Between two polls it is excused when, since this
 *   process last polled the partition, other processes polled the partition up to the
 *   known offset just below o (a hand-off: the partition moved to another member, which
 *   consumed and committed, and came back at its committed position). A backwards (or
 *   repeated) offset starts a new run: the expectation resets (rebalance, restart,
 *   seek to the committed offset; at-least-once redelivery is allowed).
 *
 * - `nonmonotonic-poll`: offsets of one partition that do not strictly increase within
 *   one poll batch. Between polls a backwards jump is *not* reported: ksim's group
 *   consumers rewind legitimately to the committed offset after a rebalance or restart,
 *   and the history records no assign/subscribe op to tell those apart.
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
 * Known limits: a process that restarts (same name, new incarnation) and resets to the
 * log end (auto.offset.reset=latest with no committed offset) looks like a poll-skip,
 * since the history records no restart; an application that drops records it was given
 * (never processed, though polled) is not client-visible here (see `unprocessed`).
 */

/** The invariants checkHistory reports. */
export const CLIENT_INVARIANTS = ["inconsistent-offsets", "poll-skip", "nonmonotonic-poll", "unseen", "lost-write-read"] as const;

export interface CheckHistoryOptions {
  /** The time of the check (the end of the run), for examples with no time of their own. */
  readonly atMicros: number;
  /** A partition's final committed log (value id to offsets), null when not known. */
  readonly committed?: (topic: string, partition: number) => ReadonlyMap<number, readonly number[]> | null;
}

/** What checkHistory found, by invariant. */
export interface ClientCheckCounts {
  readonly "inconsistent-offsets": number;
  readonly "poll-skip": number;
  readonly "nonmonotonic-poll": number;
  readonly unseen: number;
  readonly "lost-write-read": number;
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

/** One consumer process's reading of one partition. */
interface Cursor {
  /** The last offset of the current run, -1 before the first. */
  last: number;
  lastPoll: number;
  /** The highest offset other processes polled in this partition since this one last did. */
  othersMax: number;
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
  const counts = { "inconsistent-offsets": 0, "poll-skip": 0, "nonmonotonic-poll": 0, unseen: 0, "lost-write-read": 0, lostWriteReadNotCommitted: 0 };
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

  // Pass 2: per process and partition, runs of polled offsets.
  const cursors: Map<string, Cursor>[] = [];
  history.forEachPolledRecord((r) => {
    const tp = r.topicPartitionId;
    const p = partitions[tp]!;
    const byProcess = (cursors[tp] ??= new Map());
    let cursor = byProcess.get(r.process);
    if (!cursor) byProcess.set(r.process, (cursor = { last: -1, lastPoll: -1, othersMax: -1 }));
    const o = r.offset;
    const samePoll = cursor.lastPoll === r.pollIndex;
    if (cursor.lastPoll >= 0 && o <= cursor.last) {
      if (samePoll) {
        report("nonmonotonic-poll", {
          atMicros: r.atMicros, topic: r.topic, partition: r.partition, offset: o, valueId: r.valueId,
          detail: `${r.process} polled offset ${o} of ${tps.label(tp)} after offset ${cursor.last} in the same poll`,
        });
      }
    } else if (cursor.lastPoll >= 0) {
      const from = samePoll ? cursor.last : Math.max(cursor.last, cursor.othersMax);
      const skipped = from < o ? p.between(from, o) : 0;
      if (skipped > 0) {
        const first = p.firstAbove(from);
        report("poll-skip", {
          atMicros: r.atMicros, topic: r.topic, partition: r.partition, offset: first, valueId: p.valueAt.get(first),
          detail: `${r.process} polled offset ${o} of ${tps.label(tp)} after offset ${cursor.last}${samePoll ? " in the same poll" : ""}, skipping ${skipped} known offset(s) from ${first}`,
        });
      }
    }
    cursor.last = o;
    if (!samePoll) cursor.othersMax = -1;
    cursor.lastPoll = r.pollIndex;
    for (const [process, other] of byProcess) if (process !== r.process && o > other.othersMax) other.othersMax = o;
  });

  // Pass 3: acknowledged values never polled.
  const committedCache = new Map<number, ReadonlyMap<number, readonly number[]> | null>();
  const committedLog = (tp: number): ReadonlyMap<number, readonly number[]> | null => {
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
  return counts;
}
