import { describe, expect, it } from "vitest";
import {
  ANY_VERSION,
  applyTxn,
  EMPTY_TREE,
  ephemeralsOf,
  type ApplyOutcome,
  type Op,
  type TreeState,
  type Txn,
} from "../../src/coord/ZnodeTree.ts";
import { makeZxid } from "../../src/coord/zxid.ts";

const S1 = 101;
const S2 = 202;

/** A tree fed transactions one zxid after another, as a member applies its commits. */
class Tree {
  state: TreeState = EMPTY_TREE;
  private counter = 0;

  apply(txn: Txn): ApplyOutcome {
    const outcome = applyTxn(this.state, makeZxid(1, ++this.counter), txn);
    this.state = outcome.state;
    return outcome;
  }

  ops(sessionId: number, ...ops: Op[]): ApplyOutcome {
    return this.apply({ kind: "ops", sessionId, ops, multi: false });
  }

  multi(sessionId: number, ...ops: Op[]): ApplyOutcome {
    return this.apply({ kind: "ops", sessionId, ops, multi: true });
  }

  session(sessionId: number): void {
    this.apply({ kind: "createSession", sessionId, timeoutMicros: 10_000_000 });
  }
}

const create = (path: string, data = "", mode: { ephemeral?: boolean; sequential?: boolean } = {}): Op => ({
  op: "create",
  path,
  data,
  ephemeral: mode.ephemeral ?? false,
  sequential: mode.sequential ?? false,
});
const del = (path: string, version = ANY_VERSION): Op => ({ op: "delete", path, version });
const setData = (path: string, data: string, version = ANY_VERSION): Op => ({ op: "setData", path, data, version });
const check = (path: string, version: number): Op => ({ op: "check", path, version });

function withSessions(): Tree {
  const t = new Tree();
  t.session(S1);
  t.session(S2);
  return t;
}

describe("znode tree: create", () => {
  it("a persistent node appears with version 0 under its parent, which bumps its cversion", () => {
    const t = withSessions();
    const out = t.ops(S1, create("/a", "hello"));
    expect(out.results).toEqual([{ ok: true, path: "/a", version: 0 }]);
    const node = t.state.nodes.get("/a")!;
    expect(node.data).toBe("hello");
    expect(node.version).toBe(0);
    expect(node.ephemeralOwner).toBe(0);
    expect(node.czxid).toBe(t.state.lastZxid);
    expect(t.state.nodes.get("/")!.children).toEqual(["a"]);
    expect(t.state.nodes.get("/")!.cversion).toBe(1);
    expect(out.events).toEqual([
      { path: "/a", type: "created" },
      { path: "/", type: "childrenChanged" },
    ]);
  });

  it("an ephemeral node is owned by the session that created it", () => {
    const t = withSessions();
    t.ops(S2, create("/e", "", { ephemeral: true }));
    expect(t.state.nodes.get("/e")!.ephemeralOwner).toBe(S2);
    expect(ephemeralsOf(t.state, S2)).toEqual(["/e"]);
    expect(ephemeralsOf(t.state, S1)).toEqual([]);
  });

  it("sequential nodes are numbered from the parent's cversion, ten digits, and deletes advance it too", () => {
    const t = withSessions();
    t.ops(S1, create("/q"));
    const first = t.ops(S1, create("/q/item-", "", { sequential: true }));
    const second = t.ops(S1, create("/q/item-", "", { sequential: true }));
    expect(first.results[0]).toEqual({ ok: true, path: "/q/item-0000000000", version: 0 });
    expect(second.results[0]).toEqual({ ok: true, path: "/q/item-0000000001", version: 0 });
    t.ops(S1, del("/q/item-0000000000"));
    expect(t.state.nodes.get("/q")!.cversion).toBe(3);
    const third = t.ops(S1, create("/q/item-", "", { sequential: true, ephemeral: true }));
    expect(third.results[0]).toEqual({ ok: true, path: "/q/item-0000000003", version: 0 });
    expect(t.state.nodes.get("/q")!.children).toEqual(["item-0000000001", "item-0000000003"]);
  });

  it("creating an existing path fails NODEEXISTS and changes nothing", () => {
    const t = withSessions();
    t.ops(S1, create("/a", "first"));
    const before = t.state;
    const out = t.ops(S2, create("/a", "second"));
    expect(out.results).toEqual([{ ok: false, error: "NODEEXISTS" }]);
    expect(out.events).toEqual([]);
    expect(t.state.nodes).toBe(before.nodes);
    expect(t.state.nodes.get("/a")!.data).toBe("first");
  });

  it("creating under a missing parent fails NONODE", () => {
    const t = withSessions();
    const out = t.ops(S1, create("/missing/child"));
    expect(out.results).toEqual([{ ok: false, error: "NONODE" }]);
    expect(t.state.nodes.get("/missing/child")).toBeUndefined();
  });

  it("an ephemeral node cannot have children: NOCHILDRENFOREPHEMERALS", () => {
    const t = withSessions();
    t.ops(S1, create("/e", "", { ephemeral: true }));
    const out = t.ops(S1, create("/e/child"));
    expect(out.results).toEqual([{ ok: false, error: "NOCHILDRENFOREPHEMERALS" }]);
    expect(t.state.nodes.get("/e")!.children).toEqual([]);
  });

  it("a malformed path or the root itself is refused with BADARGUMENTS", () => {
    const t = withSessions();
    expect(t.ops(S1, create("/")).results).toEqual([{ ok: false, error: "BADARGUMENTS" }]);
    expect(t.ops(S1, create("no-slash")).results).toEqual([{ ok: false, error: "BADARGUMENTS" }]);
    expect(t.ops(S1, create("/a//b")).results).toEqual([{ ok: false, error: "BADARGUMENTS" }]);
  });
});

