/**
 * Test harness for the group consumer: a simulation with a fake cluster and its fake group
 * coordinator, and group members on nodes `member-<n>`, each a GroupConsumerHost whose
 * observer events land in one shared log (with the node's name).
 */
import { Simulation, type Micros, type TraceSink } from "../../sim/index.ts";
import type { CommittedOffset } from "../../src/protocol/groups.ts";
import type { TopicPartition } from "../../src/protocol/records.ts";
import type { KafkaConsumer } from "../../src/client/consumer/KafkaConsumer.ts";
import type { ConsumedRecord } from "../../src/client/consumer/Fetcher.ts";
import { GroupConsumerHost, type GroupConsumerHostOptions } from "../../src/client/consumer/group/GroupConsumerHost.ts";
import type { CommitError, CommitKind, GroupConsumerObserver } from "../../src/client/consumer/group/GroupConsumerObserver.ts";
import type { GroupConsumerOptions } from "../../src/client/consumer/group/GroupConsumerOptions.ts";
import { FakeCluster } from "./fakeBroker.ts";

export type GroupEvent =
  | { kind: "processed"; node: string; at: Micros; valueId: number; tp: string; offset: number; generation: number; memberId: string }
  | { kind: "polled"; node: string; at: Micros; count: number; generation: number }
  | { kind: "commit-ok"; node: string; at: Micros; offsets: readonly CommittedOffset[]; generation: number; commit: CommitKind }
  | { kind: "commit-failed"; node: string; at: Micros; offsets: readonly CommittedOffset[]; generation: number; error: CommitError; commit: CommitKind }
  | { kind: "revoked"; node: string; at: Micros; partitions: string[]; generation: number }
  | { kind: "lost"; node: string; at: Micros; partitions: string[] }
  | { kind: "assigned"; node: string; at: Micros; partitions: string[]; generation: number; memberId: string; startedAt: Micros }
  | { kind: "left"; node: string; at: Micros; reason: string }
  | { kind: "stopped"; node: string; at: Micros; tp: string; reason: string }
  | { kind: "failed"; node: string; at: Micros; error: string };

export interface GroupWorldOptions {
  readonly seed?: string;
  readonly brokers?: number;
  readonly topics?: Readonly<Record<string, number>>;
  readonly trace?: TraceSink;
}

export interface MemberOptions {
  readonly consumer?: Partial<GroupConsumerOptions>;
  readonly host?: Partial<GroupConsumerHostOptions>;
  /** Start the member at this time (default: now). */
  readonly startAtMicros?: Micros;
}

export interface Member {
  readonly node: string;
  /** True once the member's process runs (and until it crashes). */
  running(): boolean;
  host(): GroupConsumerHost;
  consumer(): KafkaConsumer;
  /** The value ids this member (every incarnation) processed, in order. */
  processed(): number[];
  assignment(): string[];
}

export interface GroupWorld {
  readonly sim: Simulation;
  readonly cluster: FakeCluster;
  readonly events: GroupEvent[];
  addMember(name: string, options?: MemberOptions): Member;
  /** Appends `count` records with value ids from `firstId` to each partition of `topic` in turn (round-robin). */
  fill(topic: string, count: number, firstId?: number): void;
  runFor(micros: Micros): void;
  runUntil(done: () => boolean, limitMicros: Micros): boolean;
  /** Value ids processed, by all members, in processing order. */
  processedIds(): number[];
  /** Value ids processed more than once (each once in the result). */
  redelivered(): number[];
  eventsOf<K extends GroupEvent["kind"]>(kind: K, node?: string): Extract<GroupEvent, { kind: K }>[];
}

export const GROUP = "g1";
const tpName = (tp: TopicPartition): string => `${tp.topic}-${tp.partition}`;

