/**
 * Test harness for the clients: a simulation with a fake cluster (fakeBroker.ts) and a
 * producer hosted on node `producer-1`, whose every result is kept by value id.
 */
import { Simulation, type Micros, type NetworkOptions, type TraceSink } from "../../sim/index.ts";
import type { KafkaProducer, ProducerObserver } from "../../src/client/producer/KafkaProducer.ts";
import type { ProduceResult } from "../../src/client/producer/ProducerBatch.ts";
import { ProducerHost } from "../../src/client/producer/ProducerHost.ts";
import type { ProducerOptions } from "../../src/client/producer/ProducerOptions.ts";
import { FakeCluster } from "./fakeBroker.ts";
import { ConsumerHost } from "../../src/client/consumer/ConsumerHost.ts";
import type { ConsumerOptions } from "../../src/client/consumer/ConsumerOptions.ts";
import type { ConsumedRecord, SimpleConsumer } from "../../src/client/consumer/SimpleConsumer.ts";
import type { TopicPartition } from "../../src/protocol/records.ts";

export interface WorldOptions {
  readonly seed?: string;
  readonly brokers?: number;
  readonly topics?: Readonly<Record<string, number>>;
  readonly producer?: Partial<ProducerOptions>;
  readonly network?: Partial<NetworkOptions>;
  readonly trace?: TraceSink;
}

export interface ProducerWorld {
  readonly sim: Simulation;
  readonly cluster: FakeCluster;
  readonly producer: () => KafkaProducer;
  /** Results by value id, with the time the callback ran. */
  readonly results: Map<number, ProduceResult & { atMicros: Micros }>;
  /** Latencies the observer reported for acknowledged records. */
  readonly latencies: Micros[];
  /** Sends a record now (from outside the run) or at `atMicros`; value ids are the caller's. */
  send(valueId: number, options?: { topic?: string; key?: string | null; sizeBytes?: number; atMicros?: Micros }): void;
  runFor(micros: Micros): void;
  /** Fetches metadata for `topic` (and the producer id) so later sends are placed at once. */
  warmUp(topic?: string): void;
  /** Runs until `done` holds or `limitMicros` of simulated time passed; true if it held. */
  runUntil(done: () => boolean, limitMicros: Micros): boolean;
}

export function producerWorld(options: WorldOptions = {}): ProducerWorld {
  const sim = new Simulation({ seed: options.seed ?? "client-test", network: options.network, trace: options.trace });
  const cluster = new FakeCluster(sim, { brokers: options.brokers ?? 1, topics: options.topics ?? { test: 1 } });
  const results = new Map<number, ProduceResult & { atMicros: Micros }>();
  const latencies: Micros[] = [];
  const observer: ProducerObserver = { acknowledged: (_r, _t, _p, _o, latency) => latencies.push(latency) };
  const producerOptions = { bootstrapBrokers: cluster.brokerIds, ...options.producer };
  sim.addNode("producer-1", (ctx) => new ProducerHost(ctx, producerOptions, { observer }));
  const producer = (): KafkaProducer => (sim.node("producer-1").process as ProducerHost).producer;
  const world: ProducerWorld = {
    sim,
    cluster,
    producer,
    results,
    latencies,
    send(valueId, o = {}) {
      const act = () =>
        producer().send(
          { topic: o.topic ?? "test", key: o.key ?? null, valueId, sizeBytes: o.sizeBytes ?? 100 },
          (result) => {
            if (results.has(valueId)) throw new Error(`callback for value ${valueId} ran twice`);
            results.set(valueId, { ...result, atMicros: sim.now });
          },
        );
      if (o.atMicros === undefined) act();
      else sim.scheduleAt(o.atMicros, sim.label("test.send"), act);
    },
    warmUp(topic = "test") {
      producer().metadata.addTopic(topic);
      sim.run({ untilMicros: sim.now + 5_000 });
    },
    runFor(micros) {
      sim.run({ untilMicros: sim.now + micros });
    },
    runUntil(done, limitMicros) {
      const end = sim.now + limitMicros;
      while (!done()) {
        if (sim.now >= end) return false;
        sim.run({ untilMicros: Math.min(end, sim.now + 1_000), maxEvents: 10_000 });
      }
      return true;
    },
  };
  // Let the producer start (and fetch its producer id) before the test sends.
  sim.run({ untilMicros: 0 });
  return world;
}

export interface ConsumerProbe {
  readonly consumer: () => SimpleConsumer;
  readonly records: ConsumedRecord[];
  readonly errors: { tp: TopicPartition; error: string }[];
  /** The value ids delivered for one partition, in delivery order. */
  valueIds(partition?: number, topic?: string): number[];
}

/** Adds a simple consumer on node `consumer-<n>` with `assignment` (default test-0). */
export function addConsumer(
  world: { sim: Simulation; cluster: FakeCluster },
  options: Partial<ConsumerOptions> = {},
  assignment: readonly TopicPartition[] = [{ topic: "test", partition: 0 }],
  name = "consumer-1",
): ConsumerProbe {
  const records: ConsumedRecord[] = [];
  const errors: { tp: TopicPartition; error: string }[] = [];
  const handlers = { onRecords: (rs: readonly ConsumedRecord[]) => records.push(...rs), onError: (tp: TopicPartition, error: string) => errors.push({ tp, error }) };
  world.sim.addNode(name, (ctx) => new ConsumerHost(ctx, { bootstrapBrokers: world.cluster.brokerIds, ...options }, assignment, handlers));
  return {
    consumer: () => (world.sim.node(name).process as ConsumerHost).consumer,
    records,
    errors,
    valueIds: (partition = 0, topic = "test") =>
      records.filter((r) => r.topic === topic && r.partition === partition).map((r) => r.record.valueId),
  };
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
