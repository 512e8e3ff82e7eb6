import type { EventHandle, NodeContext } from "../../sim/index.ts";
import type { KafkaError } from "../protocol/errors.ts";
import type { RecordBatch } from "../protocol/records.ts";
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
  readonly partition: Partition;
  phase: Phase;
  /** The leader epoch this fetch state was made for (KIP-320: sent as currentLeaderEpoch). */
  readonly leaderEpoch: number;
  /**
   * After an error the partition waits until then, in the phase it was in (Kafka's
   * DelayedItem in PartitionFetchState): a partition that has not settled its truncation
   * must never start fetching because a request failed.
   */
  delayedUntilMicros: number;
  /** False once the partition left this fetcher: an answer to an older request then looks up its state anew. */
  current: boolean;
}

type Expectation = "fetch" | "epochs" | "leader-end" | "leader-start";

/** The phases in the order maybeSend serves them: truncation is settled before any fetch. */
const PHASE_RANK: Readonly<Record<Phase, number>> = { truncating: 0, "leader-end": 1, "leader-start": 2, fetching: 3 };
const NO_RANK = 4;

/** The request in flight and the partitions it asked about, in its order (answers keep it). */
interface InFlight {
  readonly correlationId: number;
  readonly expects: Expectation;
  readonly timer: EventHandle;
  readonly asked: readonly FetchState[];
}

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
  /** The same states in the order their partitions were added (the Map's order), walked without an iterator. */
  private order: FetchState[] = [];
  private inFlight: InFlight | null = null;
  private nextCorrelationId = 1;
  /** Flushes this fetcher's appends triggered and waits for, as Kafka's fetcher thread blocks on them. */
  private flushing = 0;
  private wakeTimer: EventHandle = -1;
  /** One callback for every append flush this fetcher waits on (none made per fetched partition). */
  private readonly appendFlushed = (): void => {
    if (--this.flushing === 0) this.maybeSend();
  };

  constructor(
    private readonly host: FetcherHost,
    readonly leader: number,
  ) {}

  add(p: Partition): void {
    const usesEpochs = this.host.options.behaviour.truncation !== "high-watermark";
    const state: FetchState = { partition: p, phase: usesEpochs ? "truncating" : "fetching", leaderEpoch: p.leaderEpoch, delayedUntilMicros: 0, current: true };
    const old = this.partitions.get(p);
    this.partitions.set(p, state);
    if (old === undefined) this.order.push(state);
    else {
      old.current = false;
      this.order[this.order.indexOf(old)] = state; // a Map keeps a key's place when it is set again
    }
    this.maybeSend();
  }

  remove(p: Partition): void {
    const old = this.partitions.get(p);
    if (old === undefined) return;
    this.partitions.delete(p);
    old.current = false;
    this.order.splice(this.order.indexOf(old), 1);
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
    const asked = flight.asked;
    switch (flight.expects) {
      case "fetch": this.onFetch(response as FetchResponse, asked); break;
      case "epochs": this.onEpochs(response as OffsetsForLeaderEpochResponse, asked); break;
      case "leader-end": this.onLeaderOffsets(response as ListOffsetsResponse, "leader-end", asked); break;
      case "leader-start": this.onLeaderOffsets(response as ListOffsetsResponse, "leader-start", asked); break;
    }
    this.maybeSend();
  }

  // ---- choosing the next request -------------------------------------------------------

  private maybeSend(): void {
    if (this.inFlight || this.flushing > 0) return;
    const ready = this.firstReadyPhase();
    if (ready.length === 0) return this.wakeForBackoff();
    switch (ready[0]!.phase) {
      case "truncating": return this.sendEpochs(ready);
      case "leader-end": return this.sendListOffsets(ready, LATEST_TIMESTAMP, "leader-end");
      case "leader-start": return this.sendListOffsets(ready, EARLIEST_TIMESTAMP, "leader-start");
      case "fetching": return this.sendFetch(ready);
    }
  }

  /**
   * The partitions not waiting out a back-off that are in the first phase (by PHASE_RANK)
   * any such partition is in, in the order they were added: one walk over the partitions
   * instead of one per phase.
   */
  private firstReadyPhase(): FetchState[] {
    const now = this.host.ctx.now;
    const order = this.order;
    let best = NO_RANK;
    let out: FetchState[] = [];
    for (let i = 0; i < order.length; i++) {
      const s = order[i]!;
      if (s.delayedUntilMicros > now) continue;
      const rank = PHASE_RANK[s.phase];
      if (rank > best) continue;
      if (rank < best) {
        best = rank;
        if (out.length > 0) out = [];
      }
      out.push(s);
    }
    return out;
  }

  private currentEpoch(p: Partition): number {
    return this.host.options.behaviour.leaderEpochFencing ? p.leaderEpoch : NO_LEADER_EPOCH;
  }

  private sendEpochs(ss: FetchState[]): void {
    this.request("epochs", ss, {
      type: "kafka.offsets-for-leader-epoch",
      correlationId: this.nextCorrelationId++,
      replicaId: this.host.options.brokerId,
      partitions: ss.map(({ partition: p }) => ({ topic: p.topic, partition: p.partition, currentLeaderEpoch: this.currentEpoch(p), leaderEpoch: p.log.latestEpoch() })),
    });
  }

  private sendListOffsets(ss: FetchState[], timestamp: number, expects: Expectation): void {
    this.request(expects, ss, {
      type: "kafka.list-offsets",
      correlationId: this.nextCorrelationId++,
      replicaId: this.host.options.brokerId,
      partitions: ss.map(({ partition: p }) => ({ topic: p.topic, partition: p.partition, timestamp, currentLeaderEpoch: this.currentEpoch(p) })),
    });
  }

  private sendFetch(ss: FetchState[]): void {
    const o = this.host.options;
    this.request("fetch", ss, {
      type: "kafka.fetch",
      correlationId: this.nextCorrelationId++,
      replicaId: o.brokerId,
      maxWaitMicros: o.replicaFetchWaitMaxMicros,
      minBytes: o.replicaFetchMinBytes,
      maxBytes: o.replicaFetchMaxBytes * Math.max(1, ss.length),
      partitions: ss.map(({ partition: p }) => ({ topic: p.topic, partition: p.partition, fetchOffset: p.log.logEndOffset, currentLeaderEpoch: this.currentEpoch(p), maxBytes: o.replicaFetchMaxBytes })),
    });
  }

  private request(expects: Expectation, asked: readonly FetchState[], request: KafkaRequest): void {
    const { ctx, options } = this.host;
    const correlationId = request.correlationId;
    const timer = ctx.setTimer(options.replicaSocketTimeoutMicros, "kafka.replica-fetch-timeout", () => {
      if (this.inFlight?.correlationId !== correlationId) return;
      this.inFlight = null;
      ctx.closeConnection(brokerNode(this.leader));
      this.backoffAll();
    });
    this.inFlight = { correlationId, expects, timer, asked };
    this.host.send(this.leader, request, 64 + 32 * ("partitions" in request ? request.partitions.length : 1));
  }

  // ---- answers ------------------------------------------------------------------------

  private onFetch(response: FetchResponse, asked: readonly FetchState[]): void {
    const answers = response.partitions;
    for (let i = 0; i < answers.length; i++) {
      const r = answers[i]!;
      const s = this.answered(asked, i, r.topic, r.partition);
      if (!s || s.phase !== "fetching") continue;
      const p = s.partition;
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
      const batches = newBatches(r.batches, leo);
      if (batches.length > 0 && batches[0]!.baseOffset >= leo) {
        const error = p.log.appendAsFollower(batches);
        if (error !== null) {
          this.onPartitionError(p, s, error);
          continue;
        }
        // The fetcher thread flushed inside append (flush.messages reached): it fetches again once durable.
        if (p.log.awaitAppendFlush(this.appendFlushed)) this.flushing++;
      }
      p.log.updateHighWatermark(Math.min(r.highWatermark, p.log.logEndOffset));
      this.host.followerAdvanced(p);
    }
  }

  /** Truncation by leader epoch: KIP-101's answer, or KIP-279's iterated to agreement. */
  private onEpochs(response: OffsetsForLeaderEpochResponse, asked: readonly FetchState[]): void {
    const answers = response.partitions;
    for (let i = 0; i < answers.length; i++) {
      const r = answers[i]!;
      const s = this.answered(asked, i, r.topic, r.partition);
      if (!s || s.phase !== "truncating") continue;
      const p = s.partition;
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

  private onLeaderOffsets(response: ListOffsetsResponse, expects: "leader-end" | "leader-start", asked: readonly FetchState[]): void {
    const answers = response.partitions;
    for (let i = 0; i < answers.length; i++) {
      const r = answers[i]!;
      const s = this.answered(asked, i, r.topic, r.partition);
      if (!s || s.phase !== expects) continue;
      const p = s.partition;
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
    for (const s of this.order) s.delayedUntilMicros = Math.max(s.delayedUntilMicros, at);
    this.wakeForBackoff();
  }

  private wakeForBackoff(): void {
    const now = this.host.ctx.now;
    const waiting = this.order.filter((s) => s.delayedUntilMicros > now);
    if (waiting.length === 0 || this.host.ctx.isTimerPending(this.wakeTimer)) return;
    const at = Math.min(...waiting.map((s) => s.delayedUntilMicros));
    this.wakeTimer = this.host.ctx.setTimer(Math.max(0, at - this.host.ctx.now), "kafka.fetcher-backoff", () => this.maybeSend());
  }

  /**
   * The fetch state of the replica the i-th answer is about, if this fetcher still follows
   * it. A leader answers in the order asked, so the i-th state asked is checked first; the
   * search by name is there for an answer in any other order.
   */
  private answered(asked: readonly FetchState[], i: number, topic: string, partition: number): FetchState | undefined {
    const s = asked[i];
    if (s !== undefined && s.partition.partition === partition && s.partition.topic === topic) return s.current ? s : this.partitions.get(s.partition);
    for (const o of this.order) if (o.partition.topic === topic && o.partition.partition === partition) return o;
    return undefined;
  }
}

/**
 * The batches that end past our log end `leo` (offsets ascend, so a suffix): the answer's
 * own array when that is all of them, as it is after every fetch that follows the last.
 */
function newBatches(batches: readonly RecordBatch[], leo: number): readonly RecordBatch[] {
  let n = 0;
  for (let i = 0; i < batches.length; i++) if (batchNextOffset(batches[i]!) > leo) n++;
  return n === batches.length ? batches : batches.filter((b) => batchNextOffset(b) > leo);
}
