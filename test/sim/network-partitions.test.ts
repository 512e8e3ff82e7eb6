import { describe, expect, it } from "vitest";
import { collectTrace, seconds } from "../../sim/index.ts";
import { at, range, sendSeries, world } from "./helpers.ts";

describe("network: partitions", () => {
  it("a partition blocks both directions", () => {
    const { sim, rec } = world(["a", "b"]);
    sim.network.partition([["a"], ["b"]]);
    sendSeries(sim, "a", "b", 5);
    sendSeries(sim, "b", "a", 5);
    sim.run({ untilMicros: seconds(1) });
    expect(rec.received("a")).toEqual([]);
    expect(rec.received("b")).toEqual([]);
    expect(sim.network.isCut("a", "b")).toBe(true);
    expect(sim.network.isCut("b", "a")).toBe(true);
    // Held, not lost: TCP keeps them in flight.
    expect(sim.network.inFlight("a", "b")).toBe(5);
    expect(sim.network.inFlight("b", "a")).toBe(5);
  });

  it("a one-way partition blocks one direction only", () => {
    const { sim, rec } = world(["a", "b"]);
    sim.network.partitionOneWay(["a"], ["b"]);
    sendSeries(sim, "a", "b", 5);
    sendSeries(sim, "b", "a", 5);
    sim.run({ untilMicros: seconds(1) });
    expect(rec.numbers("b")).toEqual([]);
    expect(rec.numbers("a")).toEqual(range(5));
    expect(sim.network.isCut("a", "b")).toBe(true);
    expect(sim.network.isCut("b", "a")).toBe(false);
  });

  it("a partition cuts between groups only: inside a group and for nodes in no group, traffic flows", () => {
    const { sim, rec } = world(["a1", "a2", "b1", "c"]);
    sim.network.partition([["a1", "a2"], ["b1"]]);
    sendSeries(sim, "a1", "a2", 3);
    sendSeries(sim, "a1", "b1", 3);
    sendSeries(sim, "c", "a1", 3);
    sendSeries(sim, "b1", "c", 3);
    sim.run({ untilMicros: seconds(1) });
    expect(rec.numbers("a2", "a1")).toEqual([0, 1, 2]);
    expect(rec.numbers("b1", "a1")).toEqual([]);
    expect(rec.numbers("a1", "c")).toEqual([0, 1, 2]);
    expect(rec.numbers("c", "b1")).toEqual([0, 1, 2]);
  });

  it("isolating a node cuts it off from everyone, both ways", () => {
    const { sim, rec } = world(["a", "b", "c"]);
    sim.network.isolate("c");
    sendSeries(sim, "a", "c", 2);
    sendSeries(sim, "c", "b", 2);
    sendSeries(sim, "a", "b", 2);
    sim.run({ untilMicros: seconds(1) });
    expect(rec.received("c")).toEqual([]);
    expect(rec.numbers("b", "c")).toEqual([]);
    expect(rec.numbers("b", "a")).toEqual([0, 1]);
  });

  it("heal restores delivery: held messages arrive after the heal, in order, followed by new ones", () => {
    const { sim, rec } = world(["a", "b"], { network: { jitterMicros: 500 } });
    sim.network.partition([["a"], ["b"]]);
    sendSeries(sim, "a", "b", 50, 0, 1_000);
    at(sim, seconds(2), () => sim.network.heal());
    sendSeries(sim, "a", "b", 1, seconds(3)); // a new message after the heal
    sim.run();
    const got = rec.received("b");
    expect(got.map((s) => s.n)).toEqual([...range(50), 0]);
    expect(Math.min(...got.map((s) => s.at))).toBeGreaterThan(seconds(2));
    expect(sim.network.isCut("a", "b")).toBe(false);
    expect(rec.resets("a")).toEqual([]);
    expect(rec.resets("b")).toEqual([]);
  });

  it("a partition that heals before a message's arrival does not disturb it", () => {
    const { sim, rec } = world(["a", "b"], { network: { latencyMicros: 10_000, jitterMicros: 0 } });
    sendSeries(sim, "a", "b", 1, 0);
    at(sim, 2_000, () => sim.network.partition([["a"], ["b"]]));
    at(sim, 5_000, () => sim.network.heal());
    sim.run();
    expect(rec.received("b").map((s) => s.at)).toEqual([10_001]);
  });

  it("every partition verb is in the trace", () => {
    const trace = collectTrace();
    const { sim } = world(["a", "b"], { trace: trace.sink });
    at(sim, 1, () => sim.network.partition([["a"], ["b"]]));
    at(sim, 2, () => sim.network.partitionOneWay(["a"], ["b"]));
    at(sim, 3, () => sim.network.isolate("a"));
    at(sim, 4, () => sim.network.heal());
    sim.run();
    const kinds = trace.events.filter((e) => e.kind !== "event").map((e) => [e.at, e.kind]);
    expect(kinds).toEqual([
      [1, "partition"],
      [2, "partition-one-way"],
      [3, "isolate"],
      [4, "heal"],
    ]);
  });
});

describe("network: a long partition", () => {
  const stallResetMicros = seconds(1);

  it("a connection stalled across a long partition is reset after stallResetMicros, and both ends learn at once", () => {
    const { sim, rec } = world(["a", "b"], { network: { stallResetMicros, jitterMicros: 0 } });
    sim.network.partition([["a"], ["b"]]);
    sendSeries(sim, "a", "b", 3, 10_000);
    at(sim, seconds(5), () => sim.network.heal());
    sim.run();
    // The head reached the cut link at 10_000 + 1 + 250 and stalled there.
    const stalledAt = 10_251;
    expect(rec.resets("a").map((s) => [s.at, s.from])).toEqual([[stalledAt + stallResetMicros, "b"]]);
    expect(rec.resets("b").map((s) => [s.at, s.from])).toEqual([[stalledAt + stallResetMicros, "a"]]);
    // The reset dropped what was in flight: the heal delivers nothing.
    expect(rec.received("b")).toEqual([]);
    expect(sim.network.inFlight("a", "b")).toBe(0);
  });

  it("a partition shorter than stallResetMicros only delays the connection", () => {
    const { sim, rec } = world(["a", "b"], { network: { stallResetMicros, jitterMicros: 0 } });
    sim.network.partition([["a"], ["b"]]);
    sendSeries(sim, "a", "b", 3, 10_000);
    at(sim, seconds(0.9), () => sim.network.heal());
    sim.run({ untilMicros: seconds(5) });
    expect(rec.numbers("b")).toEqual([0, 1, 2]);
    expect(rec.resets("a")).toEqual([]);
    expect(rec.resets("b")).toEqual([]);
  });

  it("a connection healed and cut again gets a fresh stallResetMicros", () => {
    const { sim, rec } = world(["a", "b"], { network: { stallResetMicros, jitterMicros: 0 } });
    sim.network.partition([["a"], ["b"]]);
    sendSeries(sim, "a", "b", 1, 0);
    // Heal, then cut again before the retransmission gets through.
    at(sim, seconds(0.9), () => {
      sim.network.heal();
      sim.network.partition([["a"], ["b"]]);
    });
    sim.run({ untilMicros: seconds(10) });
    const resets = rec.resets("a").map((s) => s.at);
    expect(resets).toHaveLength(1);
    expect(resets[0]!).toBeGreaterThan(seconds(1.9));
  });
});
