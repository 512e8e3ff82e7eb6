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

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, i) => from + i);
