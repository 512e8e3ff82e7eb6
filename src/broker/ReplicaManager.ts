import type { NodeContext } from "../../sim/index.ts";
import type { KafkaError } from "../protocol/errors.ts";
import type { KafkaRecord, RecordBatch } from "../protocol/records.ts";
import {
  CONSUMER_REPLICA_ID,
  EARLIEST_TIMESTAMP,
  NO_LEADER_EPOCH,
  UNDEFINED_EPOCH,
  type EpochEndOffset,
  type FetchPartitionResponse,
  type FetchRequest,
  type KafkaResponse,
  type LeaderAndIsrRequest,
  type ListOffsetsRequest,
  type OffsetsForLeaderEpochRequest,
  type PartitionState,
  type ProducePartitionResponse,
  type ProduceRequest,
} from "../protocol/requests.ts";
import { topicOptions, type BrokerOptions, type TopicOptions } from "./BrokerOptions.ts";
import { DelayedFetch } from "./DelayedFetch.ts";
import { DelayedProduce } from "./DelayedProduce.ts";
import { HighWatermarkCheckpoint } from "./HighWatermarkCheckpoint.ts";
import { IsrUpdater } from "./IsrUpdater.ts";
import { Partition } from "./Partition.ts";
import type { PartitionLog } from "./PartitionLog.ts";
import type { ReplicaFetcherManager } from "./ReplicaFetcherManager.ts";
import type { ZkCalls } from "./zk/ZkCalls.ts";

export interface ReplicaManagerHost {
  readonly ctx: NodeContext;
  readonly options: BrokerOptions;
  readonly zk: ZkCalls;
  readonly fetchers: ReplicaFetcherManager;
  openLog(topic: string, partition: number, options: TopicOptions): PartitionLog;
  respond(to: string, response: KafkaResponse, sizeBytes: number): void;
  /** A replica became leader or follower (the group coordinator follows __consumer_offsets). */
  leadershipChanged?(p: Partition, leader: boolean): void;
  /** Observers (checkers, timelines): a leader appended, the HW moved, the ISR changed. */
  observer?: BrokerObserver;
}

export interface BrokerObserver {
  leaderAppended?(broker: number, topic: string, partition: number, batch: RecordBatch, atMicros: number): void;
  highWatermarkChanged?(broker: number, topic: string, partition: number, hw: number, atMicros: number): void;
  isrChanged?(broker: number, topic: string, partition: number, isr: readonly number[], atMicros: number): void;
  becameLeader?(broker: number, topic: string, partition: number, leaderEpoch: number, atMicros: number): void;
  truncated?(broker: number, topic: string, partition: number, toOffset: number, fromOffset: number, atMicros: number): void;
}

const key = (topic: string, partition: number): string => `${topic}-${partition}`;

/**
 * The broker's replicas (Kafka's ReplicaManager): it applies the controller's
 * LeaderAndIsr, answers Produce (with acks=all waiting in purgatory), Fetch from followers
 * and consumers (waiting for bytes in purgatory), ListOffsets and OffsetsForLeaderEpoch,
 * shrinks and expands ISRs through the coordination store, and checkpoints high
 * watermarks to disk.
 */
/** A watch list of waiting fetches this long is purged of completed ones when the next joins. */
const PURGE_AT = 16;

export class ReplicaManager {
  private readonly partitions = new Map<string, Partition>();
  /** The same replicas by topic, then partition number: lookups on the fetch path build no string. */
  private readonly byTopic = new Map<string, (Partition | undefined)[]>();
  private controllerEpoch = -1;
  /** acks=all produces in purgatory, by the partitions they wait on. */
  private readonly delayedProduces = new Map<Partition, DelayedProduce[]>();
  /**
   * Fetches in purgatory, by the partitions they watch (Kafka's DelayedOperationPurgatory
   * keyed by TopicPartitionOperationKey): a change to a partition checks only the fetches
   * that read it. A completed fetch leaves a list when that list is next checked or grows.
   */
  private readonly delayedFetches = new Map<Partition, DelayedFetch[]>();
  readonly isr: IsrUpdater;
  private readonly checkpoint: HighWatermarkCheckpoint;
  private checkpointStarted = false;

