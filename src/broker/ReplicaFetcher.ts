import type { EventHandle, NodeContext } from "../../sim/index.ts";
import type { KafkaError } from "../protocol/errors.ts";
import {
  brokerNode,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  NO_LEADER_EPOCH,
  UNDEFINED_EPOCH,
  UNDEFINED_EPOCH_OFFSET,
  type EpochEndOffset,
  type FetchResponse,
  type KafkaRequest,
  type ListOffsetsResponse,
  type OffsetsForLeaderEpochResponse,
} from "../protocol/requests.ts";
import type { BrokerOptions } from "./BrokerOptions.ts";
import { batchNextOffset } from "./log/storedBatch.ts";
import type { Partition } from "./Partition.ts";

export interface FetcherHost {
  readonly ctx: NodeContext;
  readonly options: BrokerOptions;
  send(toBroker: number, request: KafkaRequest, sizeBytes: number): void;
  truncate(p: Partition, offset: number): void;
  truncateFully(p: Partition, offset: number): void;
  /** New data or a new high watermark arrived on a follower replica. */
  followerAdvanced(p: Partition): void;
}

type Phase = "truncating" | "leader-end" | "leader-start" | "fetching";

interface FetchState {
  phase: Phase;
  /** The leader epoch this fetch state was made for (KIP-320: sent as currentLeaderEpoch). */
  readonly leaderEpoch: number;
  /**
   * After an error the partition waits until then, in the phase it was in (Kafka's
   * DelayedItem in PartitionFetchState): a partition that has not settled its truncation
   * must never start fetching because a request failed.
   */
  delayedUntilMicros: number;
}

type Expectation = "fetch" | "epochs" | "leader-end" | "leader-start";

/**
 * A follower's fetcher for one leader (Kafka's ReplicaFetcherThread): first it settles where
 * each partition's log must be truncated, by the version profile's rule (the high
 * watermark before KIP-101, OffsetsForLeaderEpoch after, iterated with KIP-279's answer),
 * then it fetches from its log end, appending what the leader sends and taking
 * min(leader HW, own log end) as its high watermark. Out-of-range answers are resolved
 * with the leader's log end and start (ListOffsets), as handleOutOfRangeError does.
 */
export class ReplicaFetcher {
  private readonly partitions = new Map<Partition, FetchState>();
  private inFlight: { correlationId: number; expects: Expectation; timer: EventHandle } | null = null;
  private nextCorrelationId = 1;
  /** Flushes this fetcher's appends triggered and waits for, as Kafka's fetcher thread blocks on them. */
  private flushing = 0;
  private wakeTimer: EventHandle = -1;

  constructor(
    private readonly host: FetcherHost,
    readonly leader: number,
  ) {}

  add(p: Partition): void {
    const usesEpochs = this.host.options.behaviour.truncation !== "high-watermark";
    this.partitions.set(p, { phase: usesEpochs ? "truncating" : "fetching", leaderEpoch: p.leaderEpoch, delayedUntilMicros: 0 });
    this.maybeSend();
  }

  remove(p: Partition): void {
    this.partitions.delete(p);
  }

  connectionReset(): void {
    if (!this.inFlight) return;
    this.host.ctx.cancelTimer(this.inFlight.timer);
    this.inFlight = null;
    this.backoffAll();
  }

  onResponse(correlationId: number, response: unknown): void {
    const flight = this.inFlight;
    if (!flight || flight.correlationId !== correlationId) return; // late answer to a timed-out request
    this.host.ctx.cancelTimer(flight.timer);
    this.inFlight = null;
    switch (flight.expects) {
      case "fetch": this.onFetch(response as FetchResponse); break;
      case "epochs": this.onEpochs(response as OffsetsForLeaderEpochResponse); break;
      case "leader-end": this.onLeaderOffsets(response as ListOffsetsResponse, "leader-end"); break;
      case "leader-start": this.onLeaderOffsets(response as ListOffsetsResponse, "leader-start"); break;
    }
    this.maybeSend();
  }

  // ---- choosing the next request -------------------------------------------------------

  private maybeSend(): void {
    if (this.inFlight || this.flushing > 0) return;
    const truncating = this.inPhase("truncating");
    if (truncating.length > 0) return this.sendEpochs(truncating);
    const end = this.inPhase("leader-end");
    if (end.length > 0) return this.sendListOffsets(end, LATEST_TIMESTAMP, "leader-end");
    const start = this.inPhase("leader-start");
    if (start.length > 0) return this.sendListOffsets(start, EARLIEST_TIMESTAMP, "leader-start");
    const fetching = this.inPhase("fetching");
    if (fetching.length > 0) return this.sendFetch(fetching);
    this.wakeForBackoff();
  }

