import { RecordSet } from "../../src/protocol/RecordSet.ts";
/**
 * A small fake Kafka cluster for the client tests: broker processes on `broker-<id>` nodes
 * that share one in-memory state (logs, leaders, producer state), answer Metadata,
 * InitProducerId, Produce (with the broker's last-five-batches dedup for idempotent
 * producers), Fetch (below the high watermark, with long polling) and ListOffsets, and
 * misbehave on request: rules drop answers, black-hole requests, reset connections,
 * answer with errors or answer late. No replication: the high watermark is the log end
 * unless a test holds it back. Group requests (FindCoordinator to OffsetFetch) go to the
 * cluster's fake group coordinator (fakeGroupCoordinator.ts); rules apply to them too.
 */
import type { EventHandle, Message, NodeContext, Process, Simulation } from "../../sim/index.ts";
import type { GroupRequest } from "../../src/protocol/groups.ts";
import { FakeGroupCoordinator, isGroupRequest } from "./fakeGroupCoordinator.ts";
import type { KafkaError } from "../../src/protocol/errors.ts";
import { lastSequenceOf, nextOffsetOf, type ProducerBatch, type RecordBatch } from "../../src/protocol/records.ts";
import {
  EARLIEST_TIMESTAMP,
  brokerIdOf,
  brokerNode,
  type FetchPartitionResponse,
  type FetchRequest,
  type KafkaRequest,
  type ListOffsetsRequest,
  type MetadataRequest,
  type OffsetsForLeaderEpochRequest,
  type ProduceRequest,
} from "../../src/protocol/requests.ts";

/**
 * What a rule does to a request. A Kafka broker handles one request per connection at a
 * time (it mutes the connection until the answer is sent), so an answer that never comes
 * holds up everything behind it: after `drop-response` and `black-hole` the broker ignores
 * the connection's later requests until it is reset.
 */
export type FakeAction =
  /** Append, never answer (a lost response). */
  | { readonly kind: "drop-response" }
  /** Neither append nor answer (a broker that hangs). */
  | { readonly kind: "black-hole" }
  /** Append, then reset the connection instead of answering. */
  | { readonly kind: "reset" }
  /** No append; every partition of the request answered with this error. */
  | { readonly kind: "error"; readonly error: KafkaError }
  /** Append now, answer after `micros`. */
  | { readonly kind: "delay"; readonly micros: number };

export interface FakeRule {
  readonly when: (request: KafkaRequest | GroupRequest, broker: number) => boolean;
  readonly action: FakeAction;
  /** How many requests the rule applies to (default 1). */
  times?: number;
}

interface ProducerState {
  epoch: number;
  lastSequence: number;
  /** The last five batches: their sequence range and offset, for duplicate answers. */
  readonly recent: { first: number; last: number; baseOffset: number }[];
}

export class FakePartition {
  readonly batches: RecordBatch[] = [];
  logStartOffset = 0;
  leaderEpoch = 0;
  /** When set, the high watermark stays here (replication stalled). */
  heldHighWatermark: number | null = null;
  readonly producers = new Map<number, ProducerState>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    public leader: number,
  ) {}

  get logEndOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? nextOffsetOf(last) : this.logStartOffset;
  }

  get highWatermark(): number {
    return this.heldHighWatermark === null ? this.logEndOffset : Math.min(this.heldHighWatermark, this.logEndOffset);
  }

  /** Appends records directly (as if produced), one batch of `valueIds`. */
  appendDirect(valueIds: readonly number[], atMicros = 0): void {
    const records = valueIds.map((valueId) => ({ key: null, valueId, sizeBytes: 110, createdAtMicros: atMicros }));
    this.batches.push({
      baseOffset: this.logEndOffset,
      records: RecordSet.of(records),
      partitionLeaderEpoch: this.leaderEpoch,
      producerId: -1,
      producerEpoch: -1,
      baseSequence: -1,
      appendedAtMicros: atMicros,
      sizeBytes: 61 + 110 * records.length,
    });
  }

  /** The value ids in the log, in offset order. */
  valueIds(): number[] {
    return this.batches.flatMap((b) => b.records.toArray().map((r) => r.valueId));
  }
}

