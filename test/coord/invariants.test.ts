import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { EnsembleChecker, checkTree } from "../../src/coord/EnsembleChecker.ts";
import type { LogEntry } from "../../src/coord/messages.ts";
import { EMPTY_TREE, type Txn, type TreeState } from "../../src/coord/ZnodeTree.ts";
import { makeZxid } from "../../src/coord/zxid.ts";
import {
  addClient,
  answeredWritesCommitted,
  answersMatchReplay,
  awaitBox,
  awaitConnected,
  awaitReady,
  awaitSettled,
  awaitWrite,
  conditionalSetDataProblems,
  finalStateProblems,
  History,
  linearizabilityViolations,
  makeWorld,
  runFor,
  runUntil,
  type RecordingClientHost,
  type World,
  type WriteRecord,
} from "./harness.ts";

const entry = (zxid: number, txn: Txn, xid = 1): LogEntry => ({ zxid, txn, origin: "zk-1", xid, sizeBytes: 1 });
const session = (id: number): Txn => ({ kind: "createSession", sessionId: id, timeoutMicros: 1 });

describe("coordination invariants: the checkers catch what they claim to", () => {
  it("two leaders in one epoch are reported", () => {
    const c = new EnsembleChecker();
    c.leaderEstablished("zk-1", 1);
    c.leaderEstablished("zk-2", 2);
    expect(c.violations).toEqual([]);
    c.leaderEstablished("zk-3", 2);
    expect(c.violations).toEqual(["two leaders in epoch 2: zk-2 and zk-3"]);
  });

  it("two members committing different transactions at one zxid are reported", () => {
    const c = new EnsembleChecker();
    c.committed("zk-1", entry(makeZxid(1, 1), session(7)));
    c.committed("zk-2", entry(makeZxid(1, 1), session(7)));
    expect(c.violations).toEqual([]);
    c.committed("zk-3", entry(makeZxid(1, 1), session(8)));
    expect(c.violations.length).toBe(1);
    expect(c.violations[0]).toContain("zk-3 committed a different transaction");
  });

  it("a commit applied out of order, or a gap in a member's sequence, is reported", () => {
    const c = new EnsembleChecker();
    for (let i = 1; i <= 3; i++) c.committed("zk-1", entry(makeZxid(1, i), session(i)));
    c.committed("zk-2", entry(makeZxid(1, 1), session(1)));
    c.committed("zk-2", entry(makeZxid(1, 3), session(3)));
    expect(c.checkPrefixes()).toEqual([
      "zk-2's committed log is not a prefix: after 0x000000000, position 1 has 0x100000003, expected 0x100000002",
    ]);
    c.committed("zk-1", entry(makeZxid(1, 2), session(2)));
    expect(c.violations).toContain("zk-1 applied 0x100000002 after 0x100000003");
  });

  it("a member that starts over from a snapshot is checked from there", () => {
    const c = new EnsembleChecker();
    for (let i = 1; i <= 3; i++) c.committed("zk-1", entry(makeZxid(1, i), session(i)));
    c.treeReset("zk-2", makeZxid(1, 2));
    c.committed("zk-2", entry(makeZxid(1, 3), session(3)));
    expect(c.checkPrefixes()).toEqual([]);
    expect(c.violations).toEqual([]);
  });

  it("checkTree reports an ephemeral without its session and a child list naming a missing node", () => {
    const tree: TreeState = {
      ...EMPTY_TREE,
      nodes: new Map([
        ["/", { ...EMPTY_TREE.nodes.get("/")!, children: ["e", "ghost"] }],
        ["/e", { ...EMPTY_TREE.nodes.get("/")!, ephemeralOwner: 42 }],
      ]),
    };
    expect(checkTree(tree)).toEqual(["/ lists missing child ghost", "ephemeral /e outlives its session 42"]);
    const repaired = new Map(tree.nodes).set("/", { ...tree.nodes.get("/")!, children: ["e"] });
    expect(checkTree({ ...tree, sessions: { "42": { timeoutMicros: 1 } }, nodes: repaired })).toEqual([]);
  });

  it("the linearizability check reports a write ordered before one that completed ahead of it", () => {
    const history = new History();
    const w = (invokeSeq: number, completeSeq: number, zxid: number): WriteRecord => ({
      client: "c",
      session: 1,
      ops: [],
      multi: false,
      invokeSeq,
      invokeMicros: 0,
      completeSeq,
      zxid,
      results: [],
    });
    history.writes.push(w(1, 2, 10), w(3, 4, 11), w(5, 8, 13), w(6, 7, 12));
    expect(linearizabilityViolations(history)).toEqual([]);
    history.writes.push(w(9, 10, 12));
    expect(linearizabilityViolations(history).length).toBe(1);
  });
});

/** Each client increments /counter with setData at the version it last read, `rounds` times. */
function casLoop(world: World, name: string, rounds: number, finished: Set<string>): (host: RecordingClientHost) => void {
  return (host) => {
    let left = rounds;
    let version = -1;
    const again = (): void => {
      host.ctx.setTimer(millis(5), "test.cas", step);
    };
    const step = (): void => {
      if (left <= 0) {
        finished.add(name);
        return;
      }
      if (host.client.state !== "connected") {
        host.ctx.setTimer(millis(100), "test.cas", step);
        return;
      }
      if (version < 0) {
        host.client.getData("/counter", null, (r) => {
          if (r.ok) version = r.node!.version;
          again();
        });
        return;
      }
      world.clients.get(name)!.write([{ op: "setData", path: "/counter", data: name, version }], false, (w) => {
        const r = w.results?.[0];
        if (r?.ok) {
          version = r.version;
          left--;
        } else version = -1;
        again();
      });
    };
    host.ctx.setTimer(millis(50), "test.cas", step);
  };
}

