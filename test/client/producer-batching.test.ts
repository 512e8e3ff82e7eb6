import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { producerWorld, range } from "./harness.ts";

describe("producer: batching by linger.ms and batch.size", () => {
  it("linger.ms gathers records sent close together into one batch in one request", () => {
    const w = producerWorld({ producer: { lingerMicros: millis(5), enableIdempotence: false, acks: 1 } });
    for (const i of range(10)) w.send(i, { atMicros: 100 * i });
    expect(w.runUntil(() => w.results.size === 10, seconds(1))).toBe(true);
    const produces = w.cluster.requestsOf("kafka.produce");
    expect(produces).toHaveLength(1);
    expect(produces[0]!.partitions[0]!.batch.records.toArray().map((r) => r.valueId)).toEqual(range(10));
    // The batch waited linger.ms from its first record before it left.
    const sentAt = w.cluster.requests.find((r) => r.request.type === "kafka.produce")!.atMicros;
    expect(sentAt).toBeGreaterThanOrEqual(millis(5));
    expect([...w.results.values()].map((r) => (r.ok ? r.offset : -2))).toEqual(range(10));
  });

  it("with linger.ms=0 the first record leaves at once, alone", () => {
    const w = producerWorld({ producer: { enableIdempotence: false, acks: 1 } });
    w.send(0);
    w.runUntil(() => w.results.size === 1, seconds(1));
    const first = w.cluster.requests.find((r) => r.request.type === "kafka.produce")!;
    expect(first.atMicros).toBeLessThan(millis(1));
  });

  it("batch.size closes a batch: records beyond it open the next one, and a full batch does not wait for linger", () => {
    // 5 records of 100 + key 0 + overhead 10 = 110 bytes each: batches of at most 4 under 512 bytes.
    const w = producerWorld({ producer: { lingerMicros: seconds(1), batchSizeBytes: 512, enableIdempotence: false, acks: 1 } });
    for (const i of range(9)) w.send(i);
    expect(w.runUntil(() => w.results.size === 8, millis(100))).toBe(true);
    const batches = w.cluster.requestsOf("kafka.produce").flatMap((r) => r.partitions.map((p) => p.batch.records.length));
    expect(batches).toEqual([4, 4]);
    // The ninth waits out linger.ms alone.
    expect(w.runUntil(() => w.results.size === 9, seconds(2))).toBe(true);
    expect(w.results.get(8)!.atMicros).toBeGreaterThanOrEqual(seconds(1));
  });

  it("acks=0: a record completes when its request is sent, with offset -1 and no answer", () => {
    const w = producerWorld({ producer: { acks: 0, enableIdempotence: false } });
    for (const i of range(3)) w.send(i);
    expect(w.runUntil(() => w.results.size === 3, millis(10))).toBe(true);
    for (const r of w.results.values()) expect(r).toMatchObject({ ok: true, offset: -1 });
    w.runFor(millis(10));
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([0, 1, 2]);
  });

  it("counts sends, acknowledgements and failures, and reports each record's latency from send() to ack", () => {
    const w = producerWorld({ producer: { lingerMicros: millis(2), maxBlockMicros: seconds(1) } });
    for (const i of range(5)) w.send(i, { atMicros: millis(1) + i * 200 });
    w.send(99, { topic: "no-such-topic", atMicros: millis(2) });
    expect(w.runUntil(() => w.results.size === 5, seconds(1))).toBe(true);
    expect(w.producer().stats).toMatchObject({ sent: 6, acknowledged: 5, failed: 0 });
    // A send to a topic the cluster does not have waits max.block.ms for its metadata, then fails.
    expect(w.runUntil(() => w.results.size === 6, seconds(2))).toBe(true);
    expect(w.results.get(99)).toMatchObject({ ok: false, error: "MAX_BLOCK_TIMEOUT", maybeWritten: false, atMicros: millis(2) + seconds(1) });
    expect(w.producer().stats).toMatchObject({ sent: 6, acknowledged: 5, failed: 1 });
    expect(w.latencies).toHaveLength(5);
    // The first record waited linger.ms; the last, sent 800us later, less.
    expect(w.latencies[0]).toBeGreaterThanOrEqual(millis(2));
    expect(w.latencies[4]).toBe(w.latencies[0]! - 800);
  });

  it("keyless records stick to one partition until their batch is sent, then move to another", () => {
    const w = producerWorld({ topics: { test: 6 }, producer: { lingerMicros: millis(10), enableIdempotence: false, acks: 1 } });
    w.runFor(millis(1)); // metadata first, so the five sends below are placed at once
    for (const i of range(5)) w.send(i);
    w.runFor(millis(1));
    for (const i of range(5, 5)) w.send(i, { atMicros: millis(30) });
    expect(w.runUntil(() => w.results.size === 10, seconds(1))).toBe(true);
    const partitionOf = (id: number) => w.results.get(id)!.partition;
    const first = new Set(range(5).map(partitionOf));
    const second = new Set(range(5, 5).map(partitionOf));
    expect(first.size).toBe(1);
    expect(second.size).toBe(1);
    expect([...second][0]).not.toBe([...first][0]);
  });

  it("keyed records go to murmur2(key) mod partitions, as with the Java client", () => {
    const w = producerWorld({ topics: { test: 10 }, producer: { enableIdempotence: false, acks: 1 } });
    w.send(1, { key: "foobar" });
    expect(w.runUntil(() => w.results.size === 1, seconds(1))).toBe(true);
    expect(w.results.get(1)!.partition).toBe(6);
    expect(w.cluster.partition("test", 6).valueIds()).toEqual([1]);
  });
});
