import type { PartitionLog } from "../../broker/PartitionLog.ts";
import type { BrokerObserver } from "../../broker/ReplicaManager.ts";
import { batchNextOffset, recordOffset } from "../../broker/log/storedBatch.ts";
import { isCompacted, type RecordBatch } from "../../protocol/records.ts";
import { VALUES_PER_PRODUCER } from "../../workload/ProducerWorkload.ts";
import type { ViolationSink } from "../Violation.ts";

/** What the checker reads from a replica log (PartitionLog satisfies it). */
export type ReadableLog = Pick<PartitionLog, "logStartOffset" | "logEndOffset" | "highWatermark" | "read">;

/** A replica's partition state as the broker holds it (Partition satisfies it). */
export interface ReplicaStateView {
  readonly isr: readonly number[];
  readonly replicas: readonly number[];
}

/** One replica at the end of the run (Partition satisfies it). */
export interface FinalReplica {
  readonly topic: string;
  readonly partition: number;
  readonly brokerId: number;
  readonly isLeader: boolean;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  readonly log: ReadableLog;
}

/** A live broker at the end of the run (Broker satisfies it). */
export interface FinalBroker {
  readonly replicas: { allPartitions(): readonly FinalReplica[] };
}

/** topic -> partition -> assigned replicas, or a function answering the same. */
export type Assignment =
  | ReadonlyMap<string, readonly (readonly number[])[]>
  | ((topic: string, partition: number) => readonly number[] | undefined);

export interface ReplicationCheckerOptions {
  /**
   * The log of `topic`/`partition` on `broker` now, or undefined (the broker is down, or
   * has no replica). Without it leader-completeness is not checked.
   */
  readonly logOf?: (broker: number, topic: string, partition: number) => ReadableLog | undefined;
  /**
   * The replica's partition state now (the ISR and replicas the controller gave it). With
   * it, becameLeader also checks leader-in-isr and isr-within-replicas on the state the
   * new leader starts from, and the assigned replicas default to the replica's own list.
   */
  readonly stateOf?: (broker: number, topic: string, partition: number) => ReplicaStateView | undefined;
  /** The assigned replicas, for isr-within-replicas; partitions missing here fall back to stateOf. */
  readonly assignment?: Assignment;
}

/** The invariant names this checker reports. */
export const REPLICATION_INVARIANTS = [
  "one-leader-per-epoch",
  "leader-in-isr",
  "isr-within-replicas",
  "committed-prefix",
  "leader-completeness",
  "hw-monotonic",
] as const;

const READ_BYTES = 1 << 20;

/** A workload value id's sequence within its producer (value ids are producer index * 1e9 + sequence). */
function producerSequence(valueId: number): number | undefined {
  return valueId > 0 ? valueId % VALUES_PER_PRODUCER : undefined;
}
/** Offsets per chunk of a partition's committed values (a power of two). */
const COMMITTED_CHUNK = 1 << 16;
const COMMITTED_MASK = COMMITTED_CHUNK - 1;

/** One leader tenure of a broker (from its becameLeader to the next). */
interface Tenure {
  epoch: number;
  lastHw: number;
}

/** What the checker knows of one partition. */
class PartitionTrack {
  /** Leader epoch -> the broker that became leader in it. */
  readonly leaders = new Map<number, number>();
  maxEpoch = -1;
  /** The broker that became leader with the largest epoch, -1 before any. */
  currentLeader = -1;
  /** Broker -> its current (or last) tenure as leader. */
  readonly tenures = new Map<number, Tenure>();
  /**
   * The value id committed at each offset, NaN where unknown (compacted, never read), in
   * chunks of COMMITTED_CHUNK offsets made as the high watermark reaches them: one array
   * doubled as it grew was copied and NaN-filled a dozen times over a long run.
   */
  private readonly committed: Float64Array[] = [];
  /** Offsets below this are recorded as committed (where known). */
  committedEnd = 0;
  /** The next offset to read from the current leader's log as its HW advances. */
  recordFrom = 0;

