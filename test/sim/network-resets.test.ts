import { describe, expect, it } from "vitest";
import { collectTrace, millis, seconds } from "../../sim/index.ts";
import { at, numbered, sendSeries, world } from "./helpers.ts";

const slowLink = { latencyMicros: millis(10), jitterMicros: 0 };

describe("network: resets", () => {
  it("a reset drops what was in flight either way, and both ends learn of it", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 10, 0, 100);
    sendSeries(sim, "b", "a", 10, 0, 100);
    at(sim, millis(5), () => sim.network.reset("a", "b"));
    sim.run();
    expect(rec.received("a")).toEqual([]);
    expect(rec.received("b")).toEqual([]);
    expect(rec.resets("a").map((s) => [s.at, s.from])).toEqual([[millis(5), "b"]]);
    expect(rec.resets("b").map((s) => [s.at, s.from])).toEqual([[millis(5), "a"]]);
  });

  it("after a reset, new messages go over a new connection", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 3, 0);
    at(sim, millis(5), () => sim.network.reset("a", "b"));
    at(sim, millis(6), () => sim.node("a").context.send("b", numbered(99)));
    sim.run();
    expect(rec.numbers("b")).toEqual([99]);
  });

  it("the trace says how many messages a reset lost", () => {
    const trace = collectTrace();
    const { sim } = world(["a", "b"], { network: slowLink, trace: trace.sink });
    sendSeries(sim, "a", "b", 4, 0);
    sendSeries(sim, "b", "a", 3, 0);
    at(sim, millis(5), () => sim.network.reset("a", "b"));
    sim.run();
    const resets = trace.events.filter((e) => e.kind === "connection-reset");
    expect(resets).toEqual([{ at: millis(5), kind: "connection-reset", node: "a", peer: "b", reason: "reset", lost: 7 }]);
  });

  it("a process closing a connection drops its in-flight messages and both ends are told", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 3, 0);
    at(sim, millis(1), () => sim.node("b").context.closeConnection("a"));
    sim.run();
    expect(rec.received("b")).toEqual([]);
    expect(rec.resets("a").map((s) => s.from)).toEqual(["b"]);
    expect(rec.resets("b").map((s) => s.from)).toEqual(["a"]);
  });

  it("a reset across a cut link reaches the far end only when the link heals", () => {
    const { sim, rec } = world(["a", "b"], { network: { jitterMicros: 0 } });
    at(sim, 0, () => sim.network.partitionOneWay(["a"], ["b"]));
    at(sim, millis(1), () => sim.network.reset("a", "b"));
    at(sim, millis(50), () => sim.network.heal());
    sim.run();
    expect(rec.resets("a").map((s) => s.at)).toEqual([millis(1)]);
    expect(rec.resets("b").map((s) => s.at)).toEqual([millis(50)]);
  });
});

describe("network: crashes", () => {
  it("a crash resets the node's connections and the peer learns", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 5, 0, 100);
    at(sim, millis(5), () => sim.node("b").crash());
    sim.run();
    expect(rec.received("b")).toEqual([]);
    expect(rec.resets("a").map((s) => [s.at, s.from])).toEqual([[millis(5), "b"]]);
    expect(sim.network.inFlight("a", "b")).toBe(0);
  });

  it("a sender's crash drops what it had in flight, and the receiver learns", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 5, 0, 100);
    at(sim, millis(5), () => sim.node("a").crash());
    sim.run();
    expect(rec.received("b")).toEqual([]);
    expect(rec.resets("b").map((s) => s.from)).toEqual(["a"]);
  });

  it("messages in flight to a crashed node are never delivered to its next incarnation", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 5, 0, 100);
    at(sim, millis(5), () => sim.node("b").crash());
    at(sim, millis(6), () => sim.node("b").restart());
    at(sim, millis(7), () => sim.node("a").context.send("b", numbered(42)));
    sim.run();
    expect(rec.numbers("b")).toEqual([42]);
    expect(rec.received("b")[0]!.incarnation).toBe(sim.node("b").incarnation);
  });

  it("a message to a node that is down is refused: the sender's connection resets", () => {
    const { sim, rec } = world(["a", "b"], { network: { jitterMicros: 0 } });
    at(sim, 0, () => sim.node("b").crash());
    sendSeries(sim, "a", "b", 2, 10);
    sim.run();
    expect(rec.resets("a").map((s) => s.from)).toEqual(["b"]);
    expect(rec.received("b")).toEqual([]);
  });

  it("a peer partitioned from a crashed node learns of the crash when the partition heals", () => {
    const { sim, rec } = world(["a", "b"], { network: slowLink });
    sendSeries(sim, "a", "b", 1, 0);
    at(sim, millis(1), () => sim.network.partition([["a"], ["b"]]));
    at(sim, millis(2), () => sim.node("b").crash());
    at(sim, seconds(2), () => sim.network.heal());
    sim.run();
    expect(rec.resets("a").map((s) => s.at)).toEqual([seconds(2)]);
  });

  it("nodes that never talked to the crashed one hear nothing", () => {
    const { sim, rec } = world(["a", "b", "c"], { network: slowLink });
    sendSeries(sim, "a", "b", 1, 0);
    at(sim, millis(1), () => sim.node("b").crash());
    sim.run();
    expect(rec.resets("a")).toHaveLength(1);
    expect(rec.resets("c")).toEqual([]);
  });
});
