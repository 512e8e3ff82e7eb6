import { describe, expect, it } from "vitest";
import { CORRUPT_RECORD, millis, seconds, type DiskRecord } from "../../sim/index.ts";
import type { LogEntry } from "../../src/coord/messages.ts";
import {
  addClient,
  awaitConnected,
  awaitReady,
  awaitWrite,
  makeWorld,
  runUntil,
  type World,
} from "./harness.ts";

/** The zxids a member's log kept through its crash (what a restart would recover). */
function zxidsOnDisk(world: World, member: string): number[] {
  const file = world.sim.node(member).disk.file<LogEntry & DiskRecord>("zab/log");
  return file.readAll().flatMap((r) => (r === CORRUPT_RECORD ? [] : [r.zxid]));
}

describe("coordination: an acknowledgement means it is on disk", () => {
  it.each(["1", "2", "3"])(
    "a follower whose ack committed a write still has it after a crash that loses every unsynced record (seed %s)",
    (seed) => {
      // Slow fsyncs, so that anything acknowledged early would still be in the page cache.
      const world = makeWorld({ seed: `durability/ack/${seed}`, disk: { crashLoss: "all", fsyncMicros: millis(50) } });
      const { sim, ens } = world;
      const leader = awaitReady(world);
      const [follower, down] = ens.names.filter((n) => n !== leader) as [string, string];
      sim.node(down).crash();
      // With one follower down, the other's acknowledgement is needed for every commit.
      const client = addClient(world, "c1", { members: [leader] });
      expect(awaitConnected(sim, client)).toBe(true);
      for (let i = 0; i < 5; i++) {
        // The very moment the client hears of its write, the follower loses power.
        const w = client.write([{ op: "create", path: `/n${i}`, data: "x", ephemeral: false, sequential: false }], false, () =>
          sim.node(follower).crash(),
        );
        expect(runUntil(sim, () => w.completeSeq !== undefined, seconds(5))).toBe(true);
        expect(w.results?.[0]?.ok).toBe(true);
        expect(sim.node(follower).isDown).toBe(true);
        expect(zxidsOnDisk(world, follower)).toContain(w.zxid);
        sim.node(follower).restart();
        expect(runUntil(sim, () => ens.member(follower)?.serving === true, seconds(30))).toBe(true);
      }
    },
  );

  it.each(["1", "2", "3"])(
    "a follower acknowledges NEWLEADER only once the history it was sent is on disk (seed %s)",
    (seed) => {
      const world = makeWorld({ seed: `durability/sync/${seed}`, disk: { crashLoss: "all", fsyncMicros: millis(50) } });
      const { sim, ens } = world;
      const leader = awaitReady(world);
      const [late] = ens.names.filter((n) => n !== leader) as [string];
      sim.node(late).crash();
      const client = addClient(world, "c1", { members: [leader] });
      expect(awaitConnected(sim, client)).toBe(true);
      for (let i = 0; i < 20; i++) expect(awaitWrite(sim, client.create(`/n${i}`, "x"))).toBe(true);
      const history = ens.member(leader)!.store.entries.map((e) => e.zxid);
      // It comes back, is sent the 20 entries it missed, and crashes the moment it serves.
      sim.node(late).restart();
      expect(runUntil(sim, () => ens.member(late)?.serving === true, seconds(30), millis(1))).toBe(true);
      sim.node(late).crash();
      const kept = zxidsOnDisk(world, late);
      for (const zxid of history) expect(kept).toContain(zxid);
    },
  );
});