export interface FakeClusterOptions {
  readonly brokers: number;
  /** Topic name to partition count; leaders are assigned round-robin from broker 1. */
  readonly topics: Readonly<Record<string, number>>;
}

export class FakeCluster {
  readonly partitions = new Map<string, FakePartition[]>();
  readonly brokerIds: number[];
  readonly rules: FakeRule[] = [];
  /** Every request any broker received, in arrival order. */
  readonly requests: { atMicros: number; broker: number; request: KafkaRequest }[] = [];
  nextProducerId = 1000;
  readonly processes = new Map<number, FakeBroker>();
  /** The group coordinator behind FindCoordinator and the group requests (fakeGroupCoordinator.ts). */
  readonly groups: FakeGroupCoordinator;

  constructor(
    readonly sim: Simulation,
    options: FakeClusterOptions,
  ) {
    this.brokerIds = Array.from({ length: options.brokers }, (_, i) => i + 1);
    this.groups = new FakeGroupCoordinator(this);
    let next = 0;
    for (const [topic, count] of Object.entries(options.topics)) {
      const list: FakePartition[] = [];
      for (let p = 0; p < count; p++) list.push(new FakePartition(topic, p, this.brokerIds[next++ % this.brokerIds.length]!));
      this.partitions.set(topic, list);
    }
    for (const id of this.brokerIds) {
      sim.addNode(brokerNode(id), (ctx) => {
        const broker = new FakeBroker(ctx, this, id);
        this.processes.set(id, broker);
        return broker;
      });
    }
  }

  partition(topic: string, partition: number): FakePartition {
    const p = this.partitions.get(topic)?.[partition];
    if (!p) throw new Error(`fake cluster has no ${topic}-${partition}`);
    return p;
  }

  /** Moves leadership (a new leader epoch), as a controller would. */
  moveLeader(topic: string, partition: number, leader: number): void {
    const p = this.partition(topic, partition);
    p.leader = leader;
    p.leaderEpoch++;
  }

  /** Applies `action` to the next `times` requests matching `when`. */
  on(when: FakeRule["when"], action: FakeAction, times = 1): void {
    this.rules.push({ when, action, times });
  }

  /** The group requests of a type, for assertions. */
  groupRequestsOf<T extends GroupRequest["type"]>(type: T): Extract<GroupRequest, { type: T }>[] {
    return this.requests.filter((r) => (r.request as Message).type === type).map((r) => r.request as unknown as Extract<GroupRequest, { type: T }>);
  }

  /** The requests of a type, for assertions. */
  requestsOf<T extends KafkaRequest["type"]>(type: T): Extract<KafkaRequest, { type: T }>[] {
    return this.requests.filter((r) => r.request.type === type).map((r) => r.request as Extract<KafkaRequest, { type: T }>);
  }

  liveBrokers(): number[] {
    return this.brokerIds.filter((id) => this.sim.node(brokerNode(id)).isUp);
  }

  takeRule(request: KafkaRequest | GroupRequest, broker: number): FakeAction | null {
    const rule = this.rules.find((r) => (r.times ?? 1) > 0 && r.when(request, broker));
    if (!rule) return null;
    rule.times = (rule.times ?? 1) - 1;
    return rule.action;
  }
}

const produce = (type: KafkaRequest["type"]) => (r: { readonly type: string }) => r.type === type;
export const isProduce = produce("kafka.produce");
export const isFetch = produce("kafka.fetch");
export const isMetadata = produce("kafka.metadata");

interface ParkedFetch {
  readonly from: string;
  readonly request: FetchRequest;
  readonly timer: EventHandle;
}

export class FakeBroker implements Process {
  private parked: ParkedFetch[] = [];
  /** Peers whose connection hangs on an unanswered request, until it is reset. */
  private readonly hung = new Set<string>();

  constructor(
    readonly ctx: NodeContext,
    readonly cluster: FakeCluster,
    readonly id: number,
  ) {}

  start(): void {}

  connectionReset(peer: string): void {
    this.hung.delete(peer);
  }

