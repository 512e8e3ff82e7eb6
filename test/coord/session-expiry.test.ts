import { describe, expect, it } from "vitest";
import { seconds } from "../../sim/index.ts";
import type { WatchEventType } from "../../src/coord/ZnodeTree.ts";
import {
  addClient,
  awaitBox,
  awaitConnected,
  awaitLeader,
  awaitWrite,
  finalStateProblems,
  makeWorld,
  runFor,
  runUntil,
} from "./harness.ts";

describe("coordination: a client partitioned from the ensemble", () => {
  it.each(["1", "2", "3"])(
    "loses its session after the timeout: its ephemeral goes, a watcher hears 'deleted', and it learns of the expiry at heal (seed %s)",
    (seed) => {
      const world = makeWorld({ seed: `session-expiry/${seed}` });
      const { sim, ens } = world;
      awaitLeader(world);
      const timeout = seconds(6);
      const owner = addClient(world, "owner", { sessionTimeoutMicros: timeout });
      const observer = addClient(world, "observer", { sessionTimeoutMicros: seconds(20) });
      expect(awaitConnected(sim, owner)).toBe(true);
      expect(awaitConnected(sim, observer)).toBe(true);
      const ownerSession = owner.client.sessionId;

      const lock = owner.create("/lock", "owner", { ephemeral: true });
      expect(awaitWrite(sim, lock)).toBe(true);
      expect(lock.results?.[0]?.ok).toBe(true);

      const events: [WatchEventType, string, number][] = [];
      const seen = observer.getData("/lock", (event, path) => events.push([event, path, sim.now]));
      expect(awaitBox(sim, seen)).toBe(true);
      expect(seen.result).toMatchObject({ ok: true, node: { ephemeralOwner: ownerSession } });

      const cutAt = sim.now;
      sim.network.isolate("owner");

      // Before the timeout the session lives: the lock is still there.
      runFor(sim, timeout - seconds(2));
      const stillThere = observer.exists("/lock");
      expect(awaitBox(sim, stillThere)).toBe(true);
      expect(stillThere.result).toMatchObject({ ok: true, node: { ephemeralOwner: ownerSession } });
      expect(events).toEqual([]);
      expect(owner.state).not.toBe("expired");

      // The leader expires the session: the lock goes, and the observer's watch fires once.
      expect(runUntil(sim, () => events.length > 0, seconds(15))).toBe(true);
      expect(events.map(([e, p]) => [e, p])).toEqual([["deleted", "/lock"]]);
      const firedAt = events[0]![2];
      expect(firedAt - cutAt).toBeGreaterThanOrEqual(timeout);
      // A leader checks expiry each tick, so the session goes within a tick or two of its timeout.
      expect(firedAt - cutAt).toBeLessThan(timeout + 2 * ens.config.tickMicros + seconds(1));
      const gone = observer.getData("/lock");
      expect(awaitBox(sim, gone)).toBe(true);
      expect(gone.result).toEqual({ ok: false, error: "NONODE" });
      const absent = observer.exists("/lock");
      expect(awaitBox(sim, absent)).toBe(true);
      expect(absent.result).toEqual({ ok: true, node: null });
      for (const name of ens.names) expect(ens.member(name)!.tree.sessions[String(ownerSession)]).toBeUndefined();

      // Cut off, the owner cannot know yet: a ZooKeeper client learns of expiry from a member.
      expect(owner.state).toBe("disconnected");
      sim.network.heal();
      expect(runUntil(sim, () => owner.state === "expired", seconds(30))).toBe(true);
      expect(owner.host.states).toEqual(["connected", "disconnected", "expired"]);

      // Requests on an expired handle fail at once with SESSIONEXPIRED.
      const afterExpiry = owner.create("/again", "x");
      expect(awaitWrite(sim, afterExpiry)).toBe(true);
      expect(afterExpiry.error).toBe("SESSIONEXPIRED");
      expect(afterExpiry.zxid).toBeUndefined();

      // The observer was never disturbed, and no watch fired twice.
      runFor(sim, seconds(5));
      expect(events.length).toBe(1);
      expect(observer.state).toBe("connected");
      expect(world.checker.violations).toEqual([]);
      expect(world.checker.checkPrefixes()).toEqual([]);
      expect(finalStateProblems(world)).toEqual([]);
    },
  );

  it("a client that stays connected keeps its session far beyond the timeout", () => {
    const world = makeWorld({ seed: "session-expiry/alive" });
    const { sim } = world;
    awaitLeader(world);
    const owner = addClient(world, "owner", { sessionTimeoutMicros: seconds(4) });
    expect(awaitConnected(sim, owner)).toBe(true);
    const lock = owner.create("/lock", "owner", { ephemeral: true });
    expect(awaitWrite(sim, lock)).toBe(true);
    runFor(sim, seconds(60));
    expect(owner.state).toBe("connected");
    expect(owner.host.states).toEqual(["connected"]);
    for (const name of world.ens.names) expect(world.ens.member(name)!.tree.nodes.get("/lock")).toBeDefined();
  });

  it("a session timeout outside [2, 20] ticks is clamped to it", () => {
    const world = makeWorld({ seed: "session-expiry/clamp" });
    const { sim, ens } = world;
    awaitLeader(world);
    const short = addClient(world, "short", { sessionTimeoutMicros: seconds(1) });
    const long = addClient(world, "long", { sessionTimeoutMicros: seconds(600) });
    expect(awaitConnected(sim, short)).toBe(true);
    expect(awaitConnected(sim, long)).toBe(true);
    const sessions = ens.member(ens.leader()!)!.tree.sessions;
    expect(sessions[String(short.client.sessionId)]!.timeoutMicros).toBe(2 * ens.config.tickMicros);
    expect(sessions[String(long.client.sessionId)]!.timeoutMicros).toBe(20 * ens.config.tickMicros);
  });

  it("closing a session removes its ephemerals at once, and fires the watch set on them", () => {
    const world = makeWorld({ seed: "session-expiry/close" });
    const { sim } = world;
    awaitLeader(world);
    const owner = addClient(world, "owner");
    const observer = addClient(world, "observer");
    expect(awaitConnected(sim, owner)).toBe(true);
    expect(awaitConnected(sim, observer)).toBe(true);
    expect(awaitWrite(sim, owner.create("/lock", "", { ephemeral: true }))).toBe(true);
    const events: WatchEventType[] = [];
    expect(awaitBox(sim, observer.exists("/lock", (e) => events.push(e)))).toBe(true);
    let closed = false;
    owner.client.close(() => (closed = true));
    expect(runUntil(sim, () => closed && events.length > 0, seconds(2))).toBe(true);
    expect(events).toEqual(["deleted"]);
    expect(owner.state).toBe("closed");
  });
});
