/**
 * End to end: the leader-crash story (acks=all, min.insync.replicas=2, clean elections) run
 * by World, with a ReplicationChecker on every broker. World does not take a BrokerObserver
 * (yet: the lead wires it), so this test swaps in a Broker that passes the checker as its
 * observer, for every incarnation of every broker node. The unclean stories show the
 * checker finding the loss they are about (the lead decides which violations a scenario
 * expects).
 */
import { describe, expect, it, vi } from "vitest";
import type { BrokerObserver } from "../../../src/broker/ReplicaManager.ts";
import { ReplicationChecker } from "../../../src/check/replication/index.ts";
import { ViolationSink } from "../../../src/check/Violation.ts";
import { loadScenarioFile } from "../../../src/scenario/index.ts";
import { World } from "../../../src/world/World.ts";
import { brokerOn } from "../../../src/world/resolveSelector.ts";

const hook = vi.hoisted(() => ({ observer: {} as BrokerObserver, brokersBuilt: 0 }));

vi.mock(import("../../../src/broker/Broker.ts"), async (importOriginal) => {
  const mod = await importOriginal();
  class ObservedBroker extends mod.Broker {
    constructor(...[ctx, options, observer]: ConstructorParameters<typeof mod.Broker>) {
      super(ctx, options, observer ?? hook.observer);
      hook.brokersBuilt++;
    }
  }
  return { ...mod, Broker: ObservedBroker };
});

/** Runs a library scenario with a ReplicationChecker on every broker, and finishes it on the live brokers. */
function runChecked(file: string, seed = "1"): { checker: ReplicationChecker; sink: ViolationSink; built: number } {
  const loaded = loadScenarioFile(`scenarios/${file}`);
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const sink = new ViolationSink();
  let world: World | null = null;
  const partitionOf = (broker: number, topic: string, partition: number) =>
    world ? brokerOn(world.sim, world.brokerNodes[broker - 1]!)?.replicas.partition(topic, partition) : undefined;
  const checker = new ReplicationChecker(sink, {
    logOf: (b, t, p) => partitionOf(b, t, p)?.log,
    stateOf: (b, t, p) => partitionOf(b, t, p),
  });
  hook.observer = checker;
  const builtBefore = hook.brokersBuilt;
  world = new World(loaded.scenario, seed);
  world.run();
  const live = world.brokerNodes.flatMap((n) => brokerOn(world!.sim, n) ?? []);
  checker.finish(live, world.sim.now);
  return { checker, sink, built: hook.brokersBuilt - builtBefore };
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
