import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { GROUP, groupWorld } from "./groupHarness.ts";
import { addConsumer, producerWorld, range, type ProducerWorld } from "./harness.ts";

/**
 * The consumer has read offsets 0-9 (epoch 0) from broker 1. Broker 2 becomes leader in
 * epoch 1 with a log that ends at 6 (an unclean election: offsets 6-9 are gone), and new
 * records land at 6-11. Returns the world and the consumer once it has read what it will.
 */
function uncleanElectionUnderAConsumer(options: { validatePositions: boolean; autoOffsetReset?: "earliest" | "none" }) {
  const w: ProducerWorld = producerWorld({ brokers: 2 });
  const p = w.cluster.partition("test", 0);
  p.appendDirect([0, 1, 2, 3, 4, 5]);
  p.appendDirect([6, 7, 8, 9]);
  const c = addConsumer(w, { autoOffsetReset: options.autoOffsetReset ?? "earliest", fetchMaxWaitMicros: millis(100), validatePositions: options.validatePositions });
  if (options.autoOffsetReset === "none") {
    w.runFor(millis(1)); // the consumer starts (and stops with NO_OFFSET: no position yet)
    c.consumer().seek({ topic: "test", partition: 0 }, 0);
  }
  expect(w.runUntil(() => c.records.length === 10, seconds(1))).toBe(true);
  p.batches.length = 1; // the new leader's log: offsets 0-5
  w.cluster.moveLeader("test", 0, 2);
  p.appendDirect([106, 107, 108, 109, 110, 111]); // offsets 6-11, epoch 1
  w.runFor(seconds(2));
  return { w, c };
}

describe("consumer: positions checked after a leader change (KIP-320, Kafka 2.3+)", () => {
  it("a consumer past the new leader's log end moves back to where the logs diverge and reads the records written since, none skipped", () => {
    const { w, c } = uncleanElectionUnderAConsumer({ validatePositions: true });
    expect(c.records.slice(10).map((r) => [r.offset, r.record.valueId])).toEqual([
      [6, 106],
      [7, 107],
      [8, 108],
      [9, 109],
      [10, 110],
      [11, 111],
    ]);
    expect(c.consumer().stats.truncations).toBe(1);
    const asked = w.cluster.requestsOf("kafka.offsets-for-leader-epoch");
    expect(asked).toHaveLength(1);
    expect(asked[0]!.partitions[0]).toMatchObject({ leaderEpoch: 0, currentLeaderEpoch: 1 });
  });

  it("without it (before 2.3) the consumer fetches on at its position and skips the new records below it", () => {
    const { w, c } = uncleanElectionUnderAConsumer({ validatePositions: false });
    expect(c.records.slice(10).map((r) => r.offset)).toEqual([10, 11]);
    expect(w.cluster.requestsOf("kafka.offsets-for-leader-epoch")).toHaveLength(0);
  });

  it("auto.offset.reset=none stops the partition with LOG_TRUNCATION instead of moving back", () => {
    const { c } = uncleanElectionUnderAConsumer({ validatePositions: true, autoOffsetReset: "none" });
    expect(c.records).toHaveLength(10);
    expect(c.errors.map((e) => e.error)).toEqual(["NO_OFFSET", "LOG_TRUNCATION"]);
  });

  it("a leader change over the same log costs one OffsetsForLeaderEpoch round trip and leaves the position where it was", () => {
    const w = producerWorld({ brokers: 2 });
    const p = w.cluster.partition("test", 0);
    p.appendDirect([1, 2, 3]);
    const c = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(100) });
    expect(w.runUntil(() => c.records.length === 3, seconds(1))).toBe(true);
    w.cluster.moveLeader("test", 0, 2);
    p.appendDirect([4]);
    expect(w.runUntil(() => c.records.length === 4, seconds(2))).toBe(true);
    expect(c.valueIds()).toEqual([1, 2, 3, 4]);
    expect(w.cluster.requestsOf("kafka.offsets-for-leader-epoch")).toHaveLength(1);
    expect(c.consumer().stats.truncations).toBe(0);
  });
});

describe("group consumer: a committed position checked against the leader (KIP-320's committed leader epoch)", () => {
  it("a member that restarts from a commit past the new leader's log end moves back to where the logs diverge, and processes the records written since", () => {
    const w = groupWorld({ topics: { test: 1 }, brokers: 2 });
    w.fill("test", 30);
    const member = { consumer: { sessionTimeoutMicros: seconds(10) }, host: { commitMode: "after-processing" as const } };
    w.addMember("member-1", member);
    expect(w.runUntil(() => w.cluster.groups.group(GROUP).committed("test", 0) === 30, seconds(10))).toBe(true);
    w.sim.node("member-1").crash();
    // An unclean election: the new leader's log ends at 20, and new records land at 20-34.
    const p = w.cluster.partition("test", 0);
    p.batches.length = 20;
    w.cluster.moveLeader("test", 0, 2);
    p.appendDirect(range(15, 100), w.sim.now);
    w.sim.node("member-1").restart();
    expect(w.runUntil(() => w.processedIds().length === 45, seconds(30))).toBe(true);
    expect(w.processedIds().slice(30)).toEqual(range(15, 100));
    expect(w.cluster.requestsOf("kafka.offsets-for-leader-epoch").at(-1)!.partitions[0]).toMatchObject({ leaderEpoch: 0 });
  });
});