  /** The partitions in `phase` that are not waiting out a back-off. */
  private inPhase(phase: Phase): Partition[] {
    const now = this.host.ctx.now;
    const out: Partition[] = [];
    for (const [p, s] of this.partitions) if (s.phase === phase && s.delayedUntilMicros <= now) out.push(p);
    return out;
  }

  private currentEpoch(p: Partition): number {
    return this.host.options.behaviour.leaderEpochFencing ? p.leaderEpoch : NO_LEADER_EPOCH;
  }

  private sendEpochs(ps: Partition[]): void {
    this.request("epochs", {
      type: "kafka.offsets-for-leader-epoch",
      correlationId: this.nextCorrelationId++,
      replicaId: this.host.options.brokerId,
      partitions: ps.map((p) => ({ topic: p.topic, partition: p.partition, currentLeaderEpoch: this.currentEpoch(p), leaderEpoch: p.log.latestEpoch() })),
    });
  }

  private sendListOffsets(ps: Partition[], timestamp: number, expects: Expectation): void {
    this.request(expects, {
      type: "kafka.list-offsets",
      correlationId: this.nextCorrelationId++,
      replicaId: this.host.options.brokerId,
      partitions: ps.map((p) => ({ topic: p.topic, partition: p.partition, timestamp, currentLeaderEpoch: this.currentEpoch(p) })),
    });
  }

  private sendFetch(ps: Partition[]): void {
    const o = this.host.options;
    this.request("fetch", {
      type: "kafka.fetch",
      correlationId: this.nextCorrelationId++,
      replicaId: o.brokerId,
      maxWaitMicros: o.replicaFetchWaitMaxMicros,
      minBytes: o.replicaFetchMinBytes,
      maxBytes: o.replicaFetchMaxBytes * Math.max(1, ps.length),
      partitions: ps.map((p) => ({ topic: p.topic, partition: p.partition, fetchOffset: p.log.logEndOffset, currentLeaderEpoch: this.currentEpoch(p), maxBytes: o.replicaFetchMaxBytes })),
    });
  }

  private request(expects: Expectation, request: KafkaRequest): void {
    const { ctx, options } = this.host;
    const correlationId = request.correlationId;
    const timer = ctx.setTimer(options.replicaSocketTimeoutMicros, "kafka.replica-fetch-timeout", () => {
      if (this.inFlight?.correlationId !== correlationId) return;
      this.inFlight = null;
      ctx.closeConnection(brokerNode(this.leader));
      this.backoffAll();
    });
    this.inFlight = { correlationId, expects, timer };
    this.host.send(this.leader, request, 64 + 32 * ("partitions" in request ? request.partitions.length : 1));
  }

  // ---- answers ------------------------------------------------------------------------

  private onFetch(response: FetchResponse): void {
    for (const r of response.partitions) {
      const p = this.find(r.topic, r.partition);
      const s = p && this.partitions.get(p);
      if (!p || !s || s.phase !== "fetching") continue;
      if (r.error === "OFFSET_OUT_OF_RANGE") {
        s.phase = "leader-end";
        continue;
      }
      if (r.error !== "NONE") {
        this.onPartitionError(p, s, r.error);
        continue;
      }
      // Batches we already have go; the first new one may start past our end, after a gap the
      // leader's cleaner left (compacted topics). One that straddles our end is not appended.
      const leo = p.log.logEndOffset;
      const batches = r.batches.filter((b) => batchNextOffset(b) > leo);
      if (batches.length > 0 && batches[0]!.baseOffset >= leo) {
        const error = p.log.appendAsFollower(batches);
        if (error !== null) {
          this.onPartitionError(p, s, error);
          continue;
        }
        // The fetcher thread flushed inside append (flush.messages reached): it fetches again once durable.
        if (p.log.awaitAppendFlush(() => { if (--this.flushing === 0) this.maybeSend(); })) this.flushing++;
      }
      p.log.updateHighWatermark(Math.min(r.highWatermark, p.log.logEndOffset));
      this.host.followerAdvanced(p);
    }
  }

