import { RecordSet } from "../../src/protocol/RecordSet.ts";
/**
 * Test harness for the broker's replication rules: a simulation whose broker nodes run an
 * idle process, with a real ReplicaManager (real ReplicaLogs on the node's disk) built on a
 * node's context. The coordination store is a stub that accepts, refuses or holds ISR
 * writes; responses and the fetcher's requests are kept in lists instead of being sent, so
 * a test plays the network by hand: it sends requests to a leader's ReplicaManager and
 * answers a follower's fetcher itself.
 */
import { Simulation, type NodeContext, type SimNode } from "../../sim/index.ts";
import { DEFAULT_TOPIC_OPTIONS, defaultBrokerOptions, type BrokerOptions, type TopicOptions } from "../../src/broker/BrokerOptions.ts";
import { openPartitionLog, PartitionLogAdapter } from "../../src/broker/log/openPartitionLog.ts";
import { ReplicaLog } from "../../src/broker/log/ReplicaLog.ts";
import type { Partition } from "../../src/broker/Partition.ts";
import type { PartitionLog } from "../../src/broker/PartitionLog.ts";
import { ReplicaFetcherManager } from "../../src/broker/ReplicaFetcherManager.ts";
import { ReplicaManager } from "../../src/broker/ReplicaManager.ts";
import type { ZkCalls } from "../../src/broker/zk/ZkCalls.ts";
import type { OpResult, Znode } from "../../src/coord/ZnodeTree.ts";
import { PROFILE_BEHAVIOUR, type Profile } from "../../src/protocol/config/profiles.ts";
import type { KafkaError } from "../../src/protocol/errors.ts";
import { BATCH_OVERHEAD_BYTES, NO_PRODUCER_ID, NO_SEQUENCE, type KafkaRecord, type ProducerBatch, type RecordBatch } from "../../src/protocol/records.ts";
import {
  CONSUMER_REPLICA_ID,
  NO_LEADER_EPOCH,
  type Acks,
  type FetchPartitionResponse,
  type KafkaRequest,
  type KafkaResponse,
  type PartitionState,
  type ProducePartitionResponse,
} from "../../src/protocol/requests.ts";

export const TOPIC = "orders";

/** A simulation of idle broker nodes; tests build replicas on their contexts. */
export class BrokerWorld {
  readonly sim: Simulation;

  constructor(seed = "broker", brokers = 3) {
    this.sim = new Simulation({ seed });
    for (let id = 1; id <= brokers; id++) this.sim.addNode(`broker-${id}`, () => ({ start() {}, receive() {} }));
    this.sim.run(); // boot
  }

  node(id: number): SimNode {
    return this.sim.node(`broker-${id}`);
  }

  ctx(id: number): NodeContext {
    return this.node(id).context;
  }

  get now(): number {
    return this.sim.now;
  }

  /** Moves the clock forward, firing the replicas' timers (ISR checks, purgatory timeouts). */
  advance(micros: number): void {
    this.sim.run({ untilMicros: this.sim.now + micros });
  }

  /** A real log on broker `id`'s disk, to fill before a ReplicaManager opens it. */
  log(id: number, partition = 0): ReplicaLog {
    return new ReplicaLog(this.ctx(id), `${TOPIC}-${partition}`);
  }
}

/**
 * The coordination store as the leader's ISR updates see it: a conditional setData on the
 * partition state znode, and a read of it. `mode` decides the answer; "hold" keeps writes
 * pending until `release()`, like a store that cannot be reached; "conflict" answers
 * BADVERSION with someone else's state in the store; "answer-lost" applies the write but
 * answers BADVERSION, as ZkCalls reports a write retried after a lost connection whose
 * first attempt had landed.
 */
export class ZkStub {
  mode: "accept" | "conflict" | "hold" | "answer-lost" = "accept";
  readonly writes: { path: string; isr: number[]; version: number }[] = [];
  private held: (() => void)[] = [];
  private readonly nodes = new Map<string, { data: string; version: number }>();

  setData(path: string, data: string, version: number, done: (r: OpResult) => void): void {
    this.writes.push({ path, isr: (JSON.parse(data) as { isr: number[] }).isr, version });
    const answer = () => {
      if (this.mode === "conflict") {
        this.nodes.set(path, { data: '{"written":"by the controller"}', version: version + 1 });
        return done({ ok: false, error: "BADVERSION" });
      }
      this.nodes.set(path, { data, version: version + 1 });
      done(this.mode === "answer-lost" ? { ok: false, error: "BADVERSION" } : { ok: true, path, version: version + 1 });
    };
    if (this.mode === "hold") this.held.push(answer);
    else answer();
  }