  constructor(private readonly host: ReplicaManagerHost) {
    this.checkpoint = new HighWatermarkCheckpoint(host.ctx);
    this.isr = new IsrUpdater(host.ctx, host.zk, host.options.brokerId, (p) => this.onIsrChanged(p));
    this.scheduleIsrCheck();
  }

  get brokerId(): number {
    return this.host.options.brokerId;
  }

  partition(topic: string, partition: number): Partition | undefined {
    return this.lookup(topic, partition);
  }

  private lookup(topic: string, partition: number): Partition | undefined {
    return this.byTopic.get(topic)?.[partition];
  }

  allPartitions(): Partition[] {
    return [...this.partitions.values()];
  }

  // ---- LeaderAndIsr ------------------------------------------------------------------

  becomeLeaderOrFollower(req: LeaderAndIsrRequest): KafkaError {
    const { ctx } = this.host;
    if (req.controllerEpoch < this.controllerEpoch) {
      ctx.record("broker.stale-controller", { epoch: req.controllerEpoch, known: this.controllerEpoch });
      return "STALE_CONTROLLER_EPOCH";
    }
    this.controllerEpoch = req.controllerEpoch;
    for (const state of req.partitionStates) {
      const p = this.getOrCreate(state.topic, state.partition);
      if (state.leaderEpoch <= p.leaderEpoch) continue; // an older decision than the one we hold
      if (state.leader < 0) {
        // No leader (the partition is offline): Kafka leaves the replica as it is until one is elected.
        ctx.record("broker.no-leader", { partition: key(state.topic, state.partition), leaderEpoch: state.leaderEpoch });
        continue;
      }
      if (state.leader === this.brokerId) this.makeLeader(p, state);
      else this.makeFollower(p, state);
    }
    this.startCheckpoints();
    return "NONE";
  }

  private makeLeader(p: Partition, state: PartitionState): void {
    const { ctx, fetchers, observer } = this.host;
    fetchers.removePartition(p);
    p.makeLeader(state, ctx.now);
    ctx.record("broker.leader", { partition: key(p.topic, p.partition), leaderEpoch: state.leaderEpoch, isr: [...state.isr], leo: p.log.logEndOffset, hw: p.highWatermark });
    observer?.becameLeader?.(this.brokerId, p.topic, p.partition, state.leaderEpoch, ctx.now);
    if (p.maybeIncrementHighWatermark()) this.onHighWatermarkChanged(p);
    this.host.leadershipChanged?.(p, true);
  }

  private makeFollower(p: Partition, state: PartitionState): void {
    const { ctx, fetchers, options } = this.host;
    fetchers.removePartition(p);
    p.makeFollower(state);
    ctx.record("broker.follower", { partition: key(p.topic, p.partition), leader: state.leader, leaderEpoch: state.leaderEpoch });
    // Kafka's completeDelayedFetchOrProduceRequests: what waited on this leader answers now.
    this.completeDelayedProduces(p);
    this.tryCompleteFetches(p);
    if (options.behaviour.truncation === "high-watermark") {
      // Before KIP-101 a new follower truncates to its own high watermark, at once.
      this.truncate(p, p.highWatermark);
    }
    if (state.leader >= 0) fetchers.addPartition(p, state.leader);
    this.host.leadershipChanged?.(p, false);
  }

  /** Truncates a follower's log and tells observers; the high watermark follows it down. */
  truncate(p: Partition, offset: number): void {
    const from = p.log.logEndOffset;
    // Even at or past the log end, as Kafka's truncateTo does: an epoch entry we wrote at our log
    // end as a leader, with nothing appended after it, goes (else KIP-279 would ask about it forever).
    p.log.truncateTo(offset);
    if (offset >= from) return;
    this.host.ctx.record("broker.truncate", { partition: key(p.topic, p.partition), from, to: p.log.logEndOffset });
    this.host.observer?.truncated?.(this.brokerId, p.topic, p.partition, p.log.logEndOffset, from, this.host.ctx.now);
  }

