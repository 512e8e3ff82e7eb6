import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { partitionForKey } from "../../src/client/partitioner/murmur2.ts";
import type { IdempotenceRecovery } from "../../src/client/producer/ProducerOptions.ts";
import { isProduce } from "./fakeBroker.ts";
import { producerWorld, type ProducerWorld } from "./harness.ts";

const fast = { requestTimeoutMicros: millis(200), deliveryTimeoutMicros: seconds(5) };

/** A key whose records go to `partition` of a two-partition topic. */
function keyFor(partition: number): string {
  for (let i = 0; ; i++) if (partitionForKey(`k${i}`, 2) === partition) return `k${i}`;
}

/**
 * Two partitions on two brokers. Partition 1's broker appends value 3 but its answer is
 * lost; meanwhile partition 0's broker loses its log and producer state, so value 4 meets a
 * real sequence gap (OUT_OF_ORDER_SEQUENCE_NUMBER on the next expected batch) and the
 * producer must start again under a new producer id while value 3 still awaits a retry.
 */
function gapWhileAnotherPartitionAwaitsARetry(recovery: IdempotenceRecovery): ProducerWorld {
  const w = producerWorld({ brokers: 2, topics: { test: 2 }, producer: { ...fast, idempotenceRecovery: recovery } });
  const [p0, p1] = [keyFor(0), keyFor(1)];
  w.send(1, { key: p0 });
  w.send(2, { key: p1 });
  expect(w.runUntil(() => w.results.size === 2, seconds(1))).toBe(true);
  w.cluster.on((r, broker) => isProduce(r) && broker === 2, { kind: "drop-response" });
  w.send(3, { key: p1 });
  w.runFor(millis(20));
  const lost = w.cluster.partition("test", 0);
  lost.batches.length = 0;
  lost.producers.clear();
  w.send(4, { key: p0 });
  expect(w.runUntil(() => w.results.size === 4, seconds(3))).toBe(true);
  w.send(5, { key: p1 });
  expect(w.runUntil(() => w.results.size === 5, seconds(3))).toBe(true);
  expect(w.results.get(4)).toMatchObject({ ok: false, error: "OUT_OF_ORDER_SEQUENCE_NUMBER" });
  expect(w.cluster.requestsOf("kafka.init-producer-id")).toHaveLength(2);
  return w;
}

describe("producer: an idempotent producer starting again after a sequence gap", () => {
  it("Kafka 2.5+ (bump-epoch): the other partition resends its unanswered batch under the old id, and the broker keeps one copy", () => {
    const w = gapWhileAnotherPartitionAwaitsARetry("bump-epoch");
    expect(w.results.get(3)).toMatchObject({ ok: true, offset: 1 });
    expect(w.results.get(5)).toMatchObject({ ok: true, offset: 2 });
    expect(w.cluster.partition("test", 1).valueIds()).toEqual([2, 3, 5]);
    // Value 5 waited for value 3, the last batch numbered under the old id, then started at 0 under the new one.
    const last = w.cluster.requestsOf("kafka.produce").at(-1)!.partitions[0]!.batch;
    expect(last).toMatchObject({ producerId: w.producer().producerId, baseSequence: 0 });
  });

  it("Kafka 1.1 to 2.4 (reset-producer-id): the unanswered batch that needs a retry after the reset is dropped, its outcome unknown; nothing is written twice", () => {
    const w = gapWhileAnotherPartitionAwaitsARetry("reset-producer-id");
    expect(w.results.get(3)).toMatchObject({ ok: false, error: "OUT_OF_ORDER_SEQUENCE_NUMBER", maybeWritten: true });
    expect(w.results.get(5)).toMatchObject({ ok: true, offset: 2 });
    expect(w.cluster.partition("test", 1).valueIds()).toEqual([2, 3, 5]);
  });
});