  /** Records the batch's records at or after `from` and below `end` as committed (a loop per batch, not a call per record). */
  setCommittedBatch(batch: RecordBatch, from: number, end: number): void {
    const records = batch.records;
    if (records.length === 0) return;
    if (isCompacted(batch)) {
      for (let i = 0; i < records.length; i++) {
        const o = recordOffset(batch, i);
        if (o >= from && o < end) this.chunkOf(o)[o & COMMITTED_MASK] = records.valueIdAt(i);
      }
      return;
    }
    // A plain batch's records sit at consecutive offsets from its base: only those in [from, end) are visited.
    const base = batch.baseOffset;
    const last = Math.min(records.length, end - base);
    let i = Math.max(0, from - base);
    while (i < last) {
      // A chunk at a time: a batch may straddle two.
      const o = base + i;
      const chunk = this.chunkOf(o);
      const stop = Math.min(last, i + COMMITTED_CHUNK - (o & COMMITTED_MASK));
      for (; i < stop; i++) chunk[(base + i) & COMMITTED_MASK] = records.valueIdAt(i);
    }
  }

  private chunkOf(offset: number): Float64Array {
    const c = Math.floor(offset / COMMITTED_CHUNK);
    while (this.committed.length <= c) this.committed.push(new Float64Array(COMMITTED_CHUNK).fill(NaN));
    return this.committed[c]!;
  }

  /** Offsets `from` .. `to - 1` are no longer known to be committed (a loss restarts the history there). */
  forgetCommitted(from: number, to: number): void {
    for (let o = from; o < to; ) {
      const chunk = this.committed[Math.floor(o / COMMITTED_CHUNK)];
      const stop = Math.min(to, (Math.floor(o / COMMITTED_CHUNK) + 1) * COMMITTED_CHUNK);
      if (chunk !== undefined) chunk.fill(NaN, o & COMMITTED_MASK, ((stop - 1) & COMMITTED_MASK) + 1);
      o = stop;
    }
  }

  committedAt(offset: number): number {
    const chunk = this.committed[Math.floor(offset / COMMITTED_CHUNK)];
    return chunk === undefined ? NaN : chunk[offset & COMMITTED_MASK]!;
  }
}

/**
 * Visits the batches of `log` holding offsets in [from, to), in offset order, each with
 * the walk's offset before it (`from`, then the offset after the previous batch) and the
 * walk's end: the batch's records at offsets in [offset, end) are the walk's. Reads to the
 * log end, so a batch straddling `to` counts.
 */
export function forEachBatch(log: ReadableLog, from: number, to: number, visit: (batch: RecordBatch, offset: number, end: number) => void): void {
  let offset = Math.max(from, log.logStartOffset);
  const end = Math.min(to, log.logEndOffset);
  while (offset < end) {
    const batches = log.read(offset, READ_BYTES, log.logEndOffset);
    if (batches === "OFFSET_OUT_OF_RANGE" || batches.length === 0) return;
    const before = offset;
    for (const b of batches) {
      visit(b, offset, end);
      offset = Math.max(offset, batchNextOffset(b));
      if (offset >= end) return;
    }
    if (offset <= before) return; // no progress: an inconsistent log; stop rather than spin
  }
}

/**
 * Visits every record of `log` at offsets in [from, to), in offset order (gaps of a
 * compacted log are skipped). Reads to the log end, so a batch straddling `to` counts.
 */
export function forEachRecord(log: ReadableLog, from: number, to: number, visit: (offset: number, valueId: number) => void): void {
  forEachBatch(log, from, to, (b, offset, end) => {
    for (let i = 0; i < b.records.length; i++) {
      const o = recordOffset(b, i);
      if (o >= offset && o < end) visit(o, b.records.valueIdAt(i));
    }
  });
}

