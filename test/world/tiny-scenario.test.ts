import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario, type Scenario } from "../../src/scenario/index.ts";
import { brokerOn } from "../../src/world/resolveSelector.ts";
import { World } from "../../src/world/World.ts";
import { valueIds } from "../broker/harness.ts";

function scenario(text: string): Scenario {
  const result = parseScenario(text, "tiny.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.scenario;
}

const TINY = `
name: tiny
duration: 3s
settle: 5s
cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2 } }
topics: [{ name: t, partitions: 2, replication.factor: 3 }]
producers: [{ topic: t, rate: 200, config: { acks: all } }]
`;

describe("end to end: a tiny cluster, no faults", () => {
  it("every record sent is acknowledged, once, and is in the final committed log of its partition", () => {
    const world = new World(scenario(TINY), "1");
    const phases = world.run();
    expect(phases.bootstrapped).toBe(true);
    const ledger = world.ledger;
    expect(ledger.sent).toBeGreaterThan(400);
    expect(ledger.acked).toBe(ledger.sent);
    expect(ledger.failed).toBe(0);
    const committed = world.committedValues();
    const losses = ledger.losses(committed);
    expect(losses.lostAcked).toBe(0);
    expect(losses.duplicated).toBe(0);
    const total = [...committed.values()].reduce((n, values) => n + (values?.size ?? 0), 0);
    expect(total).toBe(ledger.acked);
    expect(ledger.partitionsWritten()).toEqual(["t-0", "t-1"]);
  });

  it("after the settle phase every replica holds the same records, and has the leader's high watermark", () => {
    const world = new World(scenario(TINY), "2");
    world.run();
    for (const p of [0, 1]) {
      const replicas = world.brokerNodes.map((node) => brokerOn(world.sim, node)!.replicas.partition("t", p)!);
      const leader = replicas.find((r) => r.isLeader)!;
      expect([...leader.isr].sort()).toEqual([1, 2, 3]);
      for (const r of replicas) {
        expect(valueIds(r.log)).toEqual(valueIds(leader.log));
        expect(r.highWatermark).toBe(leader.highWatermark);
      }
    }
  });

  it("runScenario judges it: ok, nothing lost, a fingerprint", () => {
    const summary = runScenario(scenario(TINY), "1");
    expect(summary).toMatchObject({ ok: true, lostAcked: 0, failed: 0, bootstrapped: true });
    expect(summary.acked).toBe(summary.sent);
    expect(summary.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("end to end: a tiny cluster whose leader crashes", () => {
  // The controller notices the crash when the broker's session expires (6 s), well before it returns.
  const CRASH = `
name: tiny-crash
duration: 10s
settle: 10s
cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 6000 } }
topics: [{ name: t, partitions: 1, replication.factor: 3 }]
producers: [{ topic: t, rate: 200, config: { acks: all } }]
faults: [{ at: 1s, crash: "leader(t/0)", for: 8s }]
`;

  it("acks=all with min.insync.replicas=2 loses nothing acknowledged; another replica takes over and the returning broker catches up", () => {
    const world = new World(scenario(CRASH), "3");
    world.run();
    expect(world.ledger.acked).toBeGreaterThan(1000);
    expect(world.ledger.losses(world.committedValues()).lostAcked).toBe(0);
    const replicas = world.brokerNodes.map((node) => brokerOn(world.sim, node)!.replicas.partition("t", 0)!);
    const leader = replicas.find((r) => r.isLeader)!;
    expect(leader.leaderEpoch).toBeGreaterThan(0);
    expect([...leader.isr].sort()).toEqual([1, 2, 3]);
    for (const r of replicas) expect(valueIds(r.log)).toEqual(valueIds(leader.log));
  });
});
