import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario, type Scenario } from "../../src/scenario/index.ts";
import { loadPhaseSteps } from "../../src/world/unavailability.ts";
import { World } from "../../src/world/World.ts";

function scenario(text: string): Scenario {
  const result = parseScenario(text, "unavailability.yaml");
  if (!result.ok) throw new Error(result.errors.map((e) => e.message).join("\n"));
  return result.scenario;
}

/** RF 3 on three brokers, a 6 s coordination session: the controller moves a dead broker's leaderships after it. */
const cluster = (faults: string, acks = "all", extra = "") => `
name: unavailability
duration: 14s
settle: 20s
cluster: { brokers: 3, ensemble: 1, config: { min.insync.replicas: 2, zookeeper.session.timeout.ms: 6000${extra} } }
topics: [{ name: t, partitions: 2, replication.factor: 3 }]
producers: [{ topic: t, rate: 200, config: { acks: ${acks} } }]
faults: ${faults}
`;

describe("unavailability: how long producers could not write", () => {
  it("a run without faults has none", () => {
    const summary = runScenario(scenario(cluster("[]")), "1");
    expect(summary.unavailableMs).toBe(0);
    expect(summary.longestUnavailableMs).toBe(0);
  });

  it("a leader crash with RF 3 leaves its partition without a leader for about the session timeout plus the election", () => {
    const world = new World(scenario(cluster("[{ at: 2s, crash: leader(t/0), for: 10s }]")), "1");
    const phases = world.run();
    const report = world.unavailability.report();
    // Only t/0 lost its leader (the crashed broker may have led t/1 too: then it has a window of its own).
    const t0 = report.windows.filter((w) => w.topic === "t" && w.partition === 0);
    expect(t0).toHaveLength(1);
    const w = t0[0]!;
    expect(w.reason).toBe("no-leader");
    expect(w.fromMicros - phases.loadStartMicros).toBe(2_000_000); // the crash itself, not a sample near it
    const lengthMs = (w.toMicros! - w.fromMicros) / 1000;
    // The session expires within its timeout (the last heartbeat came before the crash), then the controller elects.
    expect(lengthMs).toBeGreaterThan(4_000);
    expect(lengthMs).toBeLessThan(8_000); // long before the broker's return at 10 s
    expect(report.longestUnavailableMs).toBeGreaterThanOrEqual(Math.round(lengthMs) - 1);
  });

  it("a crashed follower makes acks=all refuse writes once the ISR shrinks below min.insync.replicas; acks=1 writes on", () => {
    // RF 2: one follower gone leaves an ISR of one, below min.insync.replicas=2 (after replica.lag.time.max.ms).
    // One partition, so the crashed broker leads nothing counted.
    const rf2 = (acks: string) =>
      cluster("[{ at: 2s, crash: follower(t/0), for: 8s }]", acks, ", replica.lag.time.max.ms: 2000").replace("partitions: 2, replication.factor: 3", "partitions: 1, replication.factor: 2");
    const all = new World(scenario(rf2("all")), "2");
    all.run();
    const refused = all.unavailability.report().windows.filter((w) => w.reason === "not-enough-replicas");
    expect(refused.length).toBeGreaterThan(0);
    expect(all.unavailability.report().unavailableMs).toBeGreaterThan(2_000);
    const one = runScenario(scenario(rf2("1")), "2");
    expect(one.unavailableMs).toBe(0);
  });

  it("a leader cut off from everyone is unreachable for producers from the moment of the cut until another broker leads", () => {
    const world = new World(scenario(cluster("[{ at: 2s, isolate: leader(t/0), for: 10s }]")), "3");
    const phases = world.run();
    const t0 = world.unavailability.report().windows.filter((w) => w.topic === "t" && w.partition === 0);
    expect(t0.map((w) => w.reason)).toEqual(["leader-unreachable"]);
    expect(t0[0]!.fromMicros - phases.loadStartMicros).toBe(2_000_000);
    const lengthMs = (t0[0]!.toMicros! - t0[0]!.fromMicros) / 1000;
    expect(lengthMs).toBeGreaterThan(4_000); // the session must expire first
    expect(lengthMs).toBeLessThan(8_000); // well before the heal at 12 s
  });

  it("the load phase runs in steps at the fault schedule's times (and their undo), ending at the end", () => {
    const s = scenario(cluster("[{ at: 2s, crash: leader(t/0), for: 3s }, { at: 0s, pause: broker-2 }, { at: 13s, restart: broker-1 }]"));
    expect(loadPhaseSteps(s.faults, 1_000, 1_000 + 14_000_000)).toEqual([1_000, 2_001_000, 5_001_000, 13_001_000, 14_001_000]);
  });
});