  private getOrCreate(topic: string, partition: number): Partition {
    const k = key(topic, partition);
    let p = this.partitions.get(k);
    if (!p) {
      const options = topicOptions(this.host.options, topic);
      const log = this.host.openLog(topic, partition, options);
      const hw = this.checkpoint.highWatermarkOf(topic, partition);
      if (hw !== undefined) log.updateHighWatermark(hw);
      p = new Partition(topic, partition, this.brokerId, log, options);
      this.partitions.set(k, p);
      let ofTopic = this.byTopic.get(topic);
      if (!ofTopic) this.byTopic.set(topic, (ofTopic = []));
      ofTopic[partition] = p;
    }
    return p;
  }

  // ---- Produce ---------------------------------------------------------------------

  handleProduce(from: string, req: ProduceRequest): void {
    this.appendRecords(req.partitions, req.acks, req.timeoutMicros, (partitions) => {
      if (req.acks !== 0) this.host.respond(from, { type: "kafka.produce.response", correlationId: req.correlationId, partitions }, 64 + 32 * partitions.length);
    });
  }

  /**
   * Appends batches to partitions this broker leads and answers once the acks are met
   * (Kafka's ReplicaManager.appendRecords): clients' produce requests, and the group
   * coordinator's writes to __consumer_offsets.
   */
  appendRecords(
    entries: ProduceRequest["partitions"],
    acks: number,
    timeoutMicros: number,
    respond: (partitions: ProducePartitionResponse[]) => void,
  ): void {
    const { ctx, observer } = this.host;
    // The handler thread flushed inside append where flush.messages was reached: the answer
    // goes only once those flushes are durable (and the acks are met).
    let flushing = 0;
    let answer: ProducePartitionResponse[] | null = null;
    const send = (): void => {
      if (answer === null || flushing > 0) return;
      respond(answer);
      answer = null;
    };
    const delayed = new DelayedProduce(ctx, (partitions) => {
      answer = partitions;
      send();
    });
    const afterRequest = this.host.options.behaviour.completeAfterRequest;
    // The partitions appended to, and whether each one's high watermark moved, in request order.
    let appended: { readonly p: Partition; readonly hwMoved: boolean }[] | null = null;
    for (const entry of entries) {
      const p = this.lookup(entry.topic, entry.partition);
      if (!p) {
        delayed.addReady(failed(entry.topic, entry.partition, "UNKNOWN_TOPIC_OR_PARTITION"));
        continue;
      }
      const outcome = p.appendAsLeader(entry.batch, acks, ctx.now);
      if (!outcome.ok) {
        delayed.addReady(failed(entry.topic, entry.partition, outcome.error));
        continue;
      }
      if (outcome.batch) observer?.leaderAppended?.(this.brokerId, p.topic, p.partition, outcome.batch, ctx.now);
      if (outcome.batch && p.log.awaitAppendFlush(() => { flushing--; send(); })) flushing++;
      if (acks === -1) delayed.addWaiting(p, outcome.baseOffset, outcome.requiredOffset);
      else delayed.addReady({ topic: p.topic, partition: p.partition, error: "NONE", baseOffset: outcome.baseOffset });
      if (!outcome.batch) continue;
      if (!afterRequest) {
        this.onLogAppended(p);
        continue;
      }
      // The high watermark moves with the append; what it unblocks waits for the request's end.
      (appended ??= []).push({ p, hwMoved: p.maybeIncrementHighWatermark() });
    }
    if (delayed.start(timeoutMicros)) {
      for (const p of delayed.watchedPartitions()) {
        const list = this.delayedProduces.get(p);
        if (list) list.push(delayed);
        else this.delayedProduces.set(p, [delayed]);
      }
    }
    // Kafka's action queue (KAFKA-8334), run once the request is handled: per partition, what
    // its moved high watermark unblocks, else the fetches its new records may satisfy.
    if (appended !== null) {
      for (const { p, hwMoved } of appended) {
        if (hwMoved) this.onHighWatermarkChanged(p);
        else this.tryCompleteFetches(p);
      }
    }
  }

