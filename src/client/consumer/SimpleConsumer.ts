import type { Message, Micros, NodeContext } from "../../../sim/index.ts";
import { needsMetadataRefresh, type KafkaError } from "../../protocol/errors.ts";
import { nextOffsetOf, tpKey, type KafkaRecord, type TopicPartition } from "../../protocol/records.ts";
import {
  CONSUMER_REPLICA_ID,
  EARLIEST_TIMESTAMP,
  LATEST_TIMESTAMP,
  brokerIdOf,
  type FetchPartitionResponse,
  type FetchResponse,
  type ListOffsetsResponse,
} from "../../protocol/requests.ts";
import { MetadataCache } from "../metadata/MetadataCache.ts";
import { NetworkClient, type CorrelationIds, type Outcome } from "../network/NetworkClient.ts";
import { WakeTimer } from "../WakeTimer.ts";
import { consumerOptions, type ConsumerOptions } from "./ConsumerOptions.ts";

/** A record as the consumer delivers it. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The leader epoch the record was appended in (its batch's partitionLeaderEpoch). */
  readonly leaderEpoch: number;
  readonly record: KafkaRecord;
}

export interface ConsumerHandlers {
  /** Records of one partition, in offset order, as one fetch returned them. */
  readonly onRecords: (records: readonly ConsumedRecord[]) => void;
  /** A partition stopped: no position and auto.offset.reset=none, or an error the consumer does not retry. */
  readonly onError?: (tp: TopicPartition, error: KafkaError | "NO_OFFSET") => void;
}

export interface ConsumerStats {
  fetches: number;
  records: number;
  /** Positions reset by auto.offset.reset after OFFSET_OUT_OF_RANGE. */
  offsetResets: number;
}

interface PartitionState {
  readonly tp: TopicPartition;
  /** The next offset to fetch; null until ListOffsets (or seek) gives one. */
  position: number | null;
  highWatermark: number;
  busy: boolean;
  /** Skip the partition until the metadata version passes this (after a leadership error). */
  awaitMetadataAfter: number;
  backoffUntilMicros: Micros;
  stopped: boolean;
}

/** Fetch request overhead besides its partitions. */
const FETCH_REQUEST_BYTES = 64;

/**
 * A consumer with a fixed assignment and no group (Kafka's consumer with assign() and no
 * commits). A partition without a position asks its leader for one by auto.offset.reset
 * (ListOffsets, earliest = log start, latest = high watermark). Then a fetch loop: one
 * fetch at a time per leader, carrying each partition's position and the leader epoch the
 * client knows (KIP-320, so a deposed leader answers FENCED_LEADER_EPOCH). The consumer
 * delivers what the leader returns (the broker serves consumers only below the high
 * watermark); leadership errors refresh metadata, OFFSET_OUT_OF_RANGE applies
 * auto.offset.reset again.
 *
 * Not modelled yet: validating positions after a leader change with OffsetsForLeaderEpoch
 * (Kafka 2.3+ detects log truncation that way; here a position past a truncated log end
 * gets OFFSET_OUT_OF_RANGE and is reset by auto.offset.reset).
 */
export class SimpleConsumer {
  readonly options: ConsumerOptions;
  readonly stats: ConsumerStats = { fetches: 0, records: 0, offsetResets: 0 };
  readonly metadata: MetadataCache;
  private readonly network: NetworkClient;
  private readonly partitions = new Map<string, PartitionState>();
  /** Brokers with a fetch or ListOffsets in flight from this consumer. */
  private readonly busyBrokers = new Set<number>();
  private readonly wake: WakeTimer;
  private closed = false;

  constructor(
    private readonly ctx: NodeContext,
    options: Partial<ConsumerOptions>,
    assignment: readonly TopicPartition[],
    private readonly handlers: ConsumerHandlers,
    extras: { readonly correlationIds?: CorrelationIds } = {},
  ) {
    this.options = consumerOptions(options);
    const o = this.options;
    this.network = new NetworkClient(ctx, {
      requestTimeoutMicros: o.requestTimeoutMicros,
      reconnectBackoffMicros: o.reconnectBackoffMicros,
      correlationIds: extras.correlationIds,
      label: "consumer",
    });
    this.metadata = new MetadataCache(ctx, this.network, o, () => this.wakeup());
    this.wake = new WakeTimer(ctx, "consumer.poll", () => this.runOnce());
    for (const tp of assignment) {
      this.partitions.set(tpKey(tp), {
        tp,
        position: null,
        highWatermark: -1,
        busy: false,
        awaitMetadataAfter: -1,
        backoffUntilMicros: 0,
        stopped: false,
      });
    }
  }

  start(): void {
    for (const p of this.partitions.values()) this.metadata.addTopic(p.tp.topic);
    this.wakeup();
  }