  getData(path: string, _watcher: unknown, done: (node: Znode | null) => void): void {
    const node = this.nodes.get(path);
    done(node === undefined ? null : { ...node, cversion: 0, ephemeralOwner: 0, czxid: 0, mzxid: 0, pzxid: 0, children: [] });
  }

  create(path: string, _data: string, _mode: unknown, done: (r: OpResult) => void): void {
    done({ ok: true, path, version: 0 });
  }

  release(mode: "accept" | "conflict" = "accept"): void {
    this.mode = mode;
    const held = this.held;
    this.held = [];
    for (const answer of held) answer();
  }

  /** The ISRs written, in order. */
  get isrs(): number[][] {
    return this.writes.map((w) => w.isr);
  }
}

export interface ReplicaOptions {
  readonly profile?: Profile;
  readonly topic?: Partial<TopicOptions>;
  readonly broker?: Partial<BrokerOptions>;
  /** Logs to use instead of opening them from disk (key `orders-0`). */
  readonly logs?: ReadonlyMap<string, PartitionLog>;
}

/** A ReplicaManager on one broker node, with everything it says kept for the test to read. */
export class Replica {
  readonly rm: ReplicaManager;
  readonly zk = new ZkStub();
  readonly options: BrokerOptions;
  /** Responses to requests the test made, by correlation id. */
  readonly responses = new Map<number, KafkaResponse>();
  /** Requests the broker's fetchers sent to leaders, in order. */
  readonly sent: { to: number; request: KafkaRequest }[] = [];
  readonly fetchers: ReplicaFetcherManager;
  /** Every high watermark the broker announced to its observers, in order. */
  readonly hwChanges: number[] = [];
  /** Every ISR the broker applied (after the store accepted it), in order. */
  readonly isrChanges: number[][] = [];
  private nextCorrelationId = 1_000;

  constructor(
    readonly world: BrokerWorld,
    readonly brokerId: number,
    o: ReplicaOptions = {},
  ) {
    const ctx = world.ctx(brokerId);
    this.options = {
      ...defaultBrokerOptions(brokerId, []),
      behaviour: PROFILE_BEHAVIOUR[o.profile ?? "3.x"],
      topicDefaults: { ...DEFAULT_TOPIC_OPTIONS, ...(o.topic ?? {}) },
      ...(o.broker ?? {}),
    };
    this.fetchers = new ReplicaFetcherManager({
      ctx,
      options: this.options,
      send: (to, request) => this.sent.push({ to, request }),
      truncate: (p, offset) => this.rm.truncate(p, offset),
      truncateFully: (p, offset) => p.log.truncateFullyAndStartAt(offset),
      followerAdvanced: () => {},
    });
    this.rm = new ReplicaManager({
      ctx,
      options: this.options,
      zk: this.zk as unknown as ZkCalls,
      fetchers: this.fetchers,
      openLog: (topic, partition, options) => o.logs?.get(`${topic}-${partition}`) ?? openPartitionLog(ctx, topic, partition, options),
      respond: (_to, response) => this.responses.set(response.correlationId, response),
      observer: {
        highWatermarkChanged: (_b, _t, _p, hw) => this.hwChanges.push(hw),
        isrChanged: (_b, _t, _p, isr) => this.isrChanges.push([...isr]),
      },
    });
  }

  partition(p = 0): Partition {
    const found = this.rm.partition(TOPIC, p);
    if (!found) throw new Error(`broker ${this.brokerId} has no replica of ${TOPIC}-${p}`);
    return found;
  }

  /** The controller's LeaderAndIsr for one partition; replicas default to 1, 2, 3. */
  leaderAndIsr(state: Partial<PartitionState> & { leader: number; leaderEpoch: number }, controllerEpoch = 1): KafkaError {
    const full: PartitionState = {
      topic: TOPIC,
      partition: 0,
      controllerEpoch,
      isr: [1, 2, 3],
      replicas: [1, 2, 3],
      zkVersion: 0,
      ...state,
    };
    return this.rm.becomeLeaderOrFollower({
      type: "kafka.leader-and-isr",
      correlationId: this.nextCorrelationId++,
      controllerId: 0,
      controllerEpoch,
      partitionStates: [full],
    });
  }