/**
 * Kafka's replication invariants (as in the TLA+ models of Kafka's replication), checked
 * from the brokers' observer callbacks as the run goes and from the final replica logs:
 *
 * - one-leader-per-epoch: at most one broker becomes leader of a partition in a given epoch;
 * - leader-in-isr: the ISR a leader applies (or starts its tenure with) contains the leader;
 * - isr-within-replicas: every ISR member is an assigned replica;
 * - hw-monotonic: the HW a leader announces never goes back within one tenure (from its
 *   becameLeader to the next; a new leader's HW may legitimately start below its
 *   predecessor's, as in Kafka);
 * - leader-completeness: every record committed by the current leader (below its HW when
 *   the HW moved past it) is, at the same offset, in the log of every broker that later
 *   becomes leader; an unclean election breaks it, and it is reported (the scenario says
 *   whether it expects it). After a loss the partition's committed history restarts where
 *   the new leader's log first differs, so one loss is reported once per record;
 * - committed-prefix (at `finish`): the final leader and the live members of its ISR agree
 *   on every record below the smallest of their high watermarks.
 *
 * HW announcements of a stale leader (one whose epoch is not the newest) count for
 * hw-monotonic but not as commits: what a zombie acknowledged is the client checkers' job.
 * It only observes; the state per partition is its committed value ids in typed-array chunks.
 */
export class ReplicationChecker implements BrokerObserver {
  private readonly tracks = new Map<string, PartitionTrack[]>();
  private lastMicros = 0;

  constructor(
    private readonly sink: ViolationSink,
    private readonly options: ReplicationCheckerOptions = {},
  ) {}

  // ---- BrokerObserver -------------------------------------------------------------------

  becameLeader(broker: number, topic: string, partition: number, leaderEpoch: number, atMicros: number): void {
    this.lastMicros = atMicros;
    const t = this.track(topic, partition);
    const previous = t.leaders.get(leaderEpoch);
    if (previous !== undefined && previous !== broker) {
      this.sink.report("one-leader-per-epoch", {
        atMicros, topic, partition,
        detail: `brokers ${previous} and ${broker} both became leader of ${topic}-${partition} in epoch ${leaderEpoch}`,
      });
    } else t.leaders.set(leaderEpoch, broker);
    t.tenures.set(broker, { epoch: leaderEpoch, lastHw: -1 });

    const state = this.options.stateOf?.(broker, topic, partition);
    if (state) {
      this.checkLeaderInIsr(broker, topic, partition, state.isr, atMicros, `starting epoch ${leaderEpoch}`);
      this.checkIsrWithinReplicas(broker, topic, partition, state.isr, atMicros, state.replicas);
    }

    if (leaderEpoch < t.maxEpoch) return; // a stale decision: it commits nothing we track
    t.maxEpoch = leaderEpoch;
    t.currentLeader = broker;
    this.checkCompleteness(t, broker, topic, partition, leaderEpoch, atMicros);
  }

  highWatermarkChanged(broker: number, topic: string, partition: number, hw: number, atMicros: number): void {
    this.lastMicros = atMicros;
    const t = this.track(topic, partition);
    let tenure = t.tenures.get(broker);
    if (!tenure) t.tenures.set(broker, (tenure = { epoch: -1, lastHw: -1 }));
    if (hw < tenure.lastHw) {
      this.sink.report("hw-monotonic", {
        atMicros, topic, partition, offset: hw,
        detail: `leader ${broker} of ${topic}-${partition} (epoch ${tenure.epoch}) moved its high watermark back from ${tenure.lastHw} to ${hw}`,
      });
      return;
    }
    tenure.lastHw = hw;
    if (broker !== t.currentLeader || tenure.epoch !== t.maxEpoch || hw <= t.recordFrom) return;
    const log = this.options.logOf?.(broker, topic, partition);
    if (!log) return;
    forEachBatch(log, t.recordFrom, hw, (batch, offset, end) => t.setCommittedBatch(batch, offset, end));
    t.recordFrom = hw;
    if (hw > t.committedEnd) t.committedEnd = hw;
  }

  isrChanged(broker: number, topic: string, partition: number, isr: readonly number[], atMicros: number): void {
    this.lastMicros = atMicros;
    this.checkLeaderInIsr(broker, topic, partition, isr, atMicros, "after an ISR change");
    this.checkIsrWithinReplicas(broker, topic, partition, isr, atMicros, this.options.stateOf?.(broker, topic, partition)?.replicas);
  }

