import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runKernelDemo } from "../../src/cli/kernelDemo.ts";
import {
  Fingerprint,
  Simulation,
  collectTrace,
  millis,
  seconds,
  type Message,
  type NodeContext,
  type Process,
  type TraceEvent,
} from "../../sim/index.ts";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/**
 * A scenario that touches every part of the kernel: gossiping nodes that draw from their
 * random streams, write and sync their disks (torn crashes), over a jittery, lossy network,
 * through a partition, a pause, a crash and a clog.
 */
class Gossip implements Process {
  private count = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly peers: string[],
  ) {}

  start(): void {
    this.count = this.ctx.disk.file("gossip.log").length;
    this.ctx.setTimer(this.ctx.random.int(100, 5_000), "tick", () => this.tick());
  }

  receive(from: string, message: Message): void {
    const log = this.ctx.disk.file<{ sizeBytes: number; from: string }>("gossip.log");
    this.ctx.disk.append(log, { sizeBytes: 32, from });
    if (this.ctx.random.chance(0.2)) this.ctx.disk.fsync(log, () => this.ctx.record("synced", { length: log.length }));
    if (message.type === "ping") this.ctx.send(from, { type: "pong" }, this.ctx.random.int(64, 4_096));
  }

  connectionReset(peer: string): void {
    this.ctx.record("lost-peer", { peer });
  }

  private tick(): void {
    this.count++;
    const peer = this.ctx.random.pick(this.peers);
    this.ctx.send(peer, { type: "ping" }, Math.round(this.ctx.random.logNormal(512, 8)));
    this.ctx.setTimer(Math.round(this.ctx.random.exponential(millis(3))), "tick", () => this.tick());
  }
}

function gossipRun(seed: string, withTrace: boolean): { fingerprint: string; events: number; trace: TraceEvent[] } {
  const trace = collectTrace();
  const sim = new Simulation({ seed, network: { jitterMicros: 400 }, trace: withTrace ? trace.sink : undefined });
  const names = ["n1", "n2", "n3", "n4"];
  for (const name of names) {
    sim.addNode(name, (ctx) => new Gossip(ctx, names.filter((n) => n !== name)), { disk: { crashLoss: "torn" } });
  }
  const fault = sim.label("fault");
  const at = (t: number, f: () => void): void => void sim.scheduleAt(t, fault, f);
  at(millis(100), () => sim.network.drop("n1", "n2", 0.2));
  at(millis(200), () => sim.network.partition([["n1", "n2"], ["n3", "n4"]]));
  at(millis(400), () => sim.network.heal());
  at(millis(450), () => sim.node("n3").pause());
  at(millis(500), () => sim.network.clog("n2", "n4", millis(20)));
  at(millis(600), () => sim.node("n3").resume());
  at(millis(700), () => sim.node("n4").crash());
  at(millis(800), () => sim.node("n4").restart());
  at(millis(850), () => sim.node("n1").disk.slow(3));
  const result = sim.run({ untilMicros: seconds(1) });
  return { fingerprint: sim.fingerprint.toString(), events: result.eventsFired, trace: trace.events };
}

describe("determinism: the same seed replays the same run", () => {
  it("the kernel demo gives the same fingerprint for the same seed", () => {
    const first = runKernelDemo("demo-7");
    const second = runKernelDemo("demo-7");
    expect(second).toEqual(first);
    expect(first.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(first.events).toBeGreaterThan(1_000);
  });

  it("different seeds give the kernel demo different fingerprints", () => {
    const fingerprints = ["1", "2", "3", "4", "5", "6"].map((seed) => runKernelDemo(seed).fingerprint);
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  it("a scenario using every kernel feature replays event for event", () => {
    const first = gossipRun("gossip", true);
    const second = gossipRun("gossip", true);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.events).toBe(first.events);
    expect(second.trace).toEqual(first.trace);
    // The scenario really exercised the faults it claims to.
    const kinds = new Set(first.trace.map((e) => e.kind));
    for (const kind of ["packet-lost", "partition", "heal", "pause", "resume", "crash", "restart", "connection-reset", "deliver", "synced"]) {
      expect(kinds, kind).toContain(kind);
    }
  });

  it("different seeds give the scenario different fingerprints", () => {
    const fingerprints = ["g1", "g2", "g3", "g4"].map((seed) => gossipRun(seed, false).fingerprint);
    expect(new Set(fingerprints).size).toBe(4);
  });

  it("writing a trace does not change the fingerprint", () => {
    expect(gossipRun("watched", true).fingerprint).toBe(gossipRun("watched", false).fingerprint);
  });

  it("the same seed gives the same fingerprint in two separate processes, and the same as in this one", () => {
    const runCli = (seed: string): { seed: string; fingerprint: string; events: number } =>
      JSON.parse(
        execFileSync(process.execPath, ["bin/ksim.js", "demo", "--seed", seed, "--json"], { cwd: repoRoot, encoding: "utf8" }),
      );
    const first = runCli("cross-process");
    const second = runCli("cross-process");
    expect(first.fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(second.fingerprint).toBe(first.fingerprint);
    expect(second.events).toBe(first.events);
    expect(runKernelDemo("cross-process").fingerprint).toBe(first.fingerprint);
  }, 30_000);
});

describe("determinism: the fingerprint", () => {
  function timerRun(delay: number): string {
    const sim = new Simulation({ seed: "fp" });
    sim.schedule(delay, sim.label("x"), () => {});
    sim.run();
    return sim.fingerprint.toString();
  }

  it("notices a one-microsecond difference", () => {
    expect(timerRun(1_000)).not.toBe(timerRun(1_001));
    expect(timerRun(1_000)).toBe(timerRun(1_000));
  });

  it("depends on the order of what it folds", () => {
    const a = new Fingerprint();
    a.fold(1);
    a.fold(2);
    const b = new Fingerprint();
    b.fold(2);
    b.fold(1);
    expect(a.toString()).not.toBe(b.toString());
    expect(a.words).toBe(2);
  });

  it("tells integers apart beyond 32 bits", () => {
    const a = new Fingerprint();
    a.foldInteger(5);
    const b = new Fingerprint();
    b.foldInteger(5 + 2 ** 32);
    expect(a.toString()).not.toBe(b.toString());
  });

  it("folds the seed first, so two seeds differ before anything happens", () => {
    expect(new Simulation({ seed: "a" }).fingerprint.toString()).not.toBe(new Simulation({ seed: "b" }).fingerprint.toString());
  });
});
