import type { Micros, NodeContext } from "../../../sim/index.ts";
import { needsMetadataRefresh, type KafkaError } from "../../protocol/errors.ts";
import { nextOffsetOf, tpKey, type KafkaRecord, type TopicPartition } from "../../protocol/records.ts";
import {
  CONSUMER_REPLICA_ID,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  type FetchPartitionResponse,
  type FetchResponse,
  type ListOffsetsResponse,
  type OffsetsForLeaderEpochResponse,
} from "../../protocol/requests.ts";
import type { MetadataCache } from "../metadata/MetadataCache.ts";
import type { NetworkClient, Outcome } from "../network/NetworkClient.ts";
import { WakeTimer } from "../WakeTimer.ts";
import type { ConsumerOptions } from "./ConsumerOptions.ts";
import { FetchedRecords } from "./FetchedRecords.ts";

/** A record as the consumer delivers it. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The leader epoch the record was appended in (its batch's partitionLeaderEpoch). */
  readonly leaderEpoch: number;
  readonly record: KafkaRecord;
}

/**
 * Why a partition stopped: no position with auto.offset.reset=none, its log truncated below
 * the position with auto.offset.reset=none (Kafka's LogTruncationException), or an error the
 * fetcher does not retry.
 */
export type FetchStopReason = KafkaError | "NO_OFFSET" | "LOG_TRUNCATION";

/** The fetch settings of a consumer the fetcher uses. */
export type FetcherOptions = Pick<
  ConsumerOptions,
  | "autoOffsetReset"
  | "fetchMinBytes"
  | "fetchMaxWaitMicros"
  | "fetchMaxBytes"
  | "maxPartitionFetchBytes"
  | "requestTimeoutMicros"
  | "retryBackoffMicros"
  | "validatePositions"
>;

/** Where the fetcher hands what it gets, and how its owner gates it. */
export interface FetchSink {
  /**
   * One fetch answer for `tp`: its records from the position on, in offset order (possibly
   * none), and `nextOffset`, where the next fetch starts (the fetcher's position is already
   * there; it passes compacted gaps at a batch's end, as Kafka's nextFetchOffset does).
   */
  fetched(tp: TopicPartition, records: FetchedRecords, nextOffset: number): void;
  /**
   * `tp` has a new position the fetcher chose: by auto.offset.reset (ListOffsets, at start or
   * after OFFSET_OUT_OF_RANGE), or moved back after a truncation; `epoch` is its leader epoch.
   */
  positionReset?(tp: TopicPartition, offset: number, epoch: number): void;
  stopped?(tp: TopicPartition, reason: FetchStopReason): void;
  /**
   * May `tp` be fetched (or have its position looked up) now? The group consumer says no
   * while records of `tp` wait in its buffer, or while the application is not polling, as
   * Kafka's fetcher only asks for partitions without buffered data, from poll(). Default yes.
   */
  fetchable?(tp: TopicPartition): boolean;
}

export interface FetcherStats {
  fetches: number;
  records: number;
  /** Positions reset by auto.offset.reset after OFFSET_OUT_OF_RANGE. */
  offsetResets: number;
  /** Positions moved back after a leader change found the log truncated below them. */
  truncations: number;
}

interface FetchState {
  readonly tp: TopicPartition;
  /** The next offset to fetch; null until ListOffsets (or seek) gives one. */
  position: number | null;
  highWatermark: number;
  busy: boolean;
  /** Skip the partition until the metadata version passes this (after a leadership error). */
  awaitMetadataAfter: number;
  backoffUntilMicros: Micros;
  stopped: boolean;
  /** The leader epoch of the last record consumed before the position (-1: unknown, as after a seek). */
  offsetEpoch: number;
  /** The leader epoch the position was last known good under (fetched or validated at). */
  validatedEpoch: number;
  /** A leader change since `validatedEpoch`: no fetching until OffsetsForLeaderEpoch answers. */
  awaitingValidation: boolean;
}

/** Fetch request overhead besides its partitions. */
const FETCH_REQUEST_BYTES = 64;

/**
 * The consumer's fetch loop (Kafka's Fetcher and offset resets), shared by the simple and
 * the group consumer. A partition without a position asks its leader for one by
 * auto.offset.reset (ListOffsets, earliest = log start, latest = high watermark). Then one
 * fetch at a time per leader, carrying each partition's position and the leader epoch the
 * client knows (KIP-320, so a deposed leader answers FENCED_LEADER_EPOCH). Leadership
 * errors refresh metadata, OFFSET_OUT_OF_RANGE applies auto.offset.reset again, other
 * errors back off. Each answer goes to the sink, which decides what delivery means.
 *
 * After a leader change (a higher leader epoch in the metadata) a position that knows the
 * epoch of the record before it is validated before fetching on (KIP-320's consumer side,
 * Kafka 2.3+, `validatePositions`): OffsetsForLeaderEpoch asks the new leader where that
 * epoch ends; an end below the position means the log was truncated (an unclean election,
 * a lost page cache), and the position moves back to it, or the partition stops with
 * LOG_TRUNCATION under auto.offset.reset=none. Without it (older profiles) such a position
 * gets OFFSET_OUT_OF_RANGE and auto.offset.reset, or, once the new log has grown past it,
 * silently skips the records written since the truncation point.
 * A position taken from a commit carries the committed leader epoch (OffsetCommit v6+) and
 * is validated before its first fetch.
 */