  // ---- end of run -----------------------------------------------------------------------

  /**
   * committed-prefix on the final state: per partition, the leader with the newest epoch
   * among the live brokers and the live members of its ISR must hold the same value at
   * every offset below the smallest of their high watermarks (offsets one of them has
   * compacted or deleted are skipped). Partitions with no live leader are skipped.
   */
  finish(brokers: Iterable<FinalBroker>, atMicros = this.lastMicros): void {
    const byPartition = new Map<string, FinalReplica[]>();
    for (const b of brokers) {
      for (const r of b.replicas.allPartitions()) {
        const k = `${r.topic}-${r.partition}`;
        const list = byPartition.get(k);
        if (list) list.push(r);
        else byPartition.set(k, [r]);
      }
    }
    for (const replicas of byPartition.values()) {
      let leader: FinalReplica | undefined;
      for (const r of replicas) if (r.isLeader && (!leader || r.leaderEpoch > leader.leaderEpoch)) leader = r;
      if (!leader) continue;
      const members = replicas.filter((r) => r === leader || (r.brokerId !== leader.brokerId && leader.isr.includes(r.brokerId)));
      if (members.length < 2) continue;
      let bound = Infinity;
      let from = 0;
      for (const m of members) {
        bound = Math.min(bound, m.log.highWatermark);
        from = Math.max(from, m.log.logStartOffset);
      }
      if (from >= bound) continue;
      this.checkCommittedPrefix(leader, members, from, bound, atMicros);
    }
  }

  /**
   * committed-prefix for one partition: every member's records in [from, bound) against the
   * leader's. Followers keep the very batch objects they fetched, so a member's batch that is
   * the leader's batch, met at the same point of the walk, holds the same records at the same
   * offsets: only other batches are compared record by record, against the leader's values
   * by offset (read from its batches the first time one is needed).
   */
  private checkCommittedPrefix(leader: FinalReplica, members: readonly FinalReplica[], from: number, bound: number, atMicros: number): void {
    // The leader's batches as its walk met them, with the walk's offset before each and its end.
    const leaderBatches: RecordBatch[] = [];
    const leaderOffsets: number[] = [];
    let leaderEnd = from;
    forEachBatch(leader.log, from, bound, (batch, offset, end) => {
      leaderBatches.push(batch);
      leaderOffsets.push(offset);
      leaderEnd = end;
    });
    let values: Float64Array | null = null;
    const leaderValues = (): Float64Array => {
      if (values !== null) return values;
      values = new Float64Array(bound - from).fill(NaN);
      leaderBatches.forEach((batch, k) => {
        for (let i = 0; i < batch.records.length; i++) {
          const o = recordOffset(batch, i);
          if (o >= leaderOffsets[k]! && o < leaderEnd) values![o - from] = batch.records.valueIdAt(i);
        }
      });
      return values;
    };
    for (const m of members) {
      if (m === leader) continue;
      let j = 0;
      forEachBatch(m.log, from, bound, (batch, offset, end) => {
        while (j < leaderBatches.length && leaderBatches[j]!.baseOffset < batch.baseOffset) j++;
        if (leaderBatches[j] === batch && leaderOffsets[j] === offset) return;
        const expectedAt = leaderValues();
        for (let i = 0; i < batch.records.length; i++) {
          const o = recordOffset(batch, i);
          if (o < offset || o >= end) continue;
          const valueId = batch.records.valueIdAt(i);
          const expected = expectedAt[o - from]!;
          if (Number.isNaN(expected) || expected === valueId) continue;
          this.sink.report("committed-prefix", {
            atMicros, topic: leader.topic, partition: leader.partition, offset: o, valueId, producerSequence: producerSequence(valueId),
            detail: `below the committed point ${bound} of ${leader.topic}-${leader.partition}, broker ${m.brokerId} has value ${valueId} at offset ${o} where leader ${leader.brokerId} has ${expected}`,
          });
        }
      });
    }
  }

  // ---- for tests and summaries ----------------------------------------------------------

