import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { isProduce } from "./fakeBroker.ts";
import { producerWorld, range } from "./harness.ts";

const fast = { requestTimeoutMicros: millis(200), deliveryTimeoutMicros: seconds(5) };

describe("producer: retries without idempotence", () => {
  it("a retry after a lost produce response writes the batch twice, and the record is acknowledged once", () => {
    const w = producerWorld({ producer: { ...fast, enableIdempotence: false } });
    w.cluster.on(isProduce, { kind: "drop-response" });
    w.send(7);
    expect(w.runUntil(() => w.results.size === 1, seconds(2))).toBe(true);
    expect(w.results.get(7)).toMatchObject({ ok: true, offset: 1 });
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([7, 7]);
    expect(w.producer().stats).toMatchObject({ sent: 1, acknowledged: 1, failed: 0, retries: 1 });
    // The retry went after request.timeout.ms, on a new connection after the back-off.
    expect(w.results.get(7)!.atMicros).toBeGreaterThan(millis(200));
  });

  it("a connection reset fails the request in flight with NETWORK_EXCEPTION; the retry writes a duplicate", () => {
    const w = producerWorld({ producer: { ...fast, enableIdempotence: false } });
    w.cluster.on(isProduce, { kind: "reset" });
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(2))).toBe(true);
    expect(w.results.get(1)).toMatchObject({ ok: true });
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([1, 1]);
    // Before request.timeout.ms: the reset told the producer at once; the retry waited retry.backoff.ms.
    expect(w.results.get(1)!.atMicros).toBeLessThan(millis(200));
  });

  it("in-flight retries can reorder records when several requests are out", () => {
    const w = producerWorld({ producer: { ...fast, enableIdempotence: false, maxInFlightPerConnection: 5 } });
    w.warmUp();
    w.cluster.on(isProduce, { kind: "error", error: "NOT_ENOUGH_REPLICAS" });
    for (const i of range(5)) w.send(i, { atMicros: w.sim.now + i * 20 });
    expect(w.runUntil(() => w.results.size === 5, seconds(2))).toBe(true);
    expect(w.cluster.requestsOf("kafka.produce").length).toBe(6);
    // The first batch was refused, the next four written, then the first again: out of order.
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([1, 2, 3, 4, 0]);
  });

  it("max.in.flight=1 keeps the order under the same retries", () => {
    const w = producerWorld({ producer: { ...fast, enableIdempotence: false, maxInFlightPerConnection: 1 } });
    w.warmUp();
    w.cluster.on(isProduce, { kind: "error", error: "NOT_ENOUGH_REPLICAS" });
    for (const i of range(5)) w.send(i, { atMicros: w.sim.now + i * 20 });
    expect(w.runUntil(() => w.results.size === 5, seconds(2))).toBe(true);
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([0, 1, 2, 3, 4]);
  });

  it("a non-retriable error fails the batch at once", () => {
    const w = producerWorld({ producer: { ...fast, enableIdempotence: false } });
    w.cluster.on(isProduce, { kind: "error", error: "INVALID_REQUEST" });
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(1))).toBe(true);
    expect(w.results.get(1)).toMatchObject({ ok: false, error: "INVALID_REQUEST", maybeWritten: false });
  });

  it("retries=0: a retriable error fails the batch without a retry", () => {
    const w = producerWorld({ producer: { ...fast, enableIdempotence: false, retries: 0 } });
    w.cluster.on(isProduce, { kind: "drop-response" });
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(1))).toBe(true);
    expect(w.results.get(1)).toMatchObject({ ok: false, error: "REQUEST_TIMED_OUT", maybeWritten: true });
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([1]);
  });
});

