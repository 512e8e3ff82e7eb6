import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/scenario/index.ts";
import { runScenario } from "../../../src/cli/runScenario.ts";

// Found by fuzzing: the controller's machine (also the leader of a partition) loses power and
// comes back before its old session has expired, so no controller ever saw it go. The next
// controller must take brokers that are not registered out of the ISRs at failover (Kafka's
// replica state machine runs before its partition state machine), else the power-lossed
// broker keeps leading with the empty log its disk kept, and its followers truncate to it.
const STORY = `
duration: 30s
settle: 60s
network: { latency: 1ms, jitter: 200us }
cluster:
  brokers: 3
  ensemble: 3
  config: { min.insync.replicas: 2, replica.lag.time.max.ms: 5000, offsets.topic.num.partitions: 3 }
topics: [{ name: orders, partitions: 3, replication.factor: 3 }]
producers: [{ topic: orders, rate: 500, keys: 100, config: { acks: all } }]
consumers:
  - { name: app, topic: orders, count: 2, processing: 1ms, commit: after-processing, config: { group.id: billing, auto.offset.reset: earliest, session.timeout.ms: 10000 } }
faults:
  - { at: 3s, crash: leader(orders/0), for: 6s }
  - { at: 8s, partition: [[leader(orders/1)], [rest]], for: 5s }
  - { at: 14s, lossy-crash: controller, for: 4s }
  - { at: 18s, pause: app-1, for: 12s }
  - { at: 20s, crash: ensemble-leader, for: 5s }
  - { at: 22s, crash: coordinator(billing), for: 5s }
`;

describe("controller failover: replicas on unregistered brokers leave the ISR first", () => {
  it("a controller that lost power and came back unnoticed does not keep leading with an empty log", () => {
    const r = parseScenario(STORY, "failover.yaml");
    if (!r.ok) throw new Error(r.errors.map((e) => e.message).join("\n"));
    for (const seed of ["11", "16", "30"]) {
      const summary = runScenario(r.scenario, seed);
      expect([seed, summary.lostAcked, summary.violations.filter((v) => v.invariant === "leader-completeness")]).toEqual([seed, 0, []]);
    }
  });
});
