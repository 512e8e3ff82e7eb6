import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { isFetch } from "./fakeBroker.ts";
import { addConsumer, producerWorld, range } from "./harness.ts";

describe("simple consumer: positions and fetching", () => {
  it("auto.offset.reset=earliest reads a partition from its log start, each record with its offset, in order", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    p.appendDirect([10, 11, 12]);
    p.appendDirect([13]);
    p.appendDirect([14, 15]);
    const c = addConsumer(w, { autoOffsetReset: "earliest" });
    expect(w.runUntil(() => c.records.length === 6, seconds(1))).toBe(true);
    expect(c.records.map((r) => [r.offset, r.record.valueId])).toEqual(range(6).map((i) => [i, 10 + i]));
    expect(c.consumer().position({ topic: "test", partition: 0 })).toBe(6);
    expect(w.cluster.requestsOf("kafka.list-offsets")[0]!.partitions[0]!.timestamp).toBe(-2);
  });

  it("auto.offset.reset=latest starts at the high watermark and sees only what is written after", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    p.appendDirect([1, 2, 3]);
    const c = addConsumer(w, { autoOffsetReset: "latest" });
    expect(w.runUntil(() => c.consumer().position({ topic: "test", partition: 0 }) === 3, seconds(1))).toBe(true);
    p.appendDirect([4, 5]);
    w.runFor(seconds(1));
    expect(c.records.map((r) => [r.offset, r.record.valueId])).toEqual([
      [3, 4],
      [4, 5],
    ]);
  });

  it("reads only below the high watermark, and the rest once it advances", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    for (const i of range(5)) p.appendDirect([i * 2, i * 2 + 1]);
    p.heldHighWatermark = 4;
    const c = addConsumer(w, { autoOffsetReset: "earliest" });
    w.runFor(seconds(2));
    expect(c.valueIds()).toEqual([0, 1, 2, 3]);
    p.heldHighWatermark = null;
    p.appendDirect([10]); // an append wakes the parked fetch
    w.runFor(seconds(1));
    expect(c.valueIds()).toEqual(range(11));
  });

  it("a fetch waits at the broker (fetch.max.wait.ms) and returns as soon as a produce arrives", () => {
    const w = producerWorld({ producer: { enableIdempotence: false, acks: 1 } });
    const c = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: seconds(5) });
    w.runFor(millis(50));
    expect(c.consumer().stats.fetches).toBe(1); // parked at the broker since
    w.send(1);
    expect(w.runUntil(() => c.records.length === 1, seconds(1))).toBe(true);
    expect(w.sim.now).toBeLessThan(millis(55));
  });

  it("max.partition.fetch.bytes bounds one fetch, whole batches at a time", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    for (const i of range(6)) p.appendDirect([i]); // 171 bytes each
    const c = addConsumer(w, { autoOffsetReset: "earliest", maxPartitionFetchBytes: 400 });
    expect(w.runUntil(() => c.records.length === 6, seconds(1))).toBe(true);
    const withData = w.cluster.requestsOf("kafka.fetch").length;
    expect(withData).toBeGreaterThanOrEqual(3);
    expect(c.valueIds()).toEqual(range(6));
  });
});

