import { describe, expect, it } from "vitest";
import { millis } from "../../sim/index.ts";
import {
  addClient,
  awaitBox,
  awaitConnected,
  awaitReady,
  awaitWrite,
  makeWorld,
  runUntil,
} from "./harness.ts";

describe("coordination: sync", () => {
  it.each(["1", "2", "3"])(
    "sync then read, at a lagging follower, sees a write made through another member (seed %s)",
    (seed) => {
      const world = makeWorld({ seed: `sync/${seed}` });
      const { sim, ens } = world;
      const leader = awaitReady(world);
      const [lagging, other] = ens.names.filter((n) => n !== leader) as [string, string];
      const writer = addClient(world, "writer", { members: [leader] });
      const reader = addClient(world, "reader", { members: [lagging] });
      expect(awaitConnected(sim, writer)).toBe(true);
      expect(awaitConnected(sim, reader)).toBe(true);

      // The lagging follower hears from the leader 300ms late; the other follower makes the quorum.
      sim.network.clog(leader, lagging, millis(300));
      const write = writer.create("/fresh", "new");
      expect(awaitWrite(sim, write, millis(100))).toBe(true);
      expect(write.results?.[0]?.ok).toBe(true);
      expect(ens.member(other)!.tree.nodes.get("/fresh")).toBeDefined();

      // A plain read at the lagging member is stale: ZooKeeper reads are served locally.
      const stale = reader.getData("/fresh");
      expect(awaitBox(sim, stale, millis(50))).toBe(true);
      expect(stale.result).toEqual({ ok: false, error: "NONODE" });

      // sync, then read: the read sees the write.
      const synced = reader.sync("/fresh");
      const fresh = reader.getData("/fresh");
      expect(awaitBox(sim, fresh, millis(2_000))).toBe(true);
      expect(synced.result).toEqual({ ok: true });
      expect(fresh.result).toMatchObject({ ok: true, node: { data: "new" } });
      // It had to wait for the slow link: the sync is not answered from the stale state.
      expect(ens.member(lagging)!.tree.nodes.get("/fresh")).toBeDefined();
      sim.network.unclog(leader, lagging);
    },
  );

  it("a sync waits for a write the leader has proposed but not yet committed", () => {
    const world = makeWorld({ seed: "sync/in-flight" });
    const { sim, ens } = world;
    const leader = awaitReady(world);
    const followers = ens.names.filter((n) => n !== leader);
    const writer = addClient(world, "writer", { members: [leader] });
    const reader = addClient(world, "reader", { members: [leader] });
    expect(awaitConnected(sim, writer)).toBe(true);
    expect(awaitConnected(sim, reader)).toBe(true);
    for (const f of followers) sim.network.clog(leader, f, millis(200));
    const before = ens.member(leader)!.store.lastZxid;
    const write = writer.create("/x", "1");
    expect(runUntil(sim, () => ens.member(leader)!.store.lastZxid > before, millis(50), 100)).toBe(true);
    expect(ens.member(leader)!.tree.nodes.get("/x")).toBeUndefined();
    const synced = reader.sync("/");
    const read = reader.getData("/x");
    expect(awaitBox(sim, read, millis(2_000))).toBe(true);
    expect(synced.result).toEqual({ ok: true });
    expect(read.result).toMatchObject({ ok: true, node: { data: "1" } });
    expect(write.results?.[0]?.ok).toBe(true);
    // The sync was answered no earlier than the write it waited for.
    expect(sim.now).toBeGreaterThanOrEqual(write.completeMicros!);
  });
});