  receive(from: string, message: Message): void {
    const request = message as KafkaRequest;
    this.cluster.requests.push({ atMicros: this.ctx.now, broker: this.id, request });
    if (this.hung.has(from)) return;
    const action = this.cluster.takeRule(request, this.id);
    if (action?.kind === "black-hole") {
      this.hung.add(from);
      return;
    }
    if (action?.kind === "error") return this.answerError(from, request, action.error);
    if (isGroupRequest(message)) return this.group(from, message, action);
    const answer = this.handle(from, request);
    if (!answer) return;
    if (!action) return this.ctx.send(from, answer, sizeOf(answer));
    switch (action.kind) {
      case "drop-response":
        this.hung.add(from);
        return;
      case "reset":
        return this.ctx.closeConnection(from);
      case "delay":
        this.ctx.setTimer(action.micros, "fake.delayed-answer", () => this.ctx.send(from, answer, sizeOf(answer)));
        return;
    }
  }

  private handle(from: string, request: KafkaRequest): Message | null {
    switch (request.type) {
      case "kafka.metadata":
        return this.metadata(request);
      case "kafka.init-producer-id":
        return { type: "kafka.init-producer-id.response", correlationId: request.correlationId, error: "NONE", producerId: this.cluster.nextProducerId++, producerEpoch: 0 } as Message;
      case "kafka.produce":
        return this.produce(request);
      case "kafka.list-offsets":
        return this.listOffsets(request);
      case "kafka.offsets-for-leader-epoch":
        return this.offsetsForLeaderEpoch(request);
      case "kafka.fetch":
        this.fetch(from, request);
        return null;
      default:
        throw new Error(`fake broker cannot answer ${request.type}`);
    }
  }

  /** Group requests go to the group coordinator; `drop-response`, `reset` and `delay` apply to them too. */
  private group(from: string, request: GroupRequest, action: FakeAction | null): void {
    if (!action) return this.cluster.groups.handle(this.id, from, request);
    switch (action.kind) {
      case "drop-response":
        this.cluster.groups.handle(this.id, from, request, false);
        this.hung.add(from);
        return;
      case "reset":
        this.cluster.groups.handle(this.id, from, request, false);
        return this.ctx.closeConnection(from);
      case "delay":
        this.ctx.setTimer(action.micros, "fake.delayed-request", () => this.cluster.groups.handle(this.id, from, request));
        return;
    }
  }