  /** Every record of a partition's local log, in offset order (the group coordinator's load). */
  readAll(topic: string, partition: number): KafkaRecord[] {
    const p = this.lookup(topic, partition);
    if (!p) return [];
    const out: KafkaRecord[] = [];
    let offset = p.log.logStartOffset;
    const end = p.log.logEndOffset;
    while (offset < end) {
      const batches = p.log.read(offset, 1 << 20, end);
      if (batches === "OFFSET_OUT_OF_RANGE" || batches.length === 0) break;
      for (const b of batches) {
        for (let i = 0; i < b.records.length; i++) out.push(b.records.at(i));
        offset = Math.max(offset, b.baseOffset + b.records.length);
      }
    }
    return out;
  }

  /** Kafka's appendRecordsToLeader: a moved high watermark completes what waits on the partition, else its new records may complete followers' fetches. */
  private onLogAppended(p: Partition): void {
    if (p.maybeIncrementHighWatermark()) this.onHighWatermarkChanged(p);
    else this.tryCompleteFetches(p);
  }

  /** The high watermark moved: waiting produces may complete, consumers may read more (Kafka's tryCompleteDelayedRequests). */
  onHighWatermarkChanged(p: Partition): void {
    this.host.observer?.highWatermarkChanged?.(this.brokerId, p.topic, p.partition, p.highWatermark, this.host.ctx.now);
    this.completeDelayedProduces(p);
    this.tryCompleteFetches(p);
  }

  private completeDelayedProduces(p: Partition): void {
    const list = this.delayedProduces.get(p);
    if (!list) return;
    const still = list.filter((d) => !d.tryComplete());
    if (still.length === 0) this.delayedProduces.delete(p);
    else this.delayedProduces.set(p, still);
  }

  // ---- Fetch -----------------------------------------------------------------------

