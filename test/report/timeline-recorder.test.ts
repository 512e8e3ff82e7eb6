import { describe, expect, it } from "vitest";
import type { TraceEvent } from "../../sim/index.ts";
import { TimelineRecorder } from "../../src/report/TimelineRecorder.ts";

function recorder(): TimelineRecorder {
  return new TimelineRecorder({ brokerNodes: ["broker-1", "broker-2", "broker-3"], ensembleNodes: ["zk-1"], clientNodes: ["app-1"], topics: ["orders"] });
}

function feed(r: TimelineRecorder, events: TraceEvent[]): void {
  for (const e of events) r.sink(e);
}

const values = <V>(lane: { stretches: readonly { fromMicros: number; toMicros: number; value: V }[] } | undefined) => lane?.stretches.map((s) => [s.fromMicros, s.toMicros, s.value]);

describe("the timeline recorder reads the run's trace", () => {
  it("a leader's ISR shrink shows at once and is undone when the coordination store refuses it", () => {
    const r = recorder();
    feed(r, [
      { at: 10, kind: "broker.leader", node: "broker-2", partition: "orders-0", leaderEpoch: 0, isr: [2, 1, 3] },
      { at: 20, kind: "broker.isr-shrink", node: "broker-2", partition: "orders-0", from: [2, 1, 3], to: [2, 1] },
      { at: 30, kind: "broker.isr-update-failed", node: "broker-2", partition: "orders-0", error: "BADVERSION" },
      // A stale leader's proposals and older epochs change nothing.
      { at: 40, kind: "broker.isr-shrink", node: "broker-1", partition: "orders-0", from: [2, 1, 3], to: [1] },
      { at: 50, kind: "controller.leadership", node: "broker-1", partition: "orders-0", leader: 3, leaderEpoch: 1, isr: [3], unclean: true },
      { at: 60, kind: "broker.leader", node: "broker-2", partition: "orders-0", leaderEpoch: 0, isr: [2] },
      // Internal topics are left out.
      { at: 70, kind: "broker.leader", node: "broker-1", partition: "__consumer_offsets-0", leaderEpoch: 0, isr: [1] },
    ]);
    r.finish(100);
    expect(values(r.partitions.get("orders-0"))).toEqual([
      [10, 20, { leader: 2, epoch: 0, isr: [2, 1, 3], unclean: false }],
      [20, 30, { leader: 2, epoch: 0, isr: [2, 1], unclean: false }],
      [30, 50, { leader: 2, epoch: 0, isr: [2, 1, 3], unclean: false }],
      [50, 100, { leader: 3, epoch: 1, isr: [3], unclean: true }],
    ]);
    expect([...r.partitions.keys()]).toEqual(["orders-0"]);
  });

  it("nodes go down, pause and come back; a partition cuts nodes off until the heal; the crashed ensemble leader leaves no leader", () => {
    const r = recorder();
    feed(r, [
      { at: 5, kind: "zab.established", node: "zk-1", epoch: 1 },
      { at: 10, kind: "crash", node: "broker-1", mode: "machine" },
      { at: 15, kind: "partition", groups: [["broker-2"], ["broker-3", "zk-1"]] },
      { at: 20, kind: "restart", node: "broker-1" },
      { at: 25, kind: "pause", node: "zk-1" },
      { at: 30, kind: "heal" },
      { at: 35, kind: "resume", node: "zk-1" },
    ]);
    r.finish(50);
    expect(values(r.nodes.get("broker-1"))!.map(([from, to, v]) => [from, to, (v as { state: string }).state])).toEqual([[0, 10, "up"], [10, 20, "down"], [20, 50, "up"]]);
    expect(values(r.marks.get("broker-2")?.get("partitioned"))).toEqual([[15, 30, "cut off from broker-3, zk-1"]]);
    expect(values(r.ensembleLeader)).toEqual([[5, 25, { leader: "zk-1", epoch: 1 }], [25, 50, { leader: null, epoch: null }]]);
  });
});
