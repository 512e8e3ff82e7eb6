/**
 * End to end: library stories run by World, whose brokers (every incarnation) report to
 * its ReplicationChecker; the checker is finished on the live brokers at the end. The
 * unclean stories show it finding the loss they are about.
 */
import { describe, expect, it } from "vitest";
import type { ReplicationChecker } from "../../../src/check/replication/index.ts";
import type { ViolationSink } from "../../../src/check/Violation.ts";
import { loadScenarioFile } from "../../../src/scenario/index.ts";
import { World } from "../../../src/world/World.ts";
import { brokerOn } from "../../../src/world/resolveSelector.ts";

/** Runs a library scenario and finishes its replication checker on the live brokers. */
function runChecked(file: string, seed = "1"): { checker: ReplicationChecker; sink: ViolationSink; built: number } {
  const loaded = loadScenarioFile(`scenarios/${file}`);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const world = new World(loaded.scenario, seed);
  world.run();
  const live = world.brokerNodes.flatMap((n) => brokerOn(world.sim, n) ?? []);
  world.replication.finish(live, world.sim.now);
  const built = world.brokerNodes.reduce((n, node) => n + world.sim.node(node).incarnation, 0);
  return { checker: world.replication, sink: world.violations, built };
}

describe("replication checker on whole runs", () => {
  it("leader-crash (acks=all, clean election): the follower that takes over has every committed record, and no invariant breaks", () => {
    const { checker, sink, built } = runChecked("leader-crash.yaml");
    expect(built).toBeGreaterThanOrEqual(4); // three brokers and the crashed one's restart
    // The crash moved the leadership of orders/0: at least two epochs, with different leaders.
    const epochs = checker.leadersByEpoch("orders", 0);
    expect(new Set(epochs.map(([, b]) => b)).size).toBeGreaterThanOrEqual(2);
    // Tens of thousands of records were committed and followed.
    for (let p = 0; p < 3; p++) expect(checker.committedEnd("orders", p)).toBeGreaterThan(10_000);
    expect(sink.list()).toEqual([]);
  });

  it.each(["unclean-election.yaml", "jepsen-2013.yaml"])(
    "%s: the out-of-sync replica elected leader lacks committed records, and leader-completeness says which",
    (file) => {
      const { sink } = runChecked(file);
      expect(sink.list().map((v) => v.invariant)).toEqual(["leader-completeness"]);
      const [v] = sink.list();
      expect(v!.count).toBeGreaterThan(100);
      const first = v!.examples[0]!;
      expect(first).toMatchObject({ topic: "orders", partition: 0 });
      expect(first.valueId).toBeGreaterThan(0);
      expect(first.producerSequence).toBe(first.valueId! % 1_000_000_000);
      expect(first.detail).toMatch(/has nothing|has value/);
    },
  );

  it("jepsen-2013-fixed (min.insync.replicas=2, clean elections): no invariant breaks", () => {
    const { checker, sink } = runChecked("jepsen-2013-fixed.yaml");
    expect(checker.committedEnd("orders", 0)).toBeGreaterThan(0);
    expect(sink.list()).toEqual([]);
  });
});