  handleFetch(from: string, req: FetchRequest): void {
    const { ctx } = this.host;
    const follower = req.replicaId !== CONSUMER_REPLICA_ID;
    const n = req.partitions.length;
    // Resolved once: replicas are never removed, so a waiting fetch keeps its partitions.
    const resolved: (Partition | undefined)[] = new Array(n);
    // A partition's error found before the read (null: none); any error answers at once.
    const errors: (KafkaError | null)[] = new Array(n);
    let anyError = false;
    // Kafka reads before it records a follower's progress, so an answer sent at once carries
    // the high watermark as it was before this fetch moved it: followers learn it a fetch later.
    const hwAtRead: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const fp = req.partitions[i]!;
      const p = this.lookup(fp.topic, fp.partition);
      resolved[i] = p;
      const error = this.checkLeader(p, fp.currentLeaderEpoch);
      if (error !== "NONE" || !p) {
        errors[i] = error;
        anyError = true;
        hwAtRead[i] = -1;
        continue;
      }
      errors[i] = null;
      hwAtRead[i] = p.highWatermark;
      // An out-of-range fetch fails its read, and Kafka then leaves the follower's state alone.
      if (follower && fp.fetchOffset >= p.log.logStartOffset && fp.fetchOffset <= p.log.logEndOffset) {
        p.updateFollowerFetchState(req.replicaId, fp.fetchOffset, ctx.now);
        if (p.replicaToAdd(req.replicaId, this.host.options.behaviour.isrJoinNeedsEpochStart)) this.isr.expand(p, req.replicaId);
        if (p.maybeIncrementHighWatermark()) this.onHighWatermarkChanged(p);
      }
    }
    if (req.maxWaitMicros <= 0 || anyError || this.availableBytes(req, resolved, follower) >= req.minBytes) {
      this.answerFetch(from, req, resolved, follower, errors, hwAtRead);
      return;
    }
    // A fetch that waits reads again when it completes, with the high watermark of that moment.
    const delayed = new DelayedFetch(
      ctx,
      () => this.availableBytes(req, resolved, follower) >= req.minBytes,
      () => this.answerFetch(from, req, resolved, follower, errors, null),
    );
    delayed.start(req.maxWaitMicros);
    // Every partition resolved (an unknown one answers at once): each watch list gets it.
    for (const p of resolved) {
      const list = this.delayedFetches.get(p!);
      if (list === undefined) this.delayedFetches.set(p!, [delayed]);
      else {
        // Fetches that completed (answered through another partition, or timed out) leave.
        if (list.length >= PURGE_AT) this.delayedFetches.set(p!, list.filter((d) => !d.isCompleted));
        this.delayedFetches.get(p!)!.push(delayed);
      }
    }
  }

  /** Reads for a fetch and answers it (`hws`: each partition's high watermark as of the read, null for now). */
  private answerFetch(
    from: string,
    req: FetchRequest,
    resolved: readonly (Partition | undefined)[],
    follower: boolean,
    errors: readonly (KafkaError | null)[],
    hws: readonly number[] | null,
  ): void {
    const partitions = this.readForFetch(req, resolved, follower, errors, hws);
    let bytes = 0;
    for (const r of partitions) for (const b of r.batches) bytes += b.sizeBytes;
    this.host.respond(from, { type: "kafka.fetch.response", correlationId: req.correlationId, partitions }, 64 + bytes);
  }

  /** Checks the fetches watching `p`, in the order they came (Kafka's checkAndComplete). */
  private tryCompleteFetches(p: Partition): void {
    const waiting = this.delayedFetches.get(p);
    if (waiting === undefined) return;
    // Completing one answers at once; a fetch coming in meanwhile joins a new list.
    this.delayedFetches.delete(p);
    const still: DelayedFetch[] = [];
    for (const d of waiting) if (!d.tryComplete()) still.push(d);
    if (still.length === 0) return;
    const joined = this.delayedFetches.get(p);
    this.delayedFetches.set(p, joined === undefined ? still : still.concat(joined));
  }

  private availableBytes(req: FetchRequest, resolved: readonly (Partition | undefined)[], follower: boolean): number {
    let bytes = 0;
    for (let i = 0; i < resolved.length; i++) {
      const fp = req.partitions[i]!;
      const p = resolved[i];
      if (!p || !p.isLeader) return Infinity; // leadership moved: answer now
      const log = p.log;
      const upper = follower ? log.logEndOffset : p.highWatermark;
      if (upper > fp.fetchOffset) bytes += 1; // something to read; sizes are checked on read
      if (fp.fetchOffset > log.logEndOffset || fp.fetchOffset < log.logStartOffset) return Infinity;
    }
    return bytes;
  }

  private readForFetch(
    req: FetchRequest,
    resolved: readonly (Partition | undefined)[],
    follower: boolean,
    errors: readonly (KafkaError | null)[],
    hws: readonly number[] | null,
  ): FetchPartitionResponse[] {
    let budget = req.maxBytes;
    const out: FetchPartitionResponse[] = new Array(resolved.length);
    for (let i = 0; i < resolved.length; i++) {
      const fp = req.partitions[i]!;
      const p = resolved[i];
      const error = errors[i] ?? this.checkLeader(p, fp.currentLeaderEpoch);
      if (error !== "NONE" || !p) {
        out[i] = emptyFetch(fp.topic, fp.partition, error);
        continue;
      }
      const upper = follower ? p.log.logEndOffset : p.highWatermark;
      const read = p.log.read(fp.fetchOffset, Math.min(fp.maxBytes, Math.max(budget, 1)), upper);
      if (read === "OFFSET_OUT_OF_RANGE") {
        out[i] = emptyFetch(fp.topic, fp.partition, "OFFSET_OUT_OF_RANGE", p);
        continue;
      }
      for (const b of read) budget -= b.sizeBytes;
      const highWatermark = hws !== null ? hws[i]! : p.highWatermark;
      out[i] = { topic: fp.topic, partition: fp.partition, error: "NONE", highWatermark, logStartOffset: p.log.logStartOffset, batches: read };
    }
    return out;
  }

  /** The leader checks of Fetch, ListOffsets and OffsetsForLeaderEpoch, with KIP-320 fencing. */
  private checkLeader(p: Partition | undefined, currentLeaderEpoch: number): KafkaError {
    if (!p) return "UNKNOWN_TOPIC_OR_PARTITION";
    if (this.host.options.behaviour.leaderEpochFencing && currentLeaderEpoch !== NO_LEADER_EPOCH) {
      if (currentLeaderEpoch < p.leaderEpoch) return "FENCED_LEADER_EPOCH";
      if (currentLeaderEpoch > p.leaderEpoch) return "UNKNOWN_LEADER_EPOCH";
    }
    return p.isLeader ? "NONE" : "NOT_LEADER_OR_FOLLOWER";
  }

  // ---- ListOffsets and OffsetsForLeaderEpoch -------------------------------------------------

  handleListOffsets(from: string, req: ListOffsetsRequest): void {
    const partitions = req.partitions.map((lp) => {
      const p = this.lookup(lp.topic, lp.partition);
      const error = this.checkLeader(p, lp.currentLeaderEpoch);
      if (error !== "NONE" || !p) return { topic: lp.topic, partition: lp.partition, error, offset: -1, leaderEpoch: -1 };
      // Consumers see the high watermark as the end; replicas see the log end.
      const end = req.replicaId === CONSUMER_REPLICA_ID ? p.highWatermark : p.log.logEndOffset;
      const offset = lp.timestamp === EARLIEST_TIMESTAMP ? p.log.logStartOffset : end;
      return { topic: lp.topic, partition: lp.partition, error, offset, leaderEpoch: p.leaderEpoch };
    });
    this.host.respond(from, { type: "kafka.list-offsets.response", correlationId: req.correlationId, partitions }, 64 + 24 * partitions.length);
  }

  handleOffsetsForLeaderEpoch(from: string, req: OffsetsForLeaderEpochRequest): void {
    const kip279 = this.host.options.behaviour.truncation === "leader-epoch-kip279";
    const partitions: EpochEndOffset[] = req.partitions.map((ep) => {
      const p = this.lookup(ep.topic, ep.partition);
      const error = this.checkLeader(p, ep.currentLeaderEpoch);
      if (error !== "NONE" || !p) return { topic: ep.topic, partition: ep.partition, error, leaderEpoch: UNDEFINED_EPOCH, endOffset: -1 };
      const answer = p.log.endOffsetForEpoch(ep.leaderEpoch, kip279);
      return { topic: ep.topic, partition: ep.partition, error, leaderEpoch: answer.epoch, endOffset: answer.endOffset };
    });
    this.host.respond(from, { type: "kafka.offsets-for-leader-epoch.response", correlationId: req.correlationId, partitions }, 64 + 24 * partitions.length);
  }

  // ---- ISR maintenance and checkpoints ---------------------------------------------------

  private scheduleIsrCheck(): void {
    const { ctx, options } = this.host;
    ctx.setTimer(Math.floor(options.replicaLagTimeMaxMicros / 2), "kafka.isr-expiration", () => {
      for (const p of this.partitions.values()) {
        const lagging = p.outOfSyncReplicas(ctx.now, options.replicaLagTimeMaxMicros);
        if (lagging.length > 0) this.isr.shrink(p, lagging);
      }
      for (const p of this.partitions.values()) p.log.maintain(ctx.now);
      this.scheduleIsrCheck();
    });
  }

  private onIsrChanged(p: Partition): void {
    this.host.observer?.isrChanged?.(this.brokerId, p.topic, p.partition, p.isr, this.host.ctx.now);
    if (p.maybeIncrementHighWatermark()) this.onHighWatermarkChanged(p);
    else this.completeDelayedProduces(p);
  }

  private startCheckpoints(): void {
    if (this.checkpointStarted) return;
    this.checkpointStarted = true;
    const { ctx, options } = this.host;
    const tick = () => {
      this.checkpoint.write([...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition, hw: p.highWatermark })));
      ctx.setTimer(options.hwCheckpointIntervalMicros, "kafka.hw-checkpoint", tick);
    };
    ctx.setTimer(options.hwCheckpointIntervalMicros, "kafka.hw-checkpoint", tick);
  }
}

function failed(topic: string, partition: number, error: KafkaError): ProducePartitionResponse {
  return { topic, partition, error, baseOffset: -1 };
}

function emptyFetch(topic: string, partition: number, error: KafkaError, p?: Partition): FetchPartitionResponse {
  return { topic, partition, error, highWatermark: p?.highWatermark ?? -1, logStartOffset: p?.log.logStartOffset ?? -1, batches: [] };
}