export class Fetcher {
  readonly stats: FetcherStats = { fetches: 0, records: 0, offsetResets: 0, truncations: 0 };
  private readonly partitions = new Map<string, FetchState>();
  /** Brokers with a fetch or ListOffsets in flight from this fetcher. */
  private readonly busyBrokers = new Set<number>();
  private readonly wake: WakeTimer;
  private closed = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: FetcherOptions,
    private readonly network: NetworkClient,
    private readonly metadata: MetadataCache,
    private readonly sink: FetchSink,
    label = "consumer.poll",
  ) {
    this.wake = new WakeTimer(ctx, label, () => this.runOnce());
  }

  /**
   * Starts fetching `tp` from `position` (null: look one up by auto.offset.reset). A position
   * with the leader epoch of the record before it (a commit's) is validated against the
   * leader first, as Kafka's seekUnvalidated does.
   */
  add(tp: TopicPartition, position: number | null, offsetEpoch = -1): void {
    this.metadata.addTopic(tp.topic);
    this.partitions.set(tpKey(tp), {
      tp,
      position,
      highWatermark: -1,
      busy: false,
      awaitMetadataAfter: -1,
      backoffUntilMicros: 0,
      stopped: false,
      offsetEpoch: position === null ? -1 : offsetEpoch,
      validatedEpoch: this.metadata.partition(tp)?.leaderEpoch ?? -1,
      awaitingValidation: position !== null && offsetEpoch >= 0 && this.options.validatePositions,
    });
    this.wakeup();
  }

  /** Stops fetching `tp`; an answer still in flight for it is dropped. */
  remove(tp: TopicPartition): void {
    this.partitions.delete(tpKey(tp));
  }

  /** Stops fetching every partition. */
  clear(): void {
    this.partitions.clear();
  }

  has(tp: TopicPartition): boolean {
    return this.partitions.has(tpKey(tp));
  }

  /** Stops fetching; answers still in flight are dropped. */
  close(): void {
    this.closed = true;
    this.wake.cancel();
  }

  /** The next offset to fetch (null when unknown or not fetched). */
  position(tp: TopicPartition): number | null {
    return this.partitions.get(tpKey(tp))?.position ?? null;
  }

  /** The high watermark the last fetch of the partition reported (-1 before any). */
  highWatermark(tp: TopicPartition): number {
    return this.partitions.get(tpKey(tp))?.highWatermark ?? -1;
  }

  /** Sets the next offset to fetch (a fetch already out for the partition is then ignored). */
  seek(tp: TopicPartition, offset: number): void {
    const p = this.partitions.get(tpKey(tp));
    if (!p) throw new Error(`consumer: ${tpKey(tp)} is not assigned`);
    p.position = offset;
    p.offsetEpoch = -1;
    p.awaitingValidation = false;
    p.stopped = false;
    this.wakeup();
  }

  /** Runs the loop now: the owner calls this when something it gates on changed. */
  wakeup(): void {
    if (!this.closed) this.wake.wakeNow();
  }

  /** Runs the loop at once, inside the caller's event (Kafka's sendFetches as poll() returns). */
  sendNow(): void {
    if (!this.closed) this.runOnce();
  }

  // ---- the loop ---------------------------------------------------------------------------

  private runOnce(): void {
    if (this.closed) return;
    this.metadata.maybeRefresh();
    const now = this.ctx.now;
    const byLeader = new Map<number, { reset: FetchState[]; validate: FetchState[]; fetch: FetchState[] }>();
    let nextMicros = this.metadata.timeToExpiry();
    for (const p of this.partitions.values()) {
      if (p.stopped || p.busy) continue;
      if (p.backoffUntilMicros > now) {
        nextMicros = Math.min(nextMicros, p.backoffUntilMicros - now);
        continue;
      }
      if (this.metadata.version <= p.awaitMetadataAfter) continue; // the update wakes the loop
      if (this.sink.fetchable && !this.sink.fetchable(p.tp)) continue; // the owner wakes the loop
      const leader = this.metadata.leaderOf(p.tp);
      if (leader < 0) {
        if (this.metadata.hasTopic(p.tp.topic)) this.metadata.requestUpdate();
        continue;
      }
      if (p.position === null && this.options.autoOffsetReset === "none") {
        this.stop(p, "NO_OFFSET");
        continue;
      }
      if (p.position !== null && this.options.validatePositions) this.noticeLeaderChange(p);
      let group = byLeader.get(leader);
      if (!group) byLeader.set(leader, (group = { reset: [], validate: [], fetch: [] }));
      (p.position === null ? group.reset : p.awaitingValidation ? group.validate : group.fetch).push(p);
    }
    for (const [leader, group] of byLeader) {
      if (this.busyBrokers.has(leader)) continue; // its answer wakes the loop
      const backoff = this.network.backoffRemaining(leader);
      if (backoff > 0) {
        nextMicros = Math.min(nextMicros, backoff);
        continue;
      }
      if (group.reset.length > 0) this.listOffsets(leader, group.reset);
      else if (group.validate.length > 0) this.validate(leader, group.validate);
      else if (group.fetch.length > 0) this.fetch(leader, group.fetch);
    }
    this.wake.wakeAt(now + nextMicros);
  }

  private stop(p: FetchState, reason: FetchStopReason): void {
    p.stopped = true;
    this.sink.stopped?.(p.tp, reason);
  }

  /** True while `p` is still the state of its partition (not removed or re-added since a request left). */
  private current(p: FetchState): boolean {
    return this.partitions.get(tpKey(p.tp)) === p;
  }

  // ---- ListOffsets ------------------------------------------------------------------------

  private listOffsets(leader: number, parts: FetchState[]): void {
    const timestamp = this.options.autoOffsetReset === "earliest" ? EARLIEST_TIMESTAMP : LATEST_TIMESTAMP;
    const partitions = parts.map((p) => ({
      topic: p.tp.topic,
      partition: p.tp.partition,
      timestamp,
      currentLeaderEpoch: this.metadata.partition(p.tp)?.leaderEpoch ?? -1,
    }));
    this.begin(leader, parts);
    this.network.send(leader, { type: "kafka.list-offsets", replicaId: CONSUMER_REPLICA_ID, partitions }, 64, (outcome) =>
      this.offsetsAnswered(leader, parts, outcome),
    );
  }

  private offsetsAnswered(leader: number, parts: FetchState[], outcome: Outcome<ListOffsetsResponse>): void {
    this.end(leader, parts);
    if (this.closed) return;
    for (const p of parts) {
      if (!this.current(p)) continue;
      const answer = outcome.ok
        ? outcome.response.partitions.find((r) => r.topic === p.tp.topic && r.partition === p.tp.partition)
        : undefined;
      const error: KafkaError = outcome.ok ? (answer?.error ?? "INVALID_REQUEST") : outcome.error;
      if (error === "NONE" && p.position === null) {
        p.position = answer!.offset;
        p.offsetEpoch = answer!.leaderEpoch;
        p.validatedEpoch = this.metadata.partition(p.tp)?.leaderEpoch ?? -1;
        this.sink.positionReset?.(p.tp, p.position, p.offsetEpoch);
      } else if (error !== "NONE") this.failedAttempt(p, error);
    }
    this.wakeup();
  }

  // ---- Fetch ------------------------------------------------------------------------------

  private fetch(leader: number, parts: FetchState[]): void {
    const offsets = parts.map((p) => p.position!);
    const epochs = parts.map((p) => this.metadata.partition(p.tp)?.leaderEpoch ?? -1);
    const partitions = parts.map((p) => ({
      topic: p.tp.topic,
      partition: p.tp.partition,
      fetchOffset: p.position!,
      currentLeaderEpoch: this.metadata.partition(p.tp)?.leaderEpoch ?? -1,
      maxBytes: this.options.maxPartitionFetchBytes,
    }));
    const request = {
      type: "kafka.fetch" as const,
      replicaId: CONSUMER_REPLICA_ID,
      maxWaitMicros: this.options.fetchMaxWaitMicros,
      minBytes: this.options.fetchMinBytes,
      maxBytes: this.options.fetchMaxBytes,
      partitions,
    };
    this.begin(leader, parts);
    this.stats.fetches++;
    // The broker may hold the fetch for fetch.max.wait.ms: Kafka's consumer allows for it.
    const timeout = this.options.requestTimeoutMicros + this.options.fetchMaxWaitMicros;
    this.network.send(leader, request, FETCH_REQUEST_BYTES + 32 * parts.length, (o) => this.fetchAnswered(leader, parts, offsets, epochs, o), timeout);
  }

  private fetchAnswered(leader: number, parts: FetchState[], offsets: number[], epochs: number[], outcome: Outcome<FetchResponse>): void {
    this.end(leader, parts);
    if (this.closed) return;
    parts.forEach((p, i) => {
      // A seek, reset or reassignment since the fetch left makes its answer stale.
      if (!this.current(p) || p.position !== offsets[i] || p.stopped) return;
      if (!outcome.ok) return this.failedAttempt(p, outcome.error);
      const answer = outcome.response.partitions.find((r) => r.topic === p.tp.topic && r.partition === p.tp.partition);
      if (!answer) return;
      if (answer.error !== "NONE") return this.failedAttempt(p, answer.error);
      this.deliver(p, answer, epochs[i]!);
    });
    this.wakeup();
  }

  private deliver(p: FetchState, answer: FetchPartitionResponse, epoch: number): void {
    p.highWatermark = answer.highWatermark;
    const from = p.position!;
    const records = new FetchedRecords(p.tp, answer.batches, from);
    let next = from;
    for (const batch of answer.batches) {
      const end = nextOffsetOf(batch);
      if (end > next) {
        next = end;
        p.offsetEpoch = batch.partitionLeaderEpoch;
      }
    }
    // The leader answered under `epoch`: the position is good there.
    if (epoch > p.validatedEpoch) p.validatedEpoch = epoch;
    p.position = next;
    this.stats.records += records.length;
    this.sink.fetched(p.tp, records, next);
  }

  // ---- validating positions after a leader change (KIP-320) ---------------------------------

  /** A higher leader epoch than the position was good under: validate before fetching on. */
  private noticeLeaderChange(p: FetchState): void {
    if (p.awaitingValidation) return;
    const epoch = this.metadata.partition(p.tp)?.leaderEpoch ?? -1;
    if (epoch <= p.validatedEpoch) return;
    // A position without an epoch (a seek, a committed offset) has nothing to check against.
    if (p.offsetEpoch < 0) p.validatedEpoch = epoch;
    else p.awaitingValidation = true;
  }

  private validate(leader: number, parts: FetchState[]): void {
    const epochs = parts.map((p) => this.metadata.partition(p.tp)?.leaderEpoch ?? -1);
    const positions = parts.map((p) => p.position!);
    const partitions = parts.map((p, i) => ({ topic: p.tp.topic, partition: p.tp.partition, currentLeaderEpoch: epochs[i]!, leaderEpoch: p.offsetEpoch }));
    this.begin(leader, parts);
    this.network.send(leader, { type: "kafka.offsets-for-leader-epoch", replicaId: CONSUMER_REPLICA_ID, partitions }, 64 + 24 * parts.length, (outcome) =>
      this.validated(leader, parts, positions, epochs, outcome),
    );
  }

  private validated(leader: number, parts: FetchState[], positions: number[], epochs: number[], outcome: Outcome<OffsetsForLeaderEpochResponse>): void {
    this.end(leader, parts);
    if (this.closed) return;
    parts.forEach((p, i) => {
      if (!this.current(p) || p.position !== positions[i] || !p.awaitingValidation || p.stopped) return;
      if (!outcome.ok) return this.failedAttempt(p, outcome.error);
      const answer = outcome.response.partitions.find((r) => r.topic === p.tp.topic && r.partition === p.tp.partition);
      if (!answer) return;
      if (answer.error !== "NONE") return this.failedAttempt(p, answer.error);
      p.awaitingValidation = false;
      p.validatedEpoch = Math.max(p.validatedEpoch, epochs[i]!);
      if (answer.endOffset < 0 || answer.leaderEpoch < 0) {
        // The leader knows nothing of the epoch: start again by auto.offset.reset.
        return this.failedAttempt(p, "OFFSET_OUT_OF_RANGE");
      }
      if (answer.endOffset >= p.position!) return; // the log holds the position: fetch on
      // Truncated below the position (Kafka logs "Truncation detected ... resetting offset").
      if (this.options.autoOffsetReset === "none") return this.stop(p, "LOG_TRUNCATION");
      this.stats.truncations++;
      p.position = answer.endOffset;
      p.offsetEpoch = answer.leaderEpoch;
      this.sink.positionReset?.(p.tp, p.position, p.offsetEpoch);
    });
    this.wakeup();
  }

  // ---- errors -----------------------------------------------------------------------------

  private failedAttempt(p: FetchState, error: KafkaError): void {
    if (error === "OFFSET_OUT_OF_RANGE") {
      if (this.options.autoOffsetReset === "none") return this.stop(p, error);
      this.stats.offsetResets++;
      p.position = null;
      return;
    }
    if (needsMetadataRefresh(error)) {
      this.metadata.requestUpdate();
      p.awaitMetadataAfter = this.metadata.version;
      return;
    }
    p.backoffUntilMicros = this.ctx.now + this.options.retryBackoffMicros;
  }

  private begin(leader: number, parts: FetchState[]): void {
    this.busyBrokers.add(leader);
    for (const p of parts) p.busy = true;
  }

  private end(leader: number, parts: FetchState[]): void {
    this.busyBrokers.delete(leader);
    for (const p of parts) p.busy = false;
  }
}