  /** Sends a Produce of one batch; returns its correlation id. */
  produce(batch: ProducerBatch, acks: Acks, o: { timeoutMicros?: number; partition?: number } = {}): number {
    const correlationId = this.nextCorrelationId++;
    this.rm.handleProduce("producer", {
      type: "kafka.produce",
      correlationId,
      acks,
      timeoutMicros: o.timeoutMicros ?? 30_000_000,
      partitions: [{ topic: TOPIC, partition: o.partition ?? 0, batch }],
    });
    return correlationId;
  }

  /** The answer to a Produce, or undefined while it waits in purgatory. */
  produceAnswer(correlationId: number): ProducePartitionResponse | undefined {
    const r = this.responses.get(correlationId);
    if (!r) return undefined;
    if (r.type !== "kafka.produce.response") throw new Error(`not a produce response: ${r.type}`);
    return r.partitions[0];
  }

  /** A follower's (or, with CONSUMER_REPLICA_ID, a consumer's) Fetch from `fetchOffset`. */
  fetch(replicaId: number, fetchOffset: number, o: { currentLeaderEpoch?: number; maxWaitMicros?: number } = {}): number {
    const correlationId = this.nextCorrelationId++;
    this.rm.handleFetch(replicaId === CONSUMER_REPLICA_ID ? "consumer" : `broker-${replicaId}`, {
      type: "kafka.fetch",
      correlationId,
      replicaId,
      maxWaitMicros: o.maxWaitMicros ?? 0,
      minBytes: 1,
      maxBytes: 1 << 20,
      partitions: [{ topic: TOPIC, partition: 0, fetchOffset, currentLeaderEpoch: o.currentLeaderEpoch ?? NO_LEADER_EPOCH, maxBytes: 1 << 20 }],
    });
    return correlationId;
  }

  fetchAnswer(correlationId: number): FetchPartitionResponse | undefined {
    const r = this.responses.get(correlationId);
    if (!r) return undefined;
    if (r.type !== "kafka.fetch.response") throw new Error(`not a fetch response: ${r.type}`);
    return r.partitions[0];
  }

  /** The requests the fetchers sent that the test has not looked at yet. */
  private seen = 0;
  takeSent(): { to: number; request: KafkaRequest }[] {
    const out = this.sent.slice(this.seen);
    this.seen = this.sent.length;
    return out;
  }

  /** Answers the fetcher's request to `leader` (it has one in flight at a time). */
  answer(leader: number, response: KafkaResponse): void {
    this.fetchers.onResponse(leader, response.correlationId, response);
  }
}

let nextValueId = 1;

export function record(key: string | null = null, sizeBytes = 100): KafkaRecord {
  return { key, valueId: nextValueId++, sizeBytes, createdAtMicros: 0 };
}

export function batch(count: number, o: { producerId?: number; baseSequence?: number; producerEpoch?: number } = {}): ProducerBatch {
  return {
    records: RecordSet.of(Array.from({ length: count }, () => record())),
    producerId: o.producerId ?? NO_PRODUCER_ID,
    producerEpoch: o.producerEpoch ?? 0,
    baseSequence: o.baseSequence ?? NO_SEQUENCE,
    sizeBytes: BATCH_OVERHEAD_BYTES + count * 100,
  };
}

/** Appends batches of these record counts to a log as the leader of `epoch`. */
export function appendAsLeader(log: ReplicaLog, counts: number[], epoch: number): void {
  for (const n of counts) {
    const r = log.appendAsLeader(batch(n), epoch, 0);
    if (r.kind !== "appended") throw new Error(`append failed: ${JSON.stringify(r)}`);
  }
}

/** Copies `leader`'s batches in [from, to) into `follower`, as a fetch would. */
export function replicate(leader: ReplicaLog, follower: ReplicaLog, to = leader.logEndOffset): void {
  const read = leader.read(follower.logEndOffset, 1 << 30, to);
  if (read.error !== "NONE") throw new Error(`read failed: ${read.error}`);
  const r = follower.appendAsFollower(read.batches);
  if (r.kind !== "appended") throw new Error(`follower append failed: ${JSON.stringify(r)}`);
}

/** The value ids of a log, in order: what two replicas must agree on. */
export function valueIds(log: ReplicaLog | PartitionLog): number[] {
  const replicaLog = log instanceof PartitionLogAdapter ? log.log : (log as ReplicaLog);
  return replicaLog.batches().flatMap((b: RecordBatch) => b.records.toArray().map((r) => r.valueId));
}

export function logsOf(entries: [string, ReplicaLog][]): Map<string, PartitionLog> {
  return new Map(entries.map(([k, log]) => [k, new PartitionLogAdapter(log)]));
}