  private answerError(from: string, request: KafkaRequest, error: KafkaError): void {
    if (isGroupRequest(request)) {
      this.ctx.send(from, this.cluster.groups.errorAnswer(request, error));
    } else if (request.type === "kafka.produce") {
      const partitions = request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error, baseOffset: -1 }));
      if (request.acks !== 0) this.ctx.send(from, { type: "kafka.produce.response", correlationId: request.correlationId, partitions } as Message);
    } else if (request.type === "kafka.fetch") {
      const partitions = request.partitions.map((p) => ({ topic: p.topic, partition: p.partition, error, highWatermark: -1, logStartOffset: -1, batches: [] }));
      this.ctx.send(from, { type: "kafka.fetch.response", correlationId: request.correlationId, partitions } as Message);
    } else {
      throw new Error(`fake broker: error rules only for produce and fetch, not ${request.type}`);
    }
  }

  private metadata(request: MetadataRequest): Message {
    const names = request.topics ?? [...this.cluster.partitions.keys()];
    const topics = names.map((topic) => {
      const list = this.cluster.partitions.get(topic);
      if (!list) return { topic, error: "UNKNOWN_TOPIC_OR_PARTITION" as const, partitions: [] };
      return {
        topic,
        error: "NONE" as const,
        partitions: list.map((p) => ({ partition: p.partition, error: "NONE" as const, leader: p.leader, leaderEpoch: p.leaderEpoch, replicas: [p.leader], isr: [p.leader] })),
      };
    });
    return { type: "kafka.metadata.response", correlationId: request.correlationId, brokers: this.cluster.liveBrokers(), controllerId: 1, topics } as Message;
  }

  private produce(request: ProduceRequest): Message | null {
    const partitions = request.partitions.map(({ topic, partition, batch }) => {
      const p = this.cluster.partitions.get(topic)?.[partition];
      if (!p) return { topic, partition, error: "UNKNOWN_TOPIC_OR_PARTITION" as KafkaError, baseOffset: -1 };
      if (p.leader !== this.id) return { topic, partition, error: "NOT_LEADER_OR_FOLLOWER" as KafkaError, baseOffset: -1 };
      const { error, baseOffset } = this.append(p, batch);
      return { topic, partition, error, baseOffset };
    });
    this.wakeParked();
    if (request.acks === 0) return null;
    return { type: "kafka.produce.response", correlationId: request.correlationId, partitions } as Message;
  }

  /** Appends with the idempotent producer checks (Kafka's ProducerStateManager, in short). */
  private append(p: FakePartition, batch: ProducerBatch): { error: KafkaError; baseOffset: number } {
    const idempotent = batch.producerId >= 0;
    const lastSeq = batch.baseSequence + batch.records.length - 1;
    let state = idempotent ? p.producers.get(batch.producerId) : undefined;
    if (idempotent) {
      if (state && state.epoch === batch.producerEpoch) {
        const dup = state.recent.find((e) => e.first === batch.baseSequence && e.last === lastSeq);
        if (dup) return { error: "NONE", baseOffset: dup.baseOffset };
        if (batch.baseSequence !== state.lastSequence + 1) return { error: "OUT_OF_ORDER_SEQUENCE_NUMBER", baseOffset: -1 };
      } else if (batch.baseSequence !== 0) {
        return { error: "OUT_OF_ORDER_SEQUENCE_NUMBER", baseOffset: -1 };
      }
    }
    const baseOffset = p.logEndOffset;
    const stored: RecordBatch = { ...batch, baseOffset, partitionLeaderEpoch: p.leaderEpoch, appendedAtMicros: this.ctx.now };
    p.batches.push(stored);
    if (idempotent) {
      if (!state || state.epoch !== batch.producerEpoch) {
        state = { epoch: batch.producerEpoch, lastSequence: -1, recent: [] };
        p.producers.set(batch.producerId, state);
      }
      state.lastSequence = lastSequenceOf(stored);
      state.recent.push({ first: batch.baseSequence, last: lastSeq, baseOffset });
      if (state.recent.length > 5) state.recent.shift();
    }
    return { error: "NONE", baseOffset };
  }

  private epochError(p: FakePartition, currentLeaderEpoch: number): KafkaError | null {
    if (p.leader !== this.id) return "NOT_LEADER_OR_FOLLOWER";
    if (currentLeaderEpoch >= 0 && currentLeaderEpoch < p.leaderEpoch) return "FENCED_LEADER_EPOCH";
    if (currentLeaderEpoch > p.leaderEpoch) return "UNKNOWN_LEADER_EPOCH";
    return null;
  }

  private listOffsets(request: ListOffsetsRequest): Message {
    const partitions = request.partitions.map((r) => {
      const p = this.cluster.partitions.get(r.topic)?.[r.partition];
      if (!p) return { topic: r.topic, partition: r.partition, error: "UNKNOWN_TOPIC_OR_PARTITION" as KafkaError, offset: -1, leaderEpoch: -1 };
      const error = this.epochError(p, r.currentLeaderEpoch);
      if (error) return { topic: r.topic, partition: r.partition, error, offset: -1, leaderEpoch: -1 };
      const offset = r.timestamp === EARLIEST_TIMESTAMP ? p.logStartOffset : p.highWatermark;
      return { topic: r.topic, partition: r.partition, error: "NONE" as KafkaError, offset, leaderEpoch: p.leaderEpoch };
    });
    return { type: "kafka.list-offsets.response", correlationId: request.correlationId, partitions } as Message;
  }

  /** KIP-279's answer: the largest epoch at or below the one asked, and where it ends (the next epoch's first offset, or the log end). */
  private offsetsForLeaderEpoch(request: OffsetsForLeaderEpochRequest): Message {
    const partitions = request.partitions.map((r) => {
      const p = this.cluster.partitions.get(r.topic)?.[r.partition];
      const none = { topic: r.topic, partition: r.partition, leaderEpoch: -1, endOffset: -1 };
      if (!p) return { ...none, error: "UNKNOWN_TOPIC_OR_PARTITION" as KafkaError };
      const error = this.epochError(p, r.currentLeaderEpoch);
      if (error) return { ...none, error };
      if (r.leaderEpoch >= p.leaderEpoch) return { topic: r.topic, partition: r.partition, error: "NONE" as KafkaError, leaderEpoch: p.leaderEpoch, endOffset: p.logEndOffset };
      const atOrBelow = p.batches.filter((b) => b.partitionLeaderEpoch <= r.leaderEpoch);
      if (atOrBelow.length === 0) return { ...none, error: "NONE" as KafkaError };
      const epoch = Math.max(...atOrBelow.map((b) => b.partitionLeaderEpoch));
      const next = p.batches.find((b) => b.partitionLeaderEpoch > epoch);
      return { topic: r.topic, partition: r.partition, error: "NONE" as KafkaError, leaderEpoch: epoch, endOffset: next ? next.baseOffset : p.logEndOffset };
    });
    return { type: "kafka.offsets-for-leader-epoch.response", correlationId: request.correlationId, partitions } as Message;
  }

  // ---- fetch with long polling ---------------------------------------------------------------

  private fetch(from: string, request: FetchRequest): void {
    const answer = this.fetchAnswer(request);
    const bytes = answer.reduce((n, p) => n + p.batches.reduce((m, b) => m + b.sizeBytes, 0), 0);
    const hasError = answer.some((p) => p.error !== "NONE");
    if (hasError || bytes >= Math.max(1, request.minBytes) || request.maxWaitMicros === 0) {
      return this.sendFetch(from, request, answer);
    }
    const timer = this.ctx.setTimer(request.maxWaitMicros, "fake.fetch-wait", () => {
      this.parked = this.parked.filter((f) => f.timer !== timer);
      this.sendFetch(from, request, this.fetchAnswer(request));
    });
    this.parked.push({ from, request, timer });
  }

  private wakeParked(): void {
    const parked = this.parked;
    this.parked = [];
    for (const f of parked) {
      this.ctx.cancelTimer(f.timer);
      this.sendFetch(f.from, f.request, this.fetchAnswer(f.request));
    }
  }

  private sendFetch(from: string, request: FetchRequest, partitions: FetchPartitionResponse[]): void {
    const message = { type: "kafka.fetch.response", correlationId: request.correlationId, partitions } as Message;
    this.ctx.send(from, message, sizeOf(message));
  }

  private fetchAnswer(request: FetchRequest): FetchPartitionResponse[] {
    return request.partitions.map((r) => {
      const base = { topic: r.topic, partition: r.partition, batches: [] as RecordBatch[] };
      const p = this.cluster.partitions.get(r.topic)?.[r.partition];
      if (!p) return { ...base, error: "UNKNOWN_TOPIC_OR_PARTITION", highWatermark: -1, logStartOffset: -1 };
      const meta = { highWatermark: p.highWatermark, logStartOffset: p.logStartOffset };
      const error = this.epochError(p, r.currentLeaderEpoch);
      if (error) return { ...base, ...meta, error };
      if (r.fetchOffset < p.logStartOffset || r.fetchOffset > p.logEndOffset) return { ...base, ...meta, error: "OFFSET_OUT_OF_RANGE" };
      const batches: RecordBatch[] = [];
      let bytes = 0;
      for (const b of p.batches) {
        if (nextOffsetOf(b) <= r.fetchOffset) continue;
        if (nextOffsetOf(b) > p.highWatermark) break;
        if (batches.length > 0 && bytes + b.sizeBytes > r.maxBytes) break;
        batches.push(b);
        bytes += b.sizeBytes;
      }
      return { ...base, ...meta, error: "NONE", batches };
    });
  }
}

function sizeOf(message: Message): number {
  if (message.type === "kafka.fetch.response") {
    const m = message as unknown as { partitions: FetchPartitionResponse[] };
    return 64 + m.partitions.reduce((n, p) => n + p.batches.reduce((s, b) => s + b.sizeBytes, 0), 0);
  }
  return 64;
}

export { brokerIdOf };