  /** Truncation by leader epoch: KIP-101's answer, or KIP-279's iterated to agreement. */
  private onEpochs(response: OffsetsForLeaderEpochResponse): void {
    for (const r of response.partitions) {
      const p = this.find(r.topic, r.partition);
      const s = p && this.partitions.get(p);
      if (!p || !s || s.phase !== "truncating") continue;
      if (r.error !== "NONE") {
        this.onPartitionError(p, s, r.error);
        continue;
      }
      this.truncateByEpoch(p, s, r);
    }
  }

  private truncateByEpoch(p: Partition, s: FetchState, r: EpochEndOffset): void {
    const leo = p.log.logEndOffset;
    if (p.log.latestEpoch() === UNDEFINED_EPOCH || r.endOffset === UNDEFINED_EPOCH_OFFSET) {
      // Nothing to go on (no epochs on one side): fall back to the high watermark.
      this.host.truncate(p, p.highWatermark);
      s.phase = "fetching";
      return;
    }
    if (r.leaderEpoch === UNDEFINED_EPOCH || this.host.options.behaviour.truncation === "leader-epoch") {
      this.host.truncate(p, Math.min(r.endOffset, leo)); // KIP-101
      s.phase = "fetching";
      return;
    }
    const mine = p.log.endOffsetForEpoch(r.leaderEpoch, true);
    if (mine.endOffset === UNDEFINED_EPOCH_OFFSET) {
      this.host.truncate(p, Math.min(r.endOffset, leo));
      s.phase = "fetching";
    } else if (mine.epoch !== r.leaderEpoch) {
      // We never had the leader's epoch: cut to the end of our largest epoch below it and ask again.
      this.host.truncate(p, Math.min(mine.endOffset, leo));
      s.phase = "truncating";
    } else {
      this.host.truncate(p, Math.min(r.endOffset, mine.endOffset));
      s.phase = "fetching";
    }
  }

  private onLeaderOffsets(response: ListOffsetsResponse, expects: "leader-end" | "leader-start"): void {
    for (const r of response.partitions) {
      const p = this.find(r.topic, r.partition);
      const s = p && this.partitions.get(p);
      if (!p || !s || s.phase !== expects) continue;
      if (r.error !== "NONE") {
        this.onPartitionError(p, s, r.error);
        continue;
      }
      if (expects === "leader-end") {
        if (r.offset < p.log.logEndOffset) {
          // The leader has less than we do (an unclean election, or truncation by high watermark).
          this.host.ctx.record("broker.follower-ahead-of-leader", { partition: `${p.topic}-${p.partition}`, leaderEnd: r.offset, leo: p.log.logEndOffset });
          this.host.truncate(p, r.offset);
          s.phase = "fetching";
        } else {
          s.phase = "leader-start";
        }
      } else {
        if (r.offset > p.log.logEndOffset) this.host.truncateFully(p, r.offset);
        s.phase = "fetching";
      }
    }
  }

  private onPartitionError(p: Partition, s: FetchState, error: KafkaError): void {
    this.host.ctx.record("broker.fetch-error", { partition: `${p.topic}-${p.partition}`, leader: this.leader, error });
    // A stale view (FENCED_LEADER_EPOCH, NOT_LEADER_OR_FOLLOWER) waits for the controller's
    // LeaderAndIsr; meanwhile, as for any error, the same step is retried after the back-off.
    s.delayedUntilMicros = this.host.ctx.now + this.host.options.replicaFetchBackoffMicros;
  }

  /** The request failed as a whole (timeout, reset): every partition backs off, keeping its phase. */
  private backoffAll(): void {
    const at = this.host.ctx.now + this.host.options.replicaFetchBackoffMicros;
    for (const s of this.partitions.values()) s.delayedUntilMicros = Math.max(s.delayedUntilMicros, at);
    this.wakeForBackoff();
  }

  private wakeForBackoff(): void {
    const now = this.host.ctx.now;
    const waiting = [...this.partitions.values()].filter((s) => s.delayedUntilMicros > now);
    if (waiting.length === 0 || this.host.ctx.isTimerPending(this.wakeTimer)) return;
    const at = Math.min(...waiting.map((s) => s.delayedUntilMicros));
    this.wakeTimer = this.host.ctx.setTimer(Math.max(0, at - this.host.ctx.now), "kafka.fetcher-backoff", () => this.maybeSend());
  }

  private find(topic: string, partition: number): Partition | undefined {
    for (const p of this.partitions.keys()) if (p.topic === topic && p.partition === partition) return p;
    return undefined;
  }
}