describe("znode tree: delete", () => {
  it("deletes with the right version and fails BADVERSION with a stale one", () => {
    const t = withSessions();
    t.ops(S1, create("/a"));
    t.ops(S1, setData("/a", "x"));
    const stale = t.ops(S1, del("/a", 0));
    expect(stale.results).toEqual([{ ok: false, error: "BADVERSION" }]);
    expect(t.state.nodes.get("/a")).toBeDefined();
    const ok = t.ops(S1, del("/a", 1));
    expect(ok.results).toEqual([{ ok: true, path: "/a", version: 1 }]);
    expect(t.state.nodes.get("/a")).toBeUndefined();
    expect(t.state.nodes.get("/")!.children).toEqual([]);
    expect(ok.events).toEqual([
      { path: "/a", type: "deleted" },
      { path: "/", type: "childrenChanged" },
    ]);
  });

  it("a node with children fails NOTEMPTY; a missing one NONODE", () => {
    const t = withSessions();
    t.ops(S1, create("/p"));
    t.ops(S1, create("/p/c"));
    expect(t.ops(S1, del("/p")).results).toEqual([{ ok: false, error: "NOTEMPTY" }]);
    expect(t.state.nodes.get("/p")).toBeDefined();
    expect(t.ops(S1, del("/nothing")).results).toEqual([{ ok: false, error: "NONODE" }]);
  });
});

describe("znode tree: setData", () => {
  it("a successful setData returns the version it was given plus one, and bumps mzxid", () => {
    const t = withSessions();
    t.ops(S1, create("/a", "v0"));
    const czxid = t.state.nodes.get("/a")!.czxid;
    const first = t.ops(S1, setData("/a", "v1", 0));
    expect(first.results).toEqual([{ ok: true, path: "/a", version: 1 }]);
    const second = t.ops(S2, setData("/a", "v2", 1));
    expect(second.results).toEqual([{ ok: true, path: "/a", version: 2 }]);
    const node = t.state.nodes.get("/a")!;
    expect(node.data).toBe("v2");
    expect(node.mzxid).toBe(t.state.lastZxid);
    expect(node.czxid).toBe(czxid);
    expect(second.events).toEqual([{ path: "/a", type: "dataChanged" }]);
  });

  it("a stale version fails BADVERSION and leaves data and version alone", () => {
    const t = withSessions();
    t.ops(S1, create("/a", "v0"));
    t.ops(S1, setData("/a", "v1", 0));
    const stale = t.ops(S2, setData("/a", "lost", 0));
    expect(stale.results).toEqual([{ ok: false, error: "BADVERSION" }]);
    expect(t.state.nodes.get("/a")!.data).toBe("v1");
    expect(t.state.nodes.get("/a")!.version).toBe(1);
  });

  it("ANY_VERSION (-1) matches whatever version the node has", () => {
    const t = withSessions();
    t.ops(S1, create("/a"));
    t.ops(S1, setData("/a", "x"));
    expect(t.ops(S1, setData("/a", "y", ANY_VERSION)).results).toEqual([{ ok: true, path: "/a", version: 2 }]);
  });
});

describe("znode tree: multi", () => {
  it("a multi whose last op fails applies none of them and reports why and what rolled back", () => {
    const t = withSessions();
    t.ops(S1, create("/x", "orig"));
    const before = t.state;
    const out = t.multi(S1, create("/a"), create("/a/b"), setData("/x", "new", 7));
    expect(out.results).toEqual([
      { ok: false, error: "RUNTIMEINCONSISTENCY" },
      { ok: false, error: "RUNTIMEINCONSISTENCY" },
      { ok: false, error: "BADVERSION" },
    ]);
    expect(out.events).toEqual([]);
    expect(t.state.nodes).toBe(before.nodes);
    expect(t.state.nodes.get("/a")).toBeUndefined();
    expect(t.state.nodes.get("/x")!.data).toBe("orig");
    expect(t.state.lastZxid).toBeGreaterThan(before.lastZxid);
  });

  it("a multi whose ops all hold applies them together, guarded by a check", () => {
    const t = withSessions();
    t.ops(S1, create("/x"));
    const out = t.multi(S1, check("/x", 0), create("/a"), setData("/x", "y", 0));
    expect(out.results.every((r) => r.ok)).toBe(true);
    expect(t.state.nodes.get("/a")).toBeDefined();
    expect(t.state.nodes.get("/x")!.version).toBe(1);
  });

  it("a failed check fails the whole multi", () => {
    const t = withSessions();
    t.ops(S1, create("/x"));
    const before = t.state.nodes;
    const out = t.multi(S1, create("/a"), check("/x", 3));
    expect(out.results.map((r) => (r.ok ? "ok" : r.error))).toEqual(["RUNTIMEINCONSISTENCY", "BADVERSION"]);
    expect(t.state.nodes).toBe(before);
  });
});