describe("simple consumer: leaders and errors", () => {
  it("NOT_LEADER_OR_FOLLOWER refreshes metadata; the consumer goes on at the new leader with its epoch", () => {
    const w = producerWorld({ brokers: 2 });
    const p = w.cluster.partition("test", 0);
    p.appendDirect([1, 2]);
    const c = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(100) });
    expect(w.runUntil(() => c.records.length === 2, seconds(1))).toBe(true);
    w.cluster.moveLeader("test", 0, 2);
    p.appendDirect([3]);
    expect(w.runUntil(() => c.records.length === 3, seconds(2))).toBe(true);
    const last = w.cluster.requests.filter((r) => r.request.type === "kafka.fetch").at(-1)!;
    expect(last.broker).toBe(2);
    expect(w.cluster.requestsOf("kafka.fetch").at(-1)!.partitions[0]!.currentLeaderEpoch).toBe(1);
    expect(c.valueIds()).toEqual([1, 2, 3]);
  });

  it("FENCED_LEADER_EPOCH (the consumer's epoch is stale) refreshes metadata and the fetch resumes", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    const c = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(50) });
    w.runFor(millis(100));
    p.leaderEpoch = 3; // the same broker, re-elected
    p.appendDirect([1]);
    expect(w.runUntil(() => c.records.length === 1, seconds(1))).toBe(true);
    expect(c.consumer().metadata.partition({ topic: "test", partition: 0 })!.leaderEpoch).toBe(3);
  });

  it("OFFSET_OUT_OF_RANGE after the log start passed the position: auto.offset.reset=earliest starts again at the log start", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    p.appendDirect([0, 1, 2]);
    const c = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(50) });
    expect(w.runUntil(() => c.records.length === 3, seconds(1))).toBe(true);
    c.consumer().seek({ topic: "test", partition: 0 }, 1); // re-read from 1, but retention got there first
    p.appendDirect([3, 4]);
    p.batches.shift();
    p.logStartOffset = 3;
    expect(w.runUntil(() => c.records.length === 5, seconds(1))).toBe(true);
    expect(c.records.slice(3).map((r) => r.offset)).toEqual([3, 4]);
    expect(c.consumer().stats.offsetResets).toBe(1);
  });

  it("auto.offset.reset=none: a partition without a position stops with NO_OFFSET", () => {
    const w = producerWorld();
    const c = addConsumer(w, { autoOffsetReset: "none" });
    w.runFor(millis(100));
    expect(c.errors).toEqual([{ tp: { topic: "test", partition: 0 }, error: "NO_OFFSET" }]);
  });

  it("a lost fetch answer times out; the consumer fetches again and loses nothing", () => {
    const w = producerWorld();
    const p = w.cluster.partition("test", 0);
    p.appendDirect([1, 2]);
    w.cluster.on(isFetch, { kind: "black-hole" });
    const c = addConsumer(w, { autoOffsetReset: "earliest", requestTimeoutMicros: millis(300), fetchMaxWaitMicros: millis(50) });
    expect(w.runUntil(() => c.records.length === 2, seconds(2))).toBe(true);
    expect(w.sim.now).toBeGreaterThan(millis(350));
    expect(c.valueIds()).toEqual([1, 2]);
  });
});

describe("clients end to end through the fake cluster", () => {
  it("every acknowledged record is consumed once, in order, despite lost answers and resets (idempotent producer)", () => {
    const w = producerWorld({ topics: { test: 3 }, producer: { requestTimeoutMicros: millis(100), lingerMicros: millis(1) } });
    const probe = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(20) }, range(3).map((partition) => ({ topic: "test", partition })));
    w.cluster.on((r) => r.type === "kafka.produce", { kind: "drop-response" }, 3);
    w.cluster.on((r, b) => r.type === "kafka.produce" && b === 1, { kind: "reset" }, 2);
    for (const i of range(200)) w.send(i, { key: `k${i % 17}`, atMicros: millis(1) + i * 250 });
    expect(w.runUntil(() => w.results.size === 200, seconds(10))).toBe(true);
    w.runFor(seconds(1));
    expect([...w.results.values()].every((r) => r.ok)).toBe(true);
    const consumed = probe.records.map((r) => r.record.valueId);
    expect(consumed.slice().sort((a, b) => a - b)).toEqual(range(200));
    // Per key, the order of sends is the order in the log.
    for (let k = 0; k < 17; k++) {
      const ids = probe.records.filter((r) => r.record.key === `k${k}`).map((r) => r.record.valueId);
      expect(ids).toEqual(ids.slice().sort((a, b) => a - b));
    }
  });
});