describe("producer: idempotence", () => {
  it("asks any broker for a producer id before it sends, and numbers batches per partition from 0", () => {
    const w = producerWorld({ topics: { test: 2 }, producer: { ...fast, lingerMicros: millis(1) } });
    for (const i of range(4)) w.send(i, { key: `k${i}`, atMicros: millis(1) + i * 10 });
    for (const i of range(4, 4)) w.send(i, { key: `k${i}`, atMicros: millis(10) + i * 10 });
    expect(w.runUntil(() => w.results.size === 8, seconds(1))).toBe(true);
    expect(w.cluster.requestsOf("kafka.init-producer-id")).toHaveLength(1);
    expect(w.producer().producerId).toBe(1000);
    const sequences = new Map<number, number[]>();
    for (const r of w.cluster.requestsOf("kafka.produce")) {
      for (const p of r.partitions) {
        expect(p.batch.producerId).toBe(1000);
        sequences.set(p.partition, [...(sequences.get(p.partition) ?? []), p.batch.baseSequence]);
      }
    }
    for (const [partition, seqs] of sequences) {
      const counts = w.cluster.partition("test", partition).batches.map((b) => b.records.length);
      const expected = counts.map((_, i) => counts.slice(0, i).reduce((a, b) => a + b, 0));
      expect(seqs).toEqual(expected);
    }
  });

  it("a retry after a lost response keeps its sequence, and the broker's dedup keeps one copy", () => {
    const w = producerWorld({ producer: fast });
    w.cluster.on(isProduce, { kind: "drop-response" });
    w.send(7);
    expect(w.runUntil(() => w.results.size === 1, seconds(2))).toBe(true);
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([7]);
    // The duplicate is answered with the first append's offset.
    expect(w.results.get(7)).toMatchObject({ ok: true, offset: 0 });
    const produces = w.cluster.requestsOf("kafka.produce");
    expect(produces).toHaveLength(2);
    expect(produces.map((r) => r.partitions[0]!.batch.baseSequence)).toEqual([0, 0]);
  });

  it("a late answer, after request.timeout.ms, is ignored by its correlation id", () => {
    const w = producerWorld({ producer: fast });
    w.cluster.on(isProduce, { kind: "delay", micros: millis(500) });
    w.send(1);
    w.send(2, { atMicros: millis(300) });
    expect(w.runUntil(() => w.results.size === 2, seconds(2))).toBe(true);
    w.runFor(seconds(1));
    expect(w.results.get(1)).toMatchObject({ ok: true, offset: 0 });
    expect(w.results.get(2)).toMatchObject({ ok: true, offset: 1 });
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([1, 2]);
    expect(w.producer().stats).toMatchObject({ acknowledged: 2, failed: 0 });
  });

  it("keeps the order with five requests in flight: later batches answered OUT_OF_ORDER_SEQUENCE go again after the first", () => {
    const w = producerWorld({ producer: fast });
    w.warmUp();
    w.cluster.on(isProduce, { kind: "error", error: "NOT_ENOUGH_REPLICAS" });
    for (const i of range(5)) w.send(i, { atMicros: w.sim.now + i * 20 });
    expect(w.runUntil(() => w.results.size === 5, seconds(2))).toBe(true);
    for (const r of w.results.values()) expect(r.ok).toBe(true);
    expect(w.cluster.partition("test", 0).valueIds()).toEqual([0, 1, 2, 3, 4]);
    const answersBefore = w.cluster.requestsOf("kafka.produce").length;
    expect(answersBefore).toBeGreaterThanOrEqual(10); // five refused (1 by error, 4 out of order), five accepted
  });

  it("OUT_OF_ORDER_SEQUENCE on the next expected batch (the broker lost acknowledged data) fails it and takes a new producer id", () => {
    const w = producerWorld({ producer: fast });
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(1))).toBe(true);
    // The broker loses the log and the producer's state (an unclean election, say).
    const p = w.cluster.partition("test", 0);
    p.batches.length = 0;
    p.producers.clear();
    w.send(2);
    expect(w.runUntil(() => w.results.size === 2, seconds(1))).toBe(true);
    expect(w.results.get(2)).toMatchObject({ ok: false, error: "OUT_OF_ORDER_SEQUENCE_NUMBER", maybeWritten: false });
    w.send(3);
    expect(w.runUntil(() => w.results.size === 3, seconds(1))).toBe(true);
    expect(w.results.get(3)).toMatchObject({ ok: true, offset: 0 });
    expect(w.cluster.requestsOf("kafka.init-producer-id")).toHaveLength(2);
    expect(w.producer().producerId).toBe(1001);
    expect(w.cluster.requestsOf("kafka.produce").at(-1)!.partitions[0]!.batch).toMatchObject({ producerId: 1001, baseSequence: 0 });
  });
});

