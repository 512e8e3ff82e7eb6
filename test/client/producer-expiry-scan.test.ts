import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ProducerBatch } from "../../src/client/producer/ProducerBatch.ts";
import { RecordAccumulator } from "../../src/client/producer/RecordAccumulator.ts";

const DELIVERY_TIMEOUT_MICROS = 100;
const PARTITIONS = 3;

/** One step of a producer's life as the accumulator sees it. */
type Step =
  | { kind: "append"; partition: number; advanceMicros: number }
  | { kind: "drain" }
  | { kind: "retry"; pick: number; numbered: boolean }
  | { kind: "expire"; advanceMicros: number };

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("append" as const), partition: fc.integer({ min: 0, max: PARTITIONS - 1 }), advanceMicros: fc.integer({ min: 0, max: 20 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("drain" as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant("retry" as const), pick: fc.nat(), numbered: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("expire" as const), advanceMicros: fc.integer({ min: 0, max: 25 }) }) },
);

/** What a scan of every queued batch finds, in queue order: the plain definition the accumulator's scans must match. */
function expiredByFullScan(acc: RecordAccumulator, now: number): ProducerBatch[] {
  return [...acc.queued()].filter((b) => b.hasReachedDeliveryTimeout(DELIVERY_TIMEOUT_MICROS, now));
}

function accumulator(): RecordAccumulator {
  return new RecordAccumulator({
    batchSizeBytes: 1, // one record a batch: every append opens a new one
    lingerMicros: 0,
    retryBackoffMicros: 0,
    deliveryTimeoutMicros: DELIVERY_TIMEOUT_MICROS,
    maxRequestSizeBytes: 1_000_000,
  });
}

function append(acc: RecordAccumulator, now: number): ProducerBatch {
  return acc.appendToNewBatch({ topic: "t", partition: 0 }, null, 1, 10, now, undefined, 10, now);
}

describe("producer: delivery timeouts of queued batches", () => {
  it("a batch retried behind a younger retried batch still expires on time", () => {
    const acc = accumulator();
    const older = append(acc, 0);
    acc.drain(0, () => 0, 0, () => true);
    const younger = append(acc, 50);
    acc.drain(0, () => 0, 50, () => true);
    const fresh = append(acc, 60);
    // The older batch comes back first, then the younger one goes in front of it.
    acc.reenqueue(older, 70);
    acc.reenqueue(younger, 80);
    expect([...acc.queued()]).toEqual([younger, older, fresh]);
    expect(acc.nextExpiryMicros()).toBe(DELIVERY_TIMEOUT_MICROS);
    expect(acc.takeExpired(120)).toEqual([older]);
    expect(acc.nextExpiryMicros()).toBe(50 + DELIVERY_TIMEOUT_MICROS);
    expect(acc.takeExpired(160)).toEqual([younger, fresh]);
  });

  it("the scans that stop early find the same expired batches and the same next expiry as a scan of every batch, through drains and retries in any order", () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 30, maxLength: 120 }), (steps) => {
        const acc = accumulator();
        let now = 0;
        let nextSequence = 0;
        const inFlight: ProducerBatch[] = [];
        for (const s of steps) {
          if (s.kind === "append") {
            now += s.advanceMicros;
            acc.appendToNewBatch({ topic: "t", partition: s.partition }, null, 1, 10, now, undefined, 10, now);
          } else if (s.kind === "drain") {
            inFlight.push(...acc.drain(0, () => 0, now, () => true));
          } else if (s.kind === "retry" && inFlight.length > 0) {
            const [batch] = inFlight.splice(s.pick % inFlight.length, 1);
            // Some retried batches carry a sequence (idempotence), numbered in no particular order.
            if (s.numbered && !batch!.hasSequence) batch!.setProducerState(1, 0, nextSequence++);
            acc.reenqueue(batch!, now);
          } else if (s.kind === "expire") {
            now += s.advanceMicros;
            const full = Math.min(Infinity, ...[...acc.queued()].map((b) => b.createdMicros + DELIVERY_TIMEOUT_MICROS));
            expect(acc.nextExpiryMicros()).toBe(full);
            const expected = expiredByFullScan(acc, now);
            expect(acc.takeExpired(now)).toEqual(expected);
            expect(expiredByFullScan(acc, now)).toEqual([]);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