  /** The offset below which the partition's committed records are recorded (0 before any). */
  committedEnd(topic: string, partition: number): number {
    return this.tracks.get(topic)?.[partition]?.committedEnd ?? 0;
  }

  /** The value id recorded as committed at an offset, or undefined. */
  committedValue(topic: string, partition: number, offset: number): number | undefined {
    const v = this.tracks.get(topic)?.[partition]?.committedAt(offset);
    return v === undefined || Number.isNaN(v) ? undefined : v;
  }

  /** Leader epoch -> broker, in epoch order, for one partition. */
  leadersByEpoch(topic: string, partition: number): [number, number][] {
    return [...(this.tracks.get(topic)?.[partition]?.leaders ?? [])].sort((a, b) => a[0] - b[0]);
  }

  // ---- checks ---------------------------------------------------------------------------

  private track(topic: string, partition: number): PartitionTrack {
    let byPartition = this.tracks.get(topic);
    if (!byPartition) this.tracks.set(topic, (byPartition = []));
    let t = byPartition[partition];
    if (!t) byPartition[partition] = t = new PartitionTrack();
    return t;
  }

  private checkLeaderInIsr(broker: number, topic: string, partition: number, isr: readonly number[], atMicros: number, when: string): void {
    if (isr.includes(broker)) return;
    this.sink.report("leader-in-isr", {
      atMicros, topic, partition,
      detail: `leader ${broker} of ${topic}-${partition} is not in its ISR [${isr.join(", ")}] ${when}`,
    });
  }

  private checkIsrWithinReplicas(
    broker: number,
    topic: string,
    partition: number,
    isr: readonly number[],
    atMicros: number,
    fallback: readonly number[] | undefined,
  ): void {
    const replicas = this.assigned(topic, partition) ?? fallback;
    if (!replicas) return;
    for (const r of isr) {
      if (replicas.includes(r)) continue;
      this.sink.report("isr-within-replicas", {
        atMicros, topic, partition,
        detail: `leader ${broker} of ${topic}-${partition} has ISR [${isr.join(", ")}] with ${r}, not an assigned replica of [${replicas.join(", ")}]`,
      });
    }
  }

  private assigned(topic: string, partition: number): readonly number[] | undefined {
    const a = this.options.assignment;
    if (!a) return undefined;
    return typeof a === "function" ? a(topic, partition) : a.get(topic)?.[partition];
  }

  /**
   * A broker became leader with the newest epoch: its log must hold every recorded
   * committed record at the same offset (offsets below its log start, or in a compaction
   * gap, cannot be told and are skipped). Each missing or different record is reported;
   * the committed history then restarts at the first one.
   */
  private checkCompleteness(t: PartitionTrack, broker: number, topic: string, partition: number, epoch: number, atMicros: number): void {
    const log = this.options.logOf?.(broker, topic, partition);
    if (!log) {
      t.recordFrom = t.committedEnd;
      return;
    }
    const end = t.committedEnd;
    let firstBad = end;
    const lost = (offset: number, expected: number, found: string): void => {
      if (offset < firstBad) firstBad = offset;
      this.sink.report("leader-completeness", {
        atMicros, topic, partition, offset, valueId: expected, producerSequence: producerSequence(expected),
        detail: `broker ${broker}, leader of ${topic}-${partition} in epoch ${epoch}, ${found} at offset ${offset} where value ${expected} was committed`,
      });
    };
    forEachRecord(log, 0, end, (offset, valueId) => {
      const expected = t.committedAt(offset);
      if (!Number.isNaN(expected) && expected !== valueId) lost(offset, expected, `has value ${valueId}`);
    });
    for (let o = Math.max(log.logEndOffset, log.logStartOffset); o < end; o++) {
      const expected = t.committedAt(o);
      if (!Number.isNaN(expected)) lost(o, expected, `has nothing (log end ${log.logEndOffset})`);
    }
    if (firstBad < end) {
      t.forgetCommitted(firstBad, end);
      t.committedEnd = firstBad;
    }
    t.recordFrom = t.committedEnd;
  }
}