export function groupWorld(options: GroupWorldOptions = {}): GroupWorld {
  const sim = new Simulation({ seed: options.seed ?? "group-test", trace: options.trace });
  const cluster = new FakeCluster(sim, { brokers: options.brokers ?? 1, topics: options.topics ?? { test: 4 } });
  const events: GroupEvent[] = [];
  const observerFor = (node: string): GroupConsumerObserver => ({
    processed: (r: ConsumedRecord, generation, memberId, at) =>
      events.push({ kind: "processed", node, at, valueId: r.record.valueId, tp: `${r.topic}-${r.partition}`, offset: r.offset, generation, memberId }),
    polled: (records, generation, _memberId, at) => events.push({ kind: "polled", node, at, count: records.length, generation }),
    commitSucceeded: (offsets, generation, commit, at) => events.push({ kind: "commit-ok", node, at, offsets, generation, commit }),
    commitFailed: (offsets, generation, error, commit, at) => events.push({ kind: "commit-failed", node, at, offsets, generation, error, commit }),
    partitionsRevoked: (partitions, generation, _m, at) => events.push({ kind: "revoked", node, at, partitions: partitions.map(tpName), generation }),
    partitionsLost: (partitions, _m, at) => events.push({ kind: "lost", node, at, partitions: partitions.map(tpName) }),
    partitionsAssigned: (partitions, generation, memberId, startedAt, at) =>
      events.push({ kind: "assigned", node, at, partitions: partitions.map(tpName), generation, memberId, startedAt }),
    leftGroup: (_m, reason, at) => events.push({ kind: "left", node, at, reason }),
    fetchStopped: (tp, reason, at) => events.push({ kind: "stopped", node, at, tp: tpName(tp), reason }),
    failed: (error, at) => events.push({ kind: "failed", node, at, error }),
  });
  const world: GroupWorld = {
    sim,
    cluster,
    events,
    addMember(name, o = {}) {
      const consumerOptions = { groupId: GROUP, bootstrapBrokers: cluster.brokerIds, autoOffsetReset: "earliest" as const, ...o.consumer };
      const hostOptions = { topics: ["test"], ...o.host };
      const start = o.startAtMicros ?? sim.now;
      sim.addNode(name, (ctx) => new GroupConsumerHost(ctx, consumerOptions, hostOptions, { observer: observerFor(name) }), {
        startUp: start <= sim.now,
      });
      if (start > sim.now) sim.scheduleAt(start, sim.label("test.start-member"), () => sim.node(name).restart());
      const host = () => sim.node(name).process as GroupConsumerHost;
      return {
        node: name,
        running: () => sim.node(name).process !== null,
        host,
        consumer: () => host().consumer,
        processed: () => events.filter((e) => e.kind === "processed" && e.node === name).map((e) => (e as { valueId: number }).valueId),
        assignment: () => host().consumer.assignment().map(tpName),
      };
    },
    fill(topic, count, firstId = 0) {
      const partitions = cluster.partitions.get(topic)!;
      for (let i = 0; i < count; i++) partitions[i % partitions.length]!.appendDirect([firstId + i], sim.now);
    },
    runFor(micros) {
      sim.run({ untilMicros: sim.now + micros });
    },
    runUntil(done, limitMicros) {
      const end = sim.now + limitMicros;
      while (!done()) {
        if (sim.now >= end) return false;
        sim.run({ untilMicros: Math.min(end, sim.now + 10_000), maxEvents: 100_000 });
      }
      return true;
    },
    processedIds: () => events.filter((e) => e.kind === "processed").map((e) => (e as { valueId: number }).valueId),
    redelivered() {
      const seen = new Map<number, number>();
      for (const id of world.processedIds()) seen.set(id, (seen.get(id) ?? 0) + 1);
      return [...seen].filter(([, n]) => n > 1).map(([id]) => id).sort((a, b) => a - b);
    },
    eventsOf: (kind, node) => events.filter((e) => e.kind === kind && (node === undefined || e.node === node)) as never,
  };
  return world;
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
