import { describe, expect, it } from "vitest";
import { AssertionError, collectTrace, millis, seconds } from "../../sim/index.ts";
import { at, numbered, range, sendSeries, world } from "./helpers.ts";

describe("nodes: pause and resume", () => {
  it("a paused node receives nothing until resumed, then gets the held messages in order", () => {
    const { sim, rec } = world(["a", "b"], { network: { jitterMicros: 300 } });
    at(sim, 0, () => sim.node("b").pause());
    sendSeries(sim, "a", "b", 20, 1, 1_000);
    at(sim, seconds(1), () => sim.node("b").resume());
    sim.run();
    const got = rec.received("b");
    expect(got.map((s) => s.n)).toEqual(range(20));
    expect(got.every((s) => s.at === seconds(1))).toBe(true);
  });

  it("messages arriving at the very microsecond of the resume come after the held ones", () => {
    // a's second message reaches b exactly when b resumes; its delivery event was queued
    // before the resume re-queued the held first message.
    const { sim, rec } = world(["a", "b"], { network: { jitterMicros: 0 } });
    at(sim, 0, () => sim.node("b").pause());
    at(sim, 1_251, () => sim.node("b").resume());
    at(sim, 0, () => sim.node("a").context.send("b", numbered(1)));
    at(sim, 1_000, () => sim.node("a").context.send("b", numbered(2)));
    sim.run();
    expect(rec.received("b").map((s) => s.at)).toEqual([1_251, 1_251]);
    expect(rec.numbers("b")).toEqual([1, 2]);
  });

  it("an overdue timer fires at the resume, in the order things fell due", () => {
    const { sim, rec, nodes } = world(["a", "b"], { network: { jitterMicros: 0 } });
    sim.run(); // boot
    const b = nodes[1]!;
    rec.timer(b, millis(10), "early");
    rec.timer(b, millis(30), "late");
    at(sim, millis(5), () => b.pause());
    sendSeries(sim, "a", "b", 1, millis(20));
    at(sim, millis(50), () => b.resume());
    sim.run();
    const order = rec.seen.filter((s) => s.node === "b" && s.kind !== "start").map((s) => [s.at, s.kind, s.label ?? s.n]);
    expect(order).toEqual([
      [millis(50), "timer", "early"],
      [millis(50), "receive", 0],
      [millis(50), "timer", "late"],
    ]);
  });

  it("a timer not yet due at the resume fires at its own time", () => {
    const { sim, rec, nodes } = world(["a"]);
    sim.run();
    rec.timer(nodes[0]!, millis(100), "later");
    at(sim, millis(5), () => nodes[0]!.pause());
    at(sim, millis(10), () => nodes[0]!.resume());
    sim.run();
    expect(rec.of("a", "timer").map((s) => s.at)).toEqual([millis(100)]);
  });

  it("a paused node keeps its connections: nobody hears of a reset", () => {
    const { sim, rec } = world(["a", "b"]);
    at(sim, 0, () => sim.node("b").pause());
    sendSeries(sim, "a", "b", 3);
    at(sim, seconds(60), () => sim.node("b").resume());
    sim.run();
    expect(rec.resets("a")).toEqual([]);
    expect(rec.numbers("b")).toEqual([0, 1, 2]);
  });

  it("a reset notice reaches a paused node when it resumes", () => {
    const { sim, rec } = world(["a", "b"]);
    sendSeries(sim, "a", "b", 1);
    at(sim, millis(1), () => sim.node("b").pause());
    at(sim, millis(2), () => sim.network.reset("a", "b"));
    at(sim, millis(9), () => sim.node("b").resume());
    sim.run();
    expect(rec.resets("b").map((s) => s.at)).toEqual([millis(9)]);
  });

  it("an fsync completion waits out a pause", () => {
    const { sim, nodes } = world(["a"], {}, { disk: { fsyncMicros: 1_000 } });
    sim.run();
    const a = nodes[0]!;
    const done: number[] = [];
    a.disk.fsync(a.disk.file("log"), () => done.push(sim.now));
    a.pause();
    at(sim, millis(10), () => a.resume());
    sim.run();
    expect(done).toEqual([millis(10)]);
  });

  it("pause and resume are no-ops in the wrong state", () => {
    const { sim, nodes } = world(["a"]);
    const a = nodes[0]!;
    a.resume();
    expect(a.state).toBe("up");
    a.crash();
    a.pause();
    expect(a.state).toBe("down");
    a.restart();
    a.pause();
    a.restart(); // a paused node is not down: nothing to restart
    expect(a.state).toBe("paused");
    sim.run();
  });
});

