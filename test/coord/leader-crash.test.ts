import { describe, expect, it } from "vitest";
import { seconds } from "../../sim/index.ts";
import { epochOf } from "../../src/coord/zxid.ts";
import {
  addClient,
  answeredWritesCommitted,
  awaitConnected,
  awaitLeader,
  awaitReady,
  awaitSettled,
  awaitBox,
  awaitWrite,
  finalStateProblems,
  linearizabilityViolations,
  makeWorld,
  runFor,
  runUntil,
  type WriteRecord,
} from "./harness.ts";

describe("coordination: leader crash", () => {
  // The crash comes at different points of a write's life: before the leader has it, while
  // followers fsync it, after it committed (the last write is then in doubt for the client).
  it.each([
    ["1", 700],
    ["2", 2_000],
    ["3", 3_000],
    ["4", 4_500],
  ])(
    "a new leader with a higher epoch keeps every acknowledged write, and the client's session and ephemeral survive (seed %s, crash %ius into the writes)",
    (seed, crashAfterMicros) => {
      const world = makeWorld({ seed: `leader-crash/${seed}` });
      const { sim, ens } = world;
      const first = awaitLeader(world);
      const firstEpoch = ens.member(first)!.store.currentEpoch;
      expect(firstEpoch).toBeGreaterThan(0);

      const c1 = addClient(world, "c1", { sessionTimeoutMicros: seconds(12) });
      expect(awaitConnected(sim, c1)).toBe(true);
      const session = c1.client.sessionId;
      expect(session).toBeGreaterThan(0);

      const eph = c1.create("/owner", "c1", { ephemeral: true });
      expect(awaitWrite(sim, eph)).toBe(true);
      expect(eph.results?.[0]?.ok).toBe(true);

      const writes: WriteRecord[] = [];
      for (let i = 0; i < 20; i++) writes.push(c1.create(`/n${i}`, `v${i}`));
      expect(runUntil(sim, () => writes.every((w) => w.completeSeq !== undefined), seconds(10))).toBe(true);
      const acked = writes.filter((w) => w.results?.[0]?.ok);
      expect(acked.length).toBe(20);

      // More writes in flight when the leader dies: some may be lost, none acknowledged may be.
      for (let i = 20; i < 30; i++) writes.push(c1.create(`/n${i}`, `v${i}`));
      runFor(sim, crashAfterMicros);
      sim.node(first).crash();

      const second = awaitLeader(world);
      expect(second).not.toBe(first);
      const secondEpoch = ens.member(second)!.store.currentEpoch;
      expect(secondEpoch).toBeGreaterThan(firstEpoch);
      expect(world.checker.leadersByEpoch().map(([e]) => e)).toEqual([firstEpoch, secondEpoch]);

      // Every write the client saw acknowledged is in the new leader's tree.
      runUntil(sim, () => writes.every((w) => w.completeSeq !== undefined), seconds(20));
      const tree = ens.member(second)!.tree;
      for (const w of world.history.acked()) {
        const op = w.ops[0]!;
        expect(tree.nodes.get(op.path), `acked ${op.path} lost by the new leader`).toBeDefined();
      }
      expect(epochOf(tree.lastZxid)).toBeGreaterThanOrEqual(firstEpoch);

      // The client finds the new quorum and keeps its session and its ephemeral node.
      expect(awaitConnected(sim, c1)).toBe(true);
      expect(c1.client.sessionId).toBe(session);
      expect(c1.host.states).toContain("disconnected");
      expect(c1.host.states).not.toContain("expired");
      const read = c1.getData("/owner");
      expect(awaitBox(sim, read)).toBe(true);
      expect(read.result).toMatchObject({ ok: true, node: { ephemeralOwner: session } });

      // Writes go on under the new leader, in its epoch.
      const after = c1.create("/after", "x");
      expect(awaitWrite(sim, after)).toBe(true);
      expect(after.results?.[0]?.ok).toBe(true);
      expect(epochOf(after.zxid!)).toBe(secondEpoch);

      // The old leader comes back as a follower and catches up.
      sim.node(first).restart();
      expect(awaitSettled(world)).toBe(true);
      expect(ens.member(first)!.state).toBe("following");
      expect(world.checker.checkPrefixes()).toEqual([]);
      expect(world.checker.violations).toEqual([]);
      expect(answeredWritesCommitted(world)).toEqual([]);
      expect(linearizabilityViolations(world.history)).toEqual([]);
      expect(finalStateProblems(world)).toEqual([]);
    },
  );

  it.each(["1", "2", "3"])(
    "the follower with the longest log wins the election even against a higher server id, and the lagging one catches up (seed %s)",
    (seed) => {
      const world = makeWorld({ seed: `leader-crash/longest-log/${seed}` });
      const { sim, ens } = world;
      const first = awaitReady(world);
      // Server ids break ties only: make the higher-id follower the one that lags behind.
      const [low, high] = ens.names.filter((n) => n !== first) as [string, string];
      const c1 = addClient(world, "c1", { members: [first] });
      expect(awaitConnected(sim, c1)).toBe(true);
      sim.network.clog(first, high, seconds(5));
      const writes: WriteRecord[] = [];
      for (let i = 0; i < 10; i++) writes.push(c1.create(`/n${i}`, "x"));
      expect(runUntil(sim, () => writes.every((w) => w.completeSeq !== undefined), seconds(2))).toBe(true);
      expect(writes.every((w) => w.results?.[0]?.ok)).toBe(true);
      expect(ens.member(high)!.store.lastZxid).toBeLessThan(ens.member(low)!.store.lastZxid);
      sim.node(first).crash();
      sim.network.unclog(first, high);
      const second = awaitLeader(world, seconds(10));
      expect(second).toBe(low);
      for (const w of writes) expect(ens.member(second)!.tree.nodes.get(w.ops[0]!.path)).toBeDefined();
      const caughtUp = () => ens.member(high)!.serving && ens.member(high)!.tree.lastZxid === ens.member(low)!.tree.lastZxid;
      expect(runUntil(sim, caughtUp, seconds(10))).toBe(true);
      expect(world.checker.violations).toEqual([]);
    },
  );
});
