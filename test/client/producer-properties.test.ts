import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import type { FakeAction } from "./fakeBroker.ts";
import { producerWorld, range } from "./harness.ts";

/** Random misbehaviour of the broker on produce requests: which kind, how many times. */
const faults = fc.array(
  fc.record({
    action: fc.constantFrom<FakeAction>(
      { kind: "drop-response" },
      { kind: "reset" },
      { kind: "error", error: "NOT_ENOUGH_REPLICAS" },
      { kind: "error", error: "NOT_LEADER_OR_FOLLOWER" },
      { kind: "delay", micros: millis(150) },
    ),
    times: fc.integer({ min: 1, max: 3 }),
  }),
  { maxLength: 4 },
);

function runWith(seed: string, rules: { action: FakeAction; times: number }[], producer: Record<string, unknown>) {
  const w = producerWorld({ seed, topics: { test: 2 }, producer: { requestTimeoutMicros: millis(100), lingerMicros: millis(1), ...producer } });
  for (const r of rules) w.cluster.on((q) => q.type === "kafka.produce", r.action, r.times);
  for (const i of range(60)) w.send(i, { key: `k${i % 2}`, atMicros: millis(1) + i * 300 });
  const done = w.runUntil(() => w.results.size === 60, seconds(30));
  return { w, done };
}

describe("producer: properties under random broker faults", () => {
  // A retry of a batch older than the broker's last five (its answer was delayed past the
  // request timeout while later batches landed) gets OUT_OF_ORDER_SEQUENCE_NUMBER, as from
  // Kafka, and fails at the delivery timeout although it was written: every record is then
  // acknowledged or failed with maybeWritten, and in the log exactly once, in order.
  it("idempotent: every record is written exactly once, in send order per partition, and never reported lost", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 6 }), faults, (seed, rules) => {
        const { w, done } = runWith(seed, rules, { deliveryTimeoutMicros: seconds(5) });
        expect(done).toBe(true);
        expect([...w.results.values()].every((r) => r.ok || r.maybeWritten)).toBe(true);
        for (const p of [0, 1]) {
          const ids = w.cluster.partition("test", p).valueIds();
          expect(ids).toEqual(ids.slice().sort((a, b) => a - b));
          expect(new Set(ids).size).toBe(ids.length);
        }
        expect(w.cluster.partition("test", 0).valueIds().length + w.cluster.partition("test", 1).valueIds().length).toBe(60);
      }),
      { numRuns: 25, seed: 20261122 },
    );
  });

  it("without idempotence but max.in.flight=1: nothing is lost and first copies keep send order (duplicates may follow)", () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 6 }), faults, (seed, rules) => {
        const { w, done } = runWith(seed, rules, { enableIdempotence: false, acks: 1, maxInFlightPerConnection: 1 });
        expect(done).toBe(true);
        for (const p of [0, 1]) {
          const ids = w.cluster.partition("test", p).valueIds();
          const firsts = ids.filter((id, i) => ids.indexOf(id) === i);
          expect(firsts).toEqual(firsts.slice().sort((a, b) => a - b));
        }
        const written = new Set([0, 1].flatMap((p) => w.cluster.partition("test", p).valueIds()));
        for (const [id, r] of w.results) if (r.ok) expect(written.has(id)).toBe(true);
      }),
      { numRuns: 25, seed: 20261122 },
    );
  });
});