describe("coordination invariants: a live ensemble", () => {
  it.each(["1", "2", "3"])(
    "concurrent conditional increments through different members, across a leader crash, are linearizable and lose nothing (seed %s)",
    (seed) => {
      // After every commit, the member's tree must keep ephemerals tied to live sessions.
      const treeProblems: string[] = [];
      let worldRef: World | null = null;
      const world = makeWorld({
        seed: `invariants/${seed}`,
        observer: {
          committed: (member) => {
            const tree = worldRef?.ens.member(member)?.tree;
            if (tree) treeProblems.push(...checkTree(tree).map((p) => `${member}: ${p}`));
          },
        },
      });
      worldRef = world;
      const { sim, ens } = world;
      const leader = awaitReady(world);
      const setup = addClient(world, "setup", { members: [leader] });
      expect(awaitConnected(sim, setup)).toBe(true);
      const counter = setup.create("/counter", "0");
      expect(awaitWrite(sim, counter)).toBe(true);
      expect(counter.results?.[0]?.ok).toBe(true);

      const finished = new Set<string>();
      const names = ["a", "b", "c"];
      names.forEach((name, i) => {
        addClient(world, name, { members: [ens.names[i]!], sessionTimeoutMicros: seconds(15), script: casLoop(world, name, 30, finished) });
        // Each also holds an ephemeral, which must survive the leader change with its session.
      });
      runFor(sim, millis(300));
      for (const name of names) world.clients.get(name)!.create(`/member-${name}`, name, { ephemeral: true });
      runFor(sim, millis(400));
      sim.node(ens.leader()!).crash();
      runFor(sim, seconds(3));
      sim.node(leader).restart();
      expect(runUntil(sim, () => finished.size === names.length, seconds(60))).toBe(true);
      expect(awaitSettled(world)).toBe(true);

      const history = world.history;
      const increments = history.acked().filter((w) => w.ops[0]!.op === "setData");
      expect(increments.length).toBe(names.length * 30);
      // Contention made some increments fail on a stale version, and they changed nothing.
      const stale = history.answered().filter((w) => w.results![0]!.ok === false);
      expect(stale.length).toBeGreaterThan(0);
      for (const w of stale) expect(w.results).toEqual([{ ok: false, error: "BADVERSION" }]);
      // Every acknowledged increment made its own version: none lost, none applied twice. The
      // counter may be ahead by increments whose outcome the client never learned (a crash).
      const final = ens.member(ens.leader()!)!.tree.nodes.get("/counter")!;
      const versions = increments.map((w) => (w.results![0] as { version: number }).version);
      expect(new Set(versions).size).toBe(versions.length);
      expect(Math.max(...versions)).toBeLessThanOrEqual(final.version);
      const inDoubt = history.writes.filter((w) => w.ops[0]!.op === "setData" && w.zxid === undefined);
      expect(final.version).toBeGreaterThanOrEqual(increments.length);
      expect(final.version).toBeLessThanOrEqual(increments.length + inDoubt.length);

      expect(conditionalSetDataProblems(history)).toEqual([]);
      expect(answersMatchReplay(world)).toEqual([]);
      expect(answeredWritesCommitted(world)).toEqual([]);
      expect(linearizabilityViolations(history)).toEqual([]);
      expect(world.checker.leadersByEpoch().length).toBeGreaterThanOrEqual(2);
      expect(world.checker.violations).toEqual([]);
      expect(world.checker.checkPrefixes()).toEqual([]);
      expect(treeProblems).toEqual([]);
      expect(finalStateProblems(world)).toEqual([]);
      // The ephemerals of sessions that lived through the crash are still there.
      const tree = ens.member(ens.leader()!)!.tree;
      for (const name of names) {
        const client = world.clients.get(name)!;
        if (client.state !== "connected") continue;
        expect(tree.nodes.get(`/member-${name}`)?.ephemeralOwner).toBe(client.client.sessionId);
      }
    },
  );

  it("a setData with a stale version fails BADVERSION; with the current one it returns that version plus one", () => {
    const world = makeWorld({ seed: "invariants/cas" });
    const { sim } = world;
    awaitReady(world);
    const a = addClient(world, "a");
    const b = addClient(world, "b");
    expect(awaitConnected(sim, a)).toBe(true);
    expect(awaitConnected(sim, b)).toBe(true);
    const made = a.create("/x", "0");
    expect(awaitWrite(sim, made)).toBe(true);
    const readA = a.getData("/x");
    const readB = b.getData("/x");
    expect(awaitBox(sim, readA)).toBe(true);
    expect(awaitBox(sim, readB)).toBe(true);
    const seen = (readA.result as { node: { version: number } }).node.version;
    const first = a.setData("/x", "a", seen);
    expect(awaitWrite(sim, first)).toBe(true);
    expect(first.results).toEqual([{ ok: true, path: "/x", version: seen + 1 }]);
    const staleWrite = b.setData("/x", "b", (readB.result as { node: { version: number } }).node.version);
    expect(awaitWrite(sim, staleWrite)).toBe(true);
    expect(staleWrite.results).toEqual([{ ok: false, error: "BADVERSION" }]);
    const after = b.getData("/x");
    expect(awaitBox(sim, after)).toBe(true);
    expect(after.result).toMatchObject({ ok: true, node: { data: "a", version: seen + 1 } });
    expect(linearizabilityViolations(world.history)).toEqual([]);
    expect(staleWrite.zxid).toBeGreaterThan(first.zxid!);
  });
});