describe("producer: timeouts, leaders and memory", () => {
  it("delivery.timeout.ms fails a batch the broker never answers, with its outcome in doubt", () => {
    const w = producerWorld({ producer: { requestTimeoutMicros: millis(500), deliveryTimeoutMicros: seconds(2) } });
    w.cluster.on(isProduce, { kind: "black-hole" }, Infinity);
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(5))).toBe(true);
    const r = w.results.get(1)!;
    expect(r).toMatchObject({ ok: false, error: "DELIVERY_TIMEOUT", maybeWritten: true });
    expect(r.atMicros).toBeGreaterThanOrEqual(seconds(2));
    expect(r.atMicros).toBeLessThan(seconds(2) + millis(150));
    expect(w.cluster.requestsOf("kafka.produce").length).toBeGreaterThanOrEqual(3);
  });

  it("a batch that never left (no leader) fails at delivery.timeout.ms without doubt", () => {
    const w = producerWorld({ producer: { requestTimeoutMicros: millis(500), deliveryTimeoutMicros: seconds(1) } });
    w.cluster.partition("test", 0).leader = -1;
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(3))).toBe(true);
    expect(w.results.get(1)).toMatchObject({ ok: false, error: "DELIVERY_TIMEOUT", maybeWritten: false });
  });

  it("NOT_LEADER_OR_FOLLOWER refreshes metadata and sends the batch to the new leader", () => {
    const w = producerWorld({ brokers: 3, producer: fast });
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(1))).toBe(true);
    w.cluster.moveLeader("test", 0, 2);
    w.send(2);
    expect(w.runUntil(() => w.results.size === 2, seconds(1))).toBe(true);
    expect(w.results.get(2)).toMatchObject({ ok: true, offset: 1 });
    const produces = w.cluster.requests.filter((r) => r.request.type === "kafka.produce").map((r) => r.broker);
    expect(produces).toEqual([1, 1, 2]);
    expect(w.cluster.requestsOf("kafka.metadata").length).toBeGreaterThanOrEqual(2);
  });

  it("metadata with an older leader epoch does not send the producer back to a deposed leader", () => {
    const w = producerWorld({ brokers: 2, producer: fast });
    w.send(1);
    expect(w.runUntil(() => w.results.size === 1, seconds(1))).toBe(true);
    w.cluster.moveLeader("test", 0, 2);
    w.producer().metadata.requestUpdate();
    w.runFor(millis(200));
    expect(w.producer().metadata.leaderOf({ topic: "test", partition: 0 })).toBe(2);
    // A broker still answering with the old leadership (epoch 0) is not believed.
    const p = w.cluster.partition("test", 0);
    p.leader = 1;
    p.leaderEpoch = 0;
    w.producer().metadata.requestUpdate();
    w.runFor(millis(200));
    expect(w.producer().metadata.leaderOf({ topic: "test", partition: 0 })).toBe(2);
  });

  it("buffer.memory: a send that cannot get memory waits up to max.block.ms, then fails", () => {
    const w = producerWorld({
      producer: { ...fast, deliveryTimeoutMicros: seconds(10), batchSizeBytes: 1_000, bufferMemoryBytes: 2_000, maxBlockMicros: millis(300) },
    });
    w.cluster.on(isProduce, { kind: "black-hole" }, Infinity);
    // Each record fills a batch of its own (900 bytes, batch.size 1000): two fit in memory.
    for (const i of range(4)) w.send(i, { sizeBytes: 900, atMicros: millis(1) + i });
    expect(w.runUntil(() => w.results.size === 2, seconds(1))).toBe(true);
    expect(w.results.get(2)).toMatchObject({ ok: false, error: "MAX_BLOCK_TIMEOUT", atMicros: millis(301) + 2 });
    expect(w.results.get(3)).toMatchObject({ ok: false, error: "MAX_BLOCK_TIMEOUT", atMicros: millis(301) + 3 });
    expect(w.producer().availableMemoryBytes).toBe(0);
  });

  it("buffer.memory: a blocked send goes on as soon as a batch completes and frees its memory", () => {
    const w = producerWorld({ producer: { ...fast, batchSizeBytes: 1_000, bufferMemoryBytes: 1_000, maxBlockMicros: seconds(1) } });
    w.cluster.on(isProduce, { kind: "delay", micros: millis(50) });
    for (const i of range(2)) w.send(i, { sizeBytes: 900, atMicros: millis(1) + i });
    expect(w.runUntil(() => w.results.size === 2, seconds(1))).toBe(true);
    expect(w.results.get(1)).toMatchObject({ ok: true, offset: 1 });
    expect(w.results.get(1)!.atMicros).toBeGreaterThan(millis(50));
    expect(w.producer().availableMemoryBytes).toBe(1_000);
  });

  it("a record larger than max.request.size fails at once with RECORD_TOO_LARGE", () => {
    const w = producerWorld({ producer: { maxRequestSizeBytes: 1_000 } });
    w.send(1, { sizeBytes: 5_000 });
    w.runFor(millis(1));
    expect(w.results.get(1)).toMatchObject({ ok: false, error: "RECORD_TOO_LARGE", partition: -1 });
  });
});
