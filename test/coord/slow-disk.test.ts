import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import {
  addClient,
  answeredWritesCommitted,
  awaitReady,
  awaitSettled,
  finalStateProblems,
  makeWorld,
  runFor,
  runUntil,
  type RecordingClientHost,
  type World,
} from "./harness.ts";

function writer(world: World, name: string, stop: { now: boolean }): (host: RecordingClientHost) => void {
  return (host) => {
    let i = 0;
    let busy = false;
    const loop = (): void => {
      if (stop.now) return;
      if (host.client.state === "connected" && !busy) {
        busy = true;
        world.clients.get(name)!.write([{ op: "create", path: `/${name}-${i++}`, data: "x", ephemeral: false, sequential: false }], false, () => (busy = false));
      }
      host.ctx.setTimer(millis(50), "test.write", loop);
    };
    host.ctx.setTimer(millis(50), "test.write", loop);
  };
}

describe("coordination: a slow disk", () => {
  it.each(["1", "2"])(
    "a follower whose disk was 100x slower for 5 s can help elect a new leader soon after it recovers (seed %s)",
    (seed) => {
      const world = makeWorld({ seed: `slow-disk/${seed}`, disk: { fsyncMicros: millis(10) } });
      const { sim, ens } = world;
      const leader = awaitReady(world);
      const stop = { now: false };
      for (const c of ["w1", "w2", "w3"]) addClient(world, c, { sessionTimeoutMicros: seconds(30), script: writer(world, c, stop) });
      runFor(sim, seconds(2));
      const slow = ens.names.find((n) => n !== leader)!;
      sim.node(slow).disk.slow(100);
      runFor(sim, seconds(5));
      // The other two carried the writes meanwhile: one slow follower stalls nothing.
      const ackedDuringSlowSpell = world.history.acked().filter((w) => w.completeMicros! > sim.now - seconds(5)).length;
      expect(ackedDuringSlowSpell).toBeGreaterThan(100);
      sim.node(slow).disk.slow(1);
      // Now the slow member is needed: without the leader, no quorum forms unless its disk can
      // persist the new epoch. Flushes are grouped (as ZooKeeper's SyncRequestProcessor does),
      // so what piled up is flushed by one or two fsyncs rather than one per entry.
      const crashAt = sim.now;
      sim.node(leader).crash();
      expect(runUntil(sim, () => ens.leader() !== null, seconds(10))).toBe(true);
      expect(sim.now - crashAt).toBeLessThan(seconds(5));
      stop.now = true;
      sim.node(leader).restart();
      expect(awaitSettled(world)).toBe(true);
      expect(world.checker.violations).toEqual([]);
      expect(world.checker.checkPrefixes()).toEqual([]);
      expect(answeredWritesCommitted(world)).toEqual([]);
      expect(finalStateProblems(world)).toEqual([]);
    },
  );
});