  /** Stops fetching; answers still in flight are dropped. */
  close(): void {
    this.closed = true;
    this.wake.cancel();
  }

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
    p.stopped = false;
    this.wakeup();
  }

  // ---- from the host ----------------------------------------------------------------------

  handles(from: string, message: Message): boolean {
    return brokerIdOf(from) >= 0 && this.network.owns(message);
  }

  receive(from: string, message: Message): void {
    this.network.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.network.connectionReset(peer);
  }

  // ---- the loop ---------------------------------------------------------------------------

  private wakeup(): void {
    if (!this.closed) this.wake.wakeNow();
  }

  private runOnce(): void {
    if (this.closed) return;
    this.metadata.maybeRefresh();
    const now = this.ctx.now;
    const byLeader = new Map<number, { reset: PartitionState[]; fetch: PartitionState[] }>();
    let nextMicros = this.metadata.timeToExpiry();
    for (const p of this.partitions.values()) {
      if (p.stopped || p.busy) continue;
      if (p.backoffUntilMicros > now) {
        nextMicros = Math.min(nextMicros, p.backoffUntilMicros - now);
        continue;
      }
      if (this.metadata.version <= p.awaitMetadataAfter) continue; // the update wakes the loop
      const leader = this.metadata.leaderOf(p.tp);
      if (leader < 0) {
        if (this.metadata.hasTopic(p.tp.topic)) this.metadata.requestUpdate();
        continue;
      }
      if (p.position === null && this.options.autoOffsetReset === "none") {
        this.stop(p, "NO_OFFSET");
        continue;
      }
      let group = byLeader.get(leader);
      if (!group) byLeader.set(leader, (group = { reset: [], fetch: [] }));
      (p.position === null ? group.reset : group.fetch).push(p);
    }
    for (const [leader, group] of byLeader) {
      if (this.busyBrokers.has(leader)) continue; // its answer wakes the loop
      const backoff = this.network.backoffRemaining(leader);
      if (backoff > 0) {
        nextMicros = Math.min(nextMicros, backoff);
        continue;
      }
      if (group.reset.length > 0) this.listOffsets(leader, group.reset);
      else if (group.fetch.length > 0) this.fetch(leader, group.fetch);
    }
    this.wake.wakeAt(now + nextMicros);
  }

  private stop(p: PartitionState, error: KafkaError | "NO_OFFSET"): void {
    p.stopped = true;
    this.handlers.onError?.(p.tp, error);
  }

  // ---- ListOffsets ------------------------------------------------------------------------

  private listOffsets(leader: number, parts: PartitionState[]): void {
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

  private offsetsAnswered(leader: number, parts: PartitionState[], outcome: Outcome<ListOffsetsResponse>): void {
    this.end(leader, parts);
    if (this.closed) return;
    for (const p of parts) {
      const answer = outcome.ok
        ? outcome.response.partitions.find((r) => r.topic === p.tp.topic && r.partition === p.tp.partition)
        : undefined;
      const error: KafkaError = outcome.ok ? (answer?.error ?? "INVALID_REQUEST") : outcome.error;
      if (error === "NONE" && p.position === null) p.position = answer!.offset;
      else if (error !== "NONE") this.failedAttempt(p, error);
    }
    this.wakeup();
  }

  // ---- Fetch ------------------------------------------------------------------------------

  private fetch(leader: number, parts: PartitionState[]): void {
    const offsets = parts.map((p) => p.position!);
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
    this.network.send(leader, request, FETCH_REQUEST_BYTES + 32 * parts.length, (o) => this.fetchAnswered(leader, parts, offsets, o), timeout);
  }

  private fetchAnswered(leader: number, parts: PartitionState[], offsets: number[], outcome: Outcome<FetchResponse>): void {
    this.end(leader, parts);
    if (this.closed) return;
    parts.forEach((p, i) => {
      // A seek or reset since the fetch left makes its answer stale.
      if (p.position !== offsets[i] || p.stopped) return;
      if (!outcome.ok) return this.failedAttempt(p, outcome.error);
      const answer = outcome.response.partitions.find((r) => r.topic === p.tp.topic && r.partition === p.tp.partition);
      if (!answer) return;
      if (answer.error !== "NONE") return this.failedAttempt(p, answer.error);
      this.deliver(p, answer);
    });
    this.wakeup();
  }

  private deliver(p: PartitionState, answer: FetchPartitionResponse): void {
    p.highWatermark = answer.highWatermark;
    const from = p.position!;
    const records: ConsumedRecord[] = [];
    let next = from;
    for (const batch of answer.batches) {
      batch.records.forEach((record, i) => {
        const offset = batch.baseOffset + i;
        if (offset >= from) records.push({ topic: p.tp.topic, partition: p.tp.partition, offset, leaderEpoch: batch.partitionLeaderEpoch, record });
      });
      next = Math.max(next, nextOffsetOf(batch));
    }
    p.position = next;
    if (records.length === 0) return;
    this.stats.records += records.length;
    this.handlers.onRecords(records);
  }

  // ---- errors -----------------------------------------------------------------------------

  private failedAttempt(p: PartitionState, error: KafkaError): void {
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

  private begin(leader: number, parts: PartitionState[]): void {
    this.busyBrokers.add(leader);
    for (const p of parts) p.busy = true;
  }

  private end(leader: number, parts: PartitionState[]): void {
    this.busyBrokers.delete(leader);
    for (const p of parts) p.busy = false;
  }
}
