import { describe, expect, it } from "vitest";
import { Simulation } from "../../sim/index.ts";
import { RECORD_OVERHEAD_BYTES, type ProducerObserver } from "../../src/client/producer/KafkaProducer.ts";
import { ProducerWorkload } from "../../src/workload/ProducerWorkload.ts";
import { FakeCluster } from "../client/fakeBroker.ts";

/** Every record a keyed workload sends, as the producer's observer sees it at send(). */
function sentByWorkload(keys: number): { key: string | null; sizeBytes: number }[] {
  const sim = new Simulation({ seed: "workload-keys" });
  const cluster = new FakeCluster(sim, { brokers: 1, topics: { events: 3 } });
  const sent: { key: string | null; sizeBytes: number }[] = [];
  const observer: ProducerObserver = { sent: (_topic, key, _valueId, sizeBytes) => sent.push({ key, sizeBytes }) };
  const load = { topic: "events", ratePerSec: 10_000, poisson: false, messageSizeBytes: 100, keys, stopAtMicros: 20_000 };
  sim.addNode("producer-1", (ctx) => new ProducerWorkload(ctx, 1, load, { bootstrapBrokers: cluster.brokerIds }, observer));
  sim.run({ untilMicros: 50_000 });
  return sent;
}

describe("workload: keyed records", () => {
  it("a record's size counts its key's bytes whether the workload keeps its key names (few keys) or makes them per send (many)", () => {
    for (const keys of [5, 100_000]) {
      const sent = sentByWorkload(keys);
      expect(sent.length).toBeGreaterThan(100);
      for (const r of sent) {
        expect(r.key).toMatch(/^key-\d+$/);
        expect(r.sizeBytes).toBe(100 + r.key!.length + RECORD_OVERHEAD_BYTES);
      }
    }
  });
});
