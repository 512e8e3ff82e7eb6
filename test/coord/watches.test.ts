import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import type { WatchEventType } from "../../src/coord/ZnodeTree.ts";
import {
  addClient,
  awaitBox,
  awaitConnected,
  awaitReady,
  awaitWrite,
  makeWorld,
  runFor,
  runUntil,
  type TestClient,
  type World,
} from "./harness.ts";

type Fired = [WatchEventType, string];

function setup(seed: string, watcherMembers?: readonly string[]): { world: World; writer: TestClient; watcher: TestClient; fired: Fired[] } {
  const world = makeWorld({ seed: `watches/${seed}` });
  awaitReady(world);
  const writer = addClient(world, "writer");
  const watcher = addClient(world, "watcher", { members: watcherMembers });
  expect(awaitConnected(world.sim, writer)).toBe(true);
  expect(awaitConnected(world.sim, watcher)).toBe(true);
  return { world, writer, watcher, fired: [] };
}

function ok(world: World, w: ReturnType<TestClient["create"]>): void {
  expect(awaitWrite(world.sim, w)).toBe(true);
  expect(w.results?.[0]?.ok, JSON.stringify(w)).toBe(true);
}

describe("coordination: watches", () => {
  it("a getData watch fires once on setData, and not again for the next setData", () => {
    const { world, writer, watcher, fired } = setup("getData");
    const { sim } = world;
    ok(world, writer.create("/cfg", "v0"));
    const read = watcher.getData("/cfg", (e, p) => fired.push([e, p]));
    expect(awaitBox(sim, read)).toBe(true);
    expect(read.result).toMatchObject({ ok: true, node: { data: "v0", version: 0 } });
    runFor(sim, seconds(1));
    expect(fired).toEqual([]);

    ok(world, writer.setData("/cfg", "v1", 0));
    expect(runUntil(sim, () => fired.length > 0, seconds(2))).toBe(true);
    expect(fired).toEqual([["dataChanged", "/cfg"]]);

    // One-shot: the second change goes unnoticed until the watch is set again; the member
    // itself sends nothing more (the client library alone would hide a second notification).
    ok(world, writer.setData("/cfg", "v2", 1));
    runFor(sim, seconds(2));
    expect(fired).toEqual([["dataChanged", "/cfg"]]);
    expect(watcher.host.notifications.map((n) => [n.event, n.path])).toEqual([["dataChanged", "/cfg"]]);
    expect(awaitBox(sim, watcher.getData("/cfg", (e, p) => fired.push([e, p])))).toBe(true);
    ok(world, writer.setData("/cfg", "v3", 2));
    expect(runUntil(sim, () => fired.length > 1, seconds(2))).toBe(true);
    expect(fired).toEqual([
      ["dataChanged", "/cfg"],
      ["dataChanged", "/cfg"],
    ]);
  });

  it("a getChildren watch fires on a child create, and not on a change to a child's data", () => {
    const { world, writer, watcher, fired } = setup("getChildren");
    const { sim } = world;
    ok(world, writer.create("/dir", ""));
    ok(world, writer.create("/dir/a", ""));
    const list = watcher.getChildren("/dir", (e, p) => fired.push([e, p]));
    expect(awaitBox(sim, list)).toBe(true);
    expect(list.result).toMatchObject({ ok: true, node: { children: ["a"] } });
    ok(world, writer.setData("/dir/a", "changed", 0));
    runFor(sim, seconds(1));
    expect(fired).toEqual([]);
    ok(world, writer.create("/dir/b", "", { ephemeral: true }));
    expect(runUntil(sim, () => fired.length > 0, seconds(2))).toBe(true);
    expect(fired).toEqual([["childrenChanged", "/dir"]]);
  });

  it("an exists watch on a missing node fires 'created' when it appears", () => {
    const { world, writer, watcher, fired } = setup("exists");
    const { sim } = world;
    const probe = watcher.exists("/later", (e, p) => fired.push([e, p]));
    expect(awaitBox(sim, probe)).toBe(true);
    expect(probe.result).toEqual({ ok: true, node: null });
    runFor(sim, seconds(1));
    expect(fired).toEqual([]);
    ok(world, writer.create("/later", "here"));
    expect(runUntil(sim, () => fired.length > 0, seconds(2))).toBe(true);
    expect(fired).toEqual([["created", "/later"]]);
    ok(world, writer.setData("/later", "again", 0));
    runFor(sim, seconds(1));
    expect(fired.length).toBe(1);
    expect(watcher.host.notifications.length).toBe(1);
  });

  it("a getData watch on a node that is deleted fires 'deleted'", () => {
    const { world, writer, watcher, fired } = setup("deleted");
    const { sim } = world;
    ok(world, writer.create("/gone", ""));
    expect(awaitBox(sim, watcher.getData("/gone", (e, p) => fired.push([e, p])))).toBe(true);
    ok(world, writer.delete("/gone", 0));
    expect(runUntil(sim, () => fired.length > 0, seconds(2))).toBe(true);
    expect(fired).toEqual([["deleted", "/gone"]]);
  });

  it.each(["1", "2", "3"])(
    "watches are re-registered (SetWatches) when the client moves to another member, and fire there (seed %s)",
    (seed) => {
      const world0 = makeWorld({ seed: `watches/move/${seed}` });
      const leader = awaitReady(world0);
      const followers = world0.ens.names.filter((n) => n !== leader);
      const world = world0;
      const { sim } = world;
      const writer = addClient(world, "writer", { members: [leader] });
      // The watcher may use the followers only, so losing one moves it to the other.
      const watcher = addClient(world, "watcher", { members: followers });
      expect(awaitConnected(sim, writer)).toBe(true);
      expect(awaitConnected(sim, watcher)).toBe(true);
      const fired: Fired[] = [];
      ok(world, writer.create("/cfg", "v0"));
      ok(world, writer.create("/dir", ""));
      expect(awaitBox(sim, watcher.getData("/cfg", (e, p) => fired.push([e, p])))).toBe(true);
      expect(awaitBox(sim, watcher.getChildren("/dir", (e, p) => fired.push([e, p])))).toBe(true);
      expect(awaitBox(sim, watcher.exists("/new", (e, p) => fired.push([e, p])))).toBe(true);

      const first = watcher.client.connectedTo!;
      expect(followers).toContain(first);
      sim.node(first).crash();
      expect(runUntil(sim, () => watcher.client.connectedTo !== null && watcher.client.connectedTo !== first, seconds(30))).toBe(true);
      const second = watcher.client.connectedTo!;
      expect(second).not.toBe(first);
      expect(watcher.client.state).toBe("connected");
      runFor(sim, millis(500));
      // Nothing changed while it moved, so nothing fired on re-registration.
      expect(fired).toEqual([]);

      ok(world, writer.setData("/cfg", "v1", 0));
      ok(world, writer.create("/dir/x", ""));
      ok(world, writer.create("/new", ""));
      expect(runUntil(sim, () => fired.length >= 3, seconds(5))).toBe(true);
      expect([...fired].sort()).toEqual([
        ["childrenChanged", "/dir"],
        ["created", "/new"],
        ["dataChanged", "/cfg"],
      ]);
      // Each fired once, at the member the client moved to.
      ok(world, writer.setData("/cfg", "v2", 1));
      runFor(sim, seconds(1));
      expect(fired.length).toBe(3);
    },
  );

  it("a change made while the client was away fires its watch as soon as it re-registers", () => {
    const world = makeWorld({ seed: "watches/missed" });
    const leader = awaitReady(world);
    const followers = world.ens.names.filter((n) => n !== leader);
    const { sim } = world;
    const writer = addClient(world, "writer", { members: [leader] });
    const watcher = addClient(world, "watcher", { members: followers, sessionTimeoutMicros: seconds(20) });
    expect(awaitConnected(sim, writer)).toBe(true);
    expect(awaitConnected(sim, watcher)).toBe(true);
    const fired: Fired[] = [];
    ok(world, writer.create("/cfg", "v0"));
    expect(awaitBox(sim, watcher.getData("/cfg", (e, p) => fired.push([e, p])))).toBe(true);
    const first = watcher.client.connectedTo!;
    // Cut the watcher off, change the node meanwhile, then let it find the other follower.
    sim.network.partition([["watcher"], [first]]);
    sim.network.partition([["watcher"], followers.filter((f) => f !== first)]);
    ok(world, writer.setData("/cfg", "v1", 0));
    runFor(sim, seconds(1));
    expect(fired).toEqual([]);
    sim.node(first).crash();
    sim.network.heal();
    expect(runUntil(sim, () => fired.length > 0, seconds(20))).toBe(true);
    expect(fired).toEqual([["dataChanged", "/cfg"]]);
    expect(watcher.client.connectedTo).not.toBe(first);
    expect(watcher.state).toBe("connected");
  });
});
