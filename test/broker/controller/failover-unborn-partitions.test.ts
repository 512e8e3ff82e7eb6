import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/cli/runScenario.ts";
import { parseScenario } from "../../../src/scenario/index.ts";

/** fuzz.yaml's cluster: on seed 222 the admin creates the topic just before the first controller's failover reads it. */
const CLUSTER = `
duration: 3s
settle: 20s
network: { latency: 1ms, jitter: 200us }
cluster:
  brokers: 3
  ensemble: 3
  config: { min.insync.replicas: 2, offsets.topic.num.partitions: 3 }
topics: [{ name: orders, partitions: 3, replication.factor: 3 }]
producers: [{ topic: orders, rate: 500, keys: 100, config: { acks: all } }]
`;

describe("a controller's failover", () => {
  it("gives a first leader to partitions assigned but with no state yet (a topic created just before it), as Kafka's partition state machine does at startup", () => {
    const loaded = parseScenario(CLUSTER, "unborn.yaml");
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
    const summary = runScenario(loaded.scenario, "222");
    expect(summary.bootstrapped).toBe(true);
    expect(summary.violations).toEqual([]);
  });
});
