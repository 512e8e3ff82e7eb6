import { describe, expect, it } from "vitest";
import { runScenario } from "../../../src/cli/runScenario.ts";
import { parseScenario } from "../../../src/scenario/index.ts";

const failover = (profile: string) => `
profile: "${profile}"
duration: 20s
settle: 30s
cluster:
  brokers: 3
  ensemble: 3
  config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 6000 }
topics: [{ name: orders, partitions: 60, replication.factor: 3 }]
producers: [{ topic: orders, rate: 200, keys: 1000, config: { acks: all } }]
faults:
  - { at: 2s, crash: broker-2, for: 12s }
`;

function run(profile: string) {
  const loaded = parseScenario(failover(profile), `failover-${profile}.yaml`);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return runScenario(loaded.scenario, "1");
}

describe("the controller's partition-state writes after a broker failure", () => {
  it("go one after the other before Kafka 1.1 and pipelined after (KAFKA-5642): a failover over 60 partitions ends sooner", () => {
    const serial = run("0.11");
    const pipelined = run("3.x");
    expect(serial.violations).toEqual([]);
    expect(pipelined.violations).toEqual([]);
    // The session expiry is the same for both; the serial writes (a round trip and an fsync each) add up on top of it.
    expect(pipelined.longestUnavailableMs).toBeLessThan(serial.longestUnavailableMs - 100);
    expect(pipelined.unavailableMs).toBeLessThan(serial.unavailableMs);
  });
});