describe("nodes: crash and restart", () => {
  it("timers of an old incarnation never fire after a crash and restart", () => {
    const { sim, rec, nodes } = world(["a"]);
    sim.run();
    const a = nodes[0]!;
    const old = a.incarnation;
    rec.timer(a, millis(100), "old");
    at(sim, millis(50), () => a.crash());
    at(sim, millis(60), () => {
      a.restart();
      rec.timer(a, millis(40), "new"); // due at 100ms, the same time as the old one
    });
    sim.run();
    const timers = rec.of("a", "timer");
    expect(timers.map((s) => s.label)).toEqual(["new"]);
    expect(timers[0]!.incarnation).not.toBe(old);
  });

  it("a cancelled timer never fires, and a fired one is no longer pending", () => {
    const { sim, rec, nodes } = world(["a"]);
    sim.run();
    const a = nodes[0]!;
    const cancelled = rec.timer(a, millis(10), "cancelled");
    const kept = rec.timer(a, millis(20), "kept");
    expect(a.context.isTimerPending(cancelled)).toBe(true);
    a.context.cancelTimer(cancelled);
    expect(a.context.isTimerPending(cancelled)).toBe(false);
    sim.run();
    expect(rec.of("a", "timer").map((s) => s.label)).toEqual(["kept"]);
    expect(a.context.isTimerPending(kept)).toBe(false);
  });

  it("events held during a pause die with a crash", () => {
    const { sim, rec, nodes } = world(["a", "b"]);
    sim.run();
    const b = nodes[1]!;
    rec.timer(b, millis(10), "held");
    at(sim, millis(1), () => b.pause());
    sendSeries(sim, "a", "b", 3, millis(2));
    at(sim, millis(20), () => b.crash());
    at(sim, millis(30), () => b.restart());
    sim.run();
    expect(rec.of("b", "timer")).toEqual([]);
    expect(rec.received("b")).toEqual([]);
  });

  it("each incarnation starts once, and a restarted node is a new incarnation", () => {
    const { sim, rec, nodes } = world(["a"]);
    const a = nodes[0]!;
    at(sim, millis(1), () => a.crash());
    at(sim, millis(2), () => a.restart());
    at(sim, millis(3), () => a.crash());
    at(sim, millis(4), () => a.restart());
    sim.run();
    const starts = rec.of("a", "start");
    expect(starts.map((s) => s.at)).toEqual([0, millis(2), millis(4)]);
    expect(new Set(starts.map((s) => s.incarnation)).size).toBe(3);
  });

  it("crashing a down node and restarting an up node do nothing", () => {
    const { sim, rec, nodes } = world(["a"]);
    const a = nodes[0]!;
    sim.run();
    a.restart();
    a.crash();
    const incarnation = a.incarnation;
    a.crash();
    expect(a.incarnation).toBe(incarnation);
    sim.run();
    expect(rec.of("a", "start")).toHaveLength(1);
  });

  it("a restarted node's new process sees the disk's durable content, and only that", () => {
    const { sim, rec, nodes } = world(["a"]);
    const lengths: number[] = [];
    rec.onStart = (ctx) => lengths.push(ctx.disk.file("log").length);
    sim.run();
    const a = nodes[0]!;
    const log = a.disk.file<{ sizeBytes: number }>("log");
    for (let i = 0; i < 4; i++) a.disk.append(log, { sizeBytes: 8 });
    a.disk.fsync(log);
    sim.run();
    a.disk.append(log, { sizeBytes: 8 });
    a.crash();
    a.restart();
    sim.run();
    expect(lengths).toEqual([0, 4]);
  });

  it("a node can start down and be brought up later", () => {
    const { sim, rec } = world(["a"], {}, { startUp: false });
    expect(sim.node("a").isDown).toBe(true);
    at(sim, millis(5), () => sim.node("a").restart());
    sim.run();
    expect(rec.of("a", "start").map((s) => s.at)).toEqual([millis(5)]);
  });

  it("a node cannot send while down", () => {
    const { sim, nodes } = world(["a", "b"]);
    nodes[0]!.crash();
    expect(() => nodes[0]!.context.send("b", numbered(0))).toThrow(AssertionError);
    sim.run();
  });

  it("lifecycle verbs are in the trace", () => {
    const trace = collectTrace();
    const { sim, nodes } = world(["a"], { trace: trace.sink });
    const a = nodes[0]!;
    at(sim, 1, () => a.pause());
    at(sim, 2, () => a.resume());
    at(sim, 3, () => a.crash());
    at(sim, 4, () => a.restart());
    sim.run();
    const verbs = trace.events.filter((e) => ["pause", "resume", "crash", "restart"].includes(e.kind));
    expect(verbs.map((e) => [e.at, e.kind, e.node])).toEqual([
      [1, "pause", "a"],
      [2, "resume", "a"],
      [3, "crash", "a"],
      [4, "restart", "a"],
    ]);
  });
});
