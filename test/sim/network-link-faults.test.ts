import { describe, expect, it } from "vitest";
import { collectTrace, millis, seconds } from "../../sim/index.ts";
import { at, numbered, range, sendSeries, world } from "./helpers.ts";

const exact = { jitterMicros: 0 };

/** When `to` received its only message, sent at time 0 with `sizeBytes`. */
function arrival(sizeBytes: number): number {
  const { sim, rec } = world(["a", "b"], { network: exact });
  sendSeries(sim, "a", "b", 1, 0, 0, sizeBytes);
  sim.run();
  return rec.received("b")[0]!.at;
}

describe("network: bandwidth", () => {
  it("a 10 MB message takes about 80 ms longer than a small one at 1 Gbit/s", () => {
    const extra = arrival(10_000_000) - arrival(100);
    expect(extra).toBeGreaterThanOrEqual(79_000);
    expect(extra).toBeLessThanOrEqual(81_000);
  });

  it("a big message occupies the sender's NIC: a small one to another peer waits behind it", () => {
    const { sim, rec } = world(["a", "b", "c"], { network: exact });
    at(sim, 0, () => {
      sim.node("a").context.send("b", numbered(0), 10_000_000);
      sim.node("a").context.send("c", numbered(1), 100);
    });
    sim.run();
    expect(rec.received("c")[0]!.at).toBeGreaterThanOrEqual(80_000);
  });

  it("NICs are per node: another sender is not held up", () => {
    const { sim, rec } = world(["a", "b", "c"], { network: exact });
    at(sim, 0, () => {
      sim.node("a").context.send("b", numbered(0), 10_000_000);
      sim.node("c").context.send("b", numbered(1), 100);
    });
    sim.run();
    expect(rec.received("b", "c")[0]!.at).toBeLessThan(1_000);
  });

  it("a slower NIC takes proportionally longer", () => {
    const { sim, rec } = world(["a", "b"], { network: { ...exact, bandwidthBytesPerSec: 12_500_000 } });
    sendSeries(sim, "a", "b", 1, 0, 0, 10_000_000);
    sim.run();
    expect(rec.received("b")[0]!.at).toBe(800_000 + 250);
  });
});

describe("network: clog", () => {
  it("clog adds its delay both ways, and unclog takes it away", () => {
    const { sim, rec } = world(["a", "b"], { network: exact });
    at(sim, 0, () => sim.network.clog("a", "b", millis(50)));
    sendSeries(sim, "a", "b", 1, millis(1));
    sendSeries(sim, "b", "a", 1, millis(1));
    at(sim, millis(100), () => sim.network.unclog("a", "b"));
    sendSeries(sim, "a", "b", 1, millis(200));
    sim.run();
    const base = 1 + 250;
    expect(rec.received("b").map((s) => s.at)).toEqual([millis(1) + base + millis(50), millis(200) + base]);
    expect(rec.received("a").map((s) => s.at)).toEqual([millis(1) + base + millis(50)]);
  });

  it("clog touches only its link", () => {
    const { sim, rec } = world(["a", "b", "c"], { network: exact });
    at(sim, 0, () => sim.network.clog("a", "b", millis(50)));
    sendSeries(sim, "a", "c", 1, millis(1));
    sim.run();
    expect(rec.received("c")[0]!.at).toBe(millis(1) + 251);
  });
});

describe("network: packet loss", () => {
  it("drop(p) delays messages with retransmissions but never loses or reorders them", () => {
    const trace = collectTrace();
    const { sim, rec } = world(["a", "b"], { trace: trace.sink });
    at(sim, 0, () => sim.network.drop("a", "b", 0.3));
    sendSeries(sim, "a", "b", 300, 1, 1_000);
    sendSeries(sim, "b", "a", 300, 1, 1_000);
    sim.run();
    expect(rec.numbers("b")).toEqual(range(300));
    expect(rec.numbers("a")).toEqual(range(300));
    const lost = trace.events.filter((e) => e.kind === "packet-lost");
    expect(lost.length).toBeGreaterThan(30);
    expect(lost.some((e) => e.node === "a")).toBe(true);
    expect(lost.some((e) => e.node === "b")).toBe(true);
    // Each loss costs a retransmission timeout: the last message is late by at least one.
    const last = rec.received("b").at(-1)!.at;
    expect(last).toBeGreaterThan(299 * 1_000 + sim.network.options.retransmitMicros);
  });

  it("drop(0) stops the losses", () => {
    const trace = collectTrace();
    const { sim, rec } = world(["a", "b"], { trace: trace.sink, network: exact });
    at(sim, 0, () => sim.network.drop("a", "b", 1));
    at(sim, 1, () => sim.network.drop("a", "b", 0));
    sendSeries(sim, "a", "b", 1, millis(1));
    sim.run();
    expect(trace.events.filter((e) => e.kind === "packet-lost")).toEqual([]);
    expect(rec.received("b")[0]!.at).toBe(millis(1) + 251);
  });

  it("a dropped packet holds up its connection for the retransmission timeout", () => {
    const { sim, rec } = world(["a", "b"], { network: { ...exact, retransmitMicros: seconds(1) } });
    at(sim, 0, () => sim.network.drop("a", "b", 1));
    sendSeries(sim, "a", "b", 1, 0);
    at(sim, seconds(2.5), () => sim.network.drop("a", "b", 0));
    sim.run();
    // Lost at 251, 1_000_251 and 2_000_251; the retransmission at 3_000_251 gets through.
    expect(rec.received("b").map((s) => s.at)).toEqual([3_000_251]);
  });
});
