import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { isProduce } from "./fakeBroker.ts";
import { addConsumer, producerWorld, range } from "./harness.ts";

function run(seed: string) {
  const w = producerWorld({ seed, topics: { test: 4 }, brokers: 2, producer: { requestTimeoutMicros: millis(100), lingerMicros: millis(2), enableIdempotence: false, acks: 1 } });
  const c = addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(30) }, range(4).map((partition) => ({ topic: "test", partition })));
  w.cluster.on(isProduce, { kind: "drop-response" }, 4);
  w.cluster.on(isProduce, { kind: "reset" }, 2);
  for (const i of range(300)) w.send(i, { key: i % 3 === 0 ? null : `k${i % 11}`, atMicros: millis(1) + i * 137 });
  w.runUntil(() => w.results.size === 300, seconds(20));
  w.runFor(seconds(1));
  const logs = range(4).map((p) => w.cluster.partition("test", p).valueIds());
  return { fingerprint: w.sim.fingerprint.toString(), logs, consumed: c.records.map((r) => r.record.valueId) };
}

describe("clients: determinism and quiet waiting", () => {
  it("the same seed gives the same fingerprint, the same logs and the same consumption", () => {
    const a = run("det-1");
    const b = run("det-1");
    expect(b).toEqual(a);
    expect(a.logs.flat().length).toBeGreaterThan(300); // the lost answers made duplicates
    expect(run("det-2").fingerprint).not.toBe(a.fingerprint);
  });

  it("an idle producer leaves nothing scheduled: the simulation goes idle", () => {
    const w = producerWorld({ producer: { lingerMicros: millis(5) } });
    for (const i of range(20)) w.send(i, { atMicros: i * 1000 });
    const result = w.sim.run();
    expect(result.reason).toBe("idle");
    expect(w.results.size).toBe(20);
  });

  it("waiting costs few events: a hung broker, retries and a delivery timeout take a bounded number of events", () => {
    const w = producerWorld({ producer: { requestTimeoutMicros: seconds(1), deliveryTimeoutMicros: seconds(10) } });
    w.cluster.on(isProduce, { kind: "black-hole" }, Infinity);
    for (const i of range(10)) w.send(i, { atMicros: millis(1) + i * 100 });
    const before = w.sim.eventsFired;
    w.runFor(seconds(12));
    expect(w.results.size).toBe(10);
    expect(w.sim.eventsFired - before).toBeLessThan(400);
  });

  it("a consumer waiting on an empty partition costs a few events per fetch.max.wait.ms", () => {
    const w = producerWorld();
    addConsumer(w, { autoOffsetReset: "earliest", fetchMaxWaitMicros: millis(500) });
    const before = w.sim.eventsFired;
    w.runFor(seconds(10));
    expect(w.sim.eventsFired - before).toBeLessThan(200);
  });
});