describe("znode tree: sessions", () => {
  it("closing a session removes exactly its ephemerals and emits deleted and childrenChanged", () => {
    const t = withSessions();
    t.ops(S1, create("/locks"));
    t.ops(S1, create("/locks/mine", "", { ephemeral: true }));
    t.ops(S1, create("/alive", "", { ephemeral: true }));
    t.ops(S2, create("/locks/theirs", "", { ephemeral: true }));
    t.ops(S1, create("/kept"));
    const out = t.apply({ kind: "closeSession", sessionId: S1, reason: "expired" });
    expect([...t.state.nodes.keys()].sort()).toEqual(["/", "/kept", "/locks", "/locks/theirs"]);
    expect(t.state.sessions[String(S1)]).toBeUndefined();
    expect(t.state.sessions[String(S2)]).toBeDefined();
    expect(out.events).toEqual([
      { path: "/alive", type: "deleted" },
      { path: "/", type: "childrenChanged" },
      { path: "/locks/mine", type: "deleted" },
      { path: "/locks", type: "childrenChanged" },
    ]);
    expect(t.state.nodes.get("/locks")!.children).toEqual(["theirs"]);
  });

  it("ops from an unknown or closed session fail SESSIONEXPIRED and change nothing", () => {
    const t = withSessions();
    const unknown = t.ops(999, create("/ghost"));
    expect(unknown.results).toEqual([{ ok: false, error: "SESSIONEXPIRED" }]);
    t.apply({ kind: "closeSession", sessionId: S2, reason: "closed" });
    const closed = t.multi(S2, create("/a"), create("/b"));
    expect(closed.results.map((r) => (r.ok ? "ok" : r.error))).toEqual(["SESSIONEXPIRED", "RUNTIMEINCONSISTENCY"]);
    expect(t.state.nodes.get("/ghost")).toBeUndefined();
    expect(t.state.nodes.get("/a")).toBeUndefined();
  });

  it("a transaction must come after the last applied zxid", () => {
    const t = withSessions();
    expect(() => applyTxn(t.state, t.state.lastZxid, { kind: "ops", sessionId: S1, ops: [create("/a")], multi: false })).toThrow();
  });

  it("applying never mutates the previous state (snapshots are shared by reference)", () => {
    const t = withSessions();
    t.ops(S1, create("/a", "v0"));
    const snapshot = t.state;
    t.ops(S1, setData("/a", "v1"));
    t.ops(S1, create("/b"));
    expect(snapshot.nodes.get("/a")!.data).toBe("v0");
    expect(snapshot.nodes.get("/b")).toBeUndefined();
    expect(snapshot.nodes.size).toBe(2); // "/" and "/a"
    expect(Object.isFrozen(snapshot.nodes.get("/a"))).toBe(true);
  });
});

describe("members applying the same commits", () => {
  const create = (path: string): Txn => ({ kind: "ops", sessionId: S1, ops: [{ op: "create", path, data: "", ephemeral: false, sequential: false }], multi: false });
  const withSession = applyTxn(EMPTY_TREE, makeZxid(1, 1), { kind: "createSession", sessionId: S1, timeoutMicros: 10_000_000 }).state;

  it("a second member applying the very proposal the first applied shares its outcome and, from then on, its state", () => {
    const proposal = create("/a");
    const first = applyTxn(withSession, makeZxid(1, 2), proposal);
    const second = applyTxn(withSession, makeZxid(1, 2), proposal);
    expect(second).toBe(first);
    expect(second.state.nodes.has("/a")).toBe(true);
  });

  it("a member that applies a different transaction under the same zxid gets its own outcome, so a divergence stays visible", () => {
    const first = applyTxn(withSession, makeZxid(1, 2), create("/a"));
    const other = applyTxn(withSession, makeZxid(1, 2), create("/b"));
    expect(other).not.toBe(first);
    expect(other.state.nodes.has("/b")).toBe(true);
    expect(other.state.nodes.has("/a")).toBe(false);
    expect(first.state.nodes.has("/a")).toBe(true);
  });
});
