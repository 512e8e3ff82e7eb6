import { describe, expect, it } from "vitest";
import { isNonDecreasing, range, sendSeries, world } from "./helpers.ts";

describe("network: FIFO per direction", () => {
  it("messages arrive in the order sent under heavy jitter, both ways at once", () => {
    // Jitter mean 20x the base latency and sends 10us apart: independent delays would
    // reorder most of them.
    const { sim, rec } = world(["a", "b"], { seed: "fifo", network: { latencyMicros: 100, jitterMicros: 2_000 } });
    sendSeries(sim, "a", "b", 1_000, 0, 10);
    sendSeries(sim, "b", "a", 1_000, 5, 10);
    sim.run();
    expect(rec.numbers("b", "a")).toEqual(range(1_000));
    expect(rec.numbers("a", "b")).toEqual(range(1_000));
    expect(isNonDecreasing(rec.received("b").map((s) => s.at))).toBe(true);
  });

  it("the jitter is real: arrival delays vary widely (so the FIFO test above means something)", () => {
    const { sim, rec } = world(["a", "b"], { seed: "fifo", network: { latencyMicros: 100, jitterMicros: 2_000 } });
    // Spaced far apart, each message's delay is its own latency draw.
    sendSeries(sim, "a", "b", 200, 0, 100_000);
    sim.run();
    const delays = rec.received("b").map((s, i) => s.at - i * 100_000);
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(100);
    expect(Math.max(...delays) - Math.min(...delays)).toBeGreaterThan(4_000);
  });

  it("each sender's stream to a receiver is FIFO, whatever the interleaving of senders", () => {
    const { sim, rec } = world(["a", "b", "c"], { seed: "fifo3", network: { jitterMicros: 1_000 } });
    sendSeries(sim, "a", "c", 300, 0, 7);
    sendSeries(sim, "b", "c", 300, 3, 7);
    sim.run();
    expect(rec.numbers("c", "a")).toEqual(range(300));
    expect(rec.numbers("c", "b")).toEqual(range(300));
    const senders = rec.received("c").map((s) => s.from);
    // Interleaved, not one sender's batch after the other's.
    expect(senders.slice(0, 300)).toContain("a");
    expect(senders.slice(0, 300)).toContain("b");
  });

  it("a message takes the base latency plus its time on the wire when there is no jitter", () => {
    const { sim, rec } = world(["a", "b"], { seed: "lat", network: { latencyMicros: 250, jitterMicros: 0 } });
    sendSeries(sim, "a", "b", 1, 1_000, 0, 64);
    sim.run();
    // 64 bytes at 125 MB/s is 0.512us, rounded up to 1us.
    expect(rec.received("b")[0]!.at).toBe(1_000 + 1 + 250);
  });
});
