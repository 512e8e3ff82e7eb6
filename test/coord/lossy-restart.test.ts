import { describe, expect, it } from "vitest";
import { millis, seconds, type CrashLossPolicy } from "../../sim/index.ts";
import {
  addClient,
  answeredWritesCommitted,
  awaitConnected,
  awaitLeader,
  awaitSettled,
  finalStateProblems,
  makeWorld,
  runFor,
  runUntil,
  treeView,
  type RecordingClientHost,
  type World,
} from "./harness.ts";

/**
 * A client that keeps one create in flight at all times until stopped or 500 creates in
 * (checking every `gapMicros`), so with slow fsyncs the logs always have an unsynced tail.
 */
function steadyWriter(world: World, name: string, gapMicros: number, stop: { now: boolean }): (host: RecordingClientHost) => void {
  return (host) => {
    let i = 0;
    let busy = false;
    const loop = (): void => {
      if (stop.now) return;
      if (host.client.state === "connected" && !busy && i < 500) {
        busy = true;
        world.clients.get(name)!.write([{ op: "create", path: `/${name}-${i++}`, data: "x", ephemeral: false, sequential: false }], false, () => (busy = false));
      }
      host.ctx.setTimer(gapMicros, "test.write", loop);
    };
    host.ctx.setTimer(gapMicros, "test.write", loop);
  };
}

describe("coordination: member restart after a lossy crash", () => {
  it.each<[CrashLossPolicy, "follower" | "leader", string]>([
    ["all", "follower", "1"],
    ["all", "follower", "2"],
    ["torn", "follower", "3"],
    ["torn", "follower", "4"],
    ["all", "leader", "5"],
    ["torn", "leader", "6"],
  ])("with crashLoss %s, a %s that lost its unsynced log tail resyncs to the committed state (seed %s)", (crashLoss, who, seed) => {
    // Slow fsyncs: whatever arrived in the last 30ms is still in the page cache at the crash.
    const world = makeWorld({ seed: `lossy-restart/${seed}`, disk: { crashLoss, fsyncMicros: millis(30) } });
    const { sim, ens } = world;
    const leader = awaitLeader(world);
    const stop = { now: false };
    for (const w of ["w1", "w2", "w3"]) addClient(world, w, { sessionTimeoutMicros: seconds(20), script: steadyWriter(world, w, millis(2), stop) });
    const observer = addClient(world, "observer", { sessionTimeoutMicros: seconds(20) });
    expect(awaitConnected(sim, observer)).toBe(true);
    runFor(sim, seconds(3));

    const victim = who === "leader" ? leader : ens.names.find((n) => n !== leader)!;
    const lastLoggedBefore = ens.member(victim)!.store.lastZxid;
    expect(sim.node(victim).disk.file("zab/log").unsyncedCount).toBeGreaterThan(0);
    sim.node(victim).crash();
    runFor(sim, seconds(2));
    sim.node(victim).restart();
    // The crash lost (or tore) the log's tail: the member comes back knowing less than it had logged.
    expect(ens.member(victim)!.store.lastZxid).toBeLessThan(lastLoggedBefore);

    // Writes go on while it rejoins; then they stop and everyone settles.
    expect(runUntil(sim, () => ens.member(victim)!.serving, seconds(30))).toBe(true);
    runFor(sim, seconds(2));
    stop.now = true;
    expect(awaitSettled(world)).toBe(true);

    const current = ens.leader()!;
    const leaderTree = ens.member(current)!.tree;
    const rejoined = ens.member(victim)!.tree;
    expect(rejoined.lastZxid).toBe(leaderTree.lastZxid);
    expect(treeView(rejoined)).toEqual(treeView(leaderTree));
    // Its log holds the committed history again, entry for entry.
    const zxids = (name: string) => ens.member(name)!.store.entries.map((e) => e.zxid);
    expect(zxids(victim)).toEqual(zxids(current));
    expect(leaderTree.nodes.size).toBeGreaterThan(100);

    expect(world.checker.violations).toEqual([]);
    expect(world.checker.checkPrefixes()).toEqual([]);
    expect(answeredWritesCommitted(world)).toEqual([]);
    expect(finalStateProblems(world)).toEqual([]);
  });
});

describe("coordination: power loss of the whole ensemble", () => {
  it.each(["all", "torn"] as const)("with crashLoss %s, every member crashing at once loses nothing acknowledged", (crashLoss) => {
    const world = makeWorld({ seed: `power-loss/${crashLoss}`, disk: { crashLoss, fsyncMicros: millis(30) } });
    const { sim, ens } = world;
    awaitLeader(world);
    const stop = { now: false };
    for (const w of ["w1", "w2", "w3"]) addClient(world, w, { sessionTimeoutMicros: seconds(30), script: steadyWriter(world, w, millis(2), stop) });
    runFor(sim, seconds(3));
    const lastLogged = Math.max(...ens.names.map((n) => ens.member(n)!.store.lastZxid));
    for (const n of ens.names) sim.node(n).crash();
    const ackedBefore = world.history.acked().length;
    expect(ackedBefore).toBeGreaterThan(20);
    runFor(sim, seconds(1));
    for (const n of ens.names) sim.node(n).restart();
    // Something unsynced was lost somewhere, yet every acknowledged write is still committed.
    expect(Math.max(...ens.names.map((n) => ens.member(n)!.store.lastZxid))).toBeLessThanOrEqual(lastLogged);
    expect(ens.names.some((n) => ens.member(n)!.store.lastZxid < lastLogged)).toBe(true);
    awaitLeader(world);
    runFor(sim, seconds(3));
    stop.now = true;
    expect(awaitSettled(world)).toBe(true);
    const tree = ens.member(ens.leader()!)!.tree;
    for (const w of world.history.acked()) expect(tree.nodes.get(w.ops[0]!.path), `lost ${w.ops[0]!.path}`).toBeDefined();
    expect(world.history.acked().length).toBeGreaterThan(ackedBefore);
    expect(world.checker.violations).toEqual([]);
    expect(world.checker.checkPrefixes()).toEqual([]);
    expect(answeredWritesCommitted(world)).toEqual([]);
    expect(finalStateProblems(world)).toEqual([]);
  });
});
