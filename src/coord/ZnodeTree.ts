import { PLANTED } from "../protocol/plantedBugs.ts";
import { produce, type Draft } from "immer";
import { assert } from "../../sim/index.ts";
import type { ZkError } from "./errors.ts";
import type { Zxid } from "./zxid.ts";

/** One znode with ZooKeeper's stat fields. Data is a string (JSON, usually) for readability. */
export interface Znode {
  readonly data: string;
  /** Data version: bumped by each setData. */
  readonly version: number;
  /** Children version: bumped by each child create or delete (it numbers sequential nodes). */
  readonly cversion: number;
  /** The session that owns an ephemeral node, or 0. */
  readonly ephemeralOwner: number;
  readonly czxid: Zxid;
  readonly mzxid: Zxid;
  /** Last zxid that changed the children. */
  readonly pzxid: Zxid;
  readonly children: readonly string[];
}

export interface SessionInfo {
  readonly timeoutMicros: number;
}

/**
 * The committed state of the ensemble: an immutable (immer) value, so every committed
 * transaction yields a snapshot for free, shared by reference for resync and timelines.
 */
export interface TreeState {
  readonly nodes: Readonly<Record<string, Znode>>;
  readonly sessions: Readonly<Record<string, SessionInfo>>;
  readonly lastZxid: Zxid;
}

export type Op =
  | { readonly op: "create"; readonly path: string; readonly data: string; readonly ephemeral: boolean; readonly sequential: boolean }
  | { readonly op: "delete"; readonly path: string; readonly version: number }
  | { readonly op: "setData"; readonly path: string; readonly data: string; readonly version: number }
  | { readonly op: "check"; readonly path: string; readonly version: number };

/** A transaction as it is logged and replicated. `multi` ops succeed or fail together. */
export type Txn =
  | { readonly kind: "ops"; readonly sessionId: number; readonly ops: readonly Op[]; readonly multi: boolean }
  | { readonly kind: "createSession"; readonly sessionId: number; readonly timeoutMicros: number }
  | { readonly kind: "closeSession"; readonly sessionId: number; readonly reason: "expired" | "closed" };

export type OpResult =
  | { readonly ok: true; readonly path: string; readonly version: number }
  | { readonly ok: false; readonly error: ZkError };

export type WatchEventType = "created" | "deleted" | "dataChanged" | "childrenChanged";

export interface WatchEvent {
  readonly path: string;
  readonly type: WatchEventType;
}

export interface ApplyOutcome {
  readonly state: TreeState;
  readonly results: readonly OpResult[];
  readonly events: readonly WatchEvent[];
}

/** Versions in requests: -1 matches any version, as in ZooKeeper. */
export const ANY_VERSION = -1;

export const EMPTY_TREE: TreeState = {
  nodes: { "/": { data: "", version: 0, cversion: 0, ephemeralOwner: 0, czxid: 0, mzxid: 0, pzxid: 0, children: [] } },
  sessions: {},
  lastZxid: 0,
};

class OpFailed extends Error {
  constructor(readonly index: number, readonly error: ZkError) {
    super(error);
  }
}

/**
 * Applies one committed transaction. Pure and deterministic: every member applies the
 * same transactions in the same zxid order and so reaches the same state and results.
 * Validation happens here (at apply time) rather than at proposal time, which gives the
 * same outcomes because the order is total.
 */
export function applyTxn(state: TreeState, zxid: Zxid, txn: Txn): ApplyOutcome {
  assert(zxid > state.lastZxid, `txn ${zxid} applied after ${state.lastZxid}`);
  switch (txn.kind) {
    case "createSession":
      return {
        state: produce(state, (d) => {
          d.sessions[String(txn.sessionId)] = { timeoutMicros: txn.timeoutMicros };
          d.lastZxid = zxid;
        }),
        results: [{ ok: true, path: "", version: 0 }],
        events: [],
      };
    case "closeSession":
      return closeSession(state, zxid, txn.sessionId);
    case "ops":
      return applyOps(state, zxid, txn);
  }
}

function closeSession(state: TreeState, zxid: Zxid, sessionId: number): ApplyOutcome {
  const events: WatchEvent[] = [];
  const owned = PLANTED.ephemeralOutlivesSession
    ? [] // planted bug: the session's ephemerals stay behind
    : Object.keys(state.nodes)
        .filter((p) => state.nodes[p]!.ephemeralOwner === sessionId)
        .sort();
  const next = produce(state, (d) => {
    for (const path of owned) removeNode(d, path, zxid, events);
    delete d.sessions[String(sessionId)];
    d.lastZxid = zxid;
  });
  return { state: next, results: [{ ok: true, path: "", version: 0 }], events };
}

function applyOps(state: TreeState, zxid: Zxid, txn: Extract<Txn, { kind: "ops" }>): ApplyOutcome {
  const sessionAlive = state.sessions[String(txn.sessionId)] !== undefined;
  const results: OpResult[] = [];
  const events: WatchEvent[] = [];
  try {
    const next = produce(state, (d) => {
      txn.ops.forEach((op, index) => {
        if (!sessionAlive) throw new OpFailed(index, "SESSIONEXPIRED");
        results.push(applyOp(d, zxid, txn.sessionId, op, index, events));
      });
      d.lastZxid = zxid;
    });
    return { state: next, results, events };
  } catch (e) {
    if (!(e instanceof OpFailed)) throw e;
    // All or nothing: the state is untouched; ops before the failure report rollback.
    const failed: OpResult[] = txn.ops.map((_, i) => ({
      ok: false,
      error: i === e.index ? e.error : "RUNTIMEINCONSISTENCY",
    }));
    const unchanged = produce(state, (d) => {
      d.lastZxid = zxid;
    });
    return { state: unchanged, results: txn.multi ? failed : [failed[e.index]!], events: [] };
  }
}

function applyOp(d: Draft<TreeState>, zxid: Zxid, sessionId: number, op: Op, index: number, events: WatchEvent[]): OpResult {
  switch (op.op) {
    case "create":
      return createNode(d, zxid, sessionId, op, index, events);
    case "delete": {
      const node = d.nodes[op.path];
      if (!node || op.path === "/") throw new OpFailed(index, op.path === "/" ? "BADARGUMENTS" : "NONODE");
      if (op.version !== ANY_VERSION && op.version !== node.version) throw new OpFailed(index, "BADVERSION");
      if (node.children.length > 0) throw new OpFailed(index, "NOTEMPTY");
      removeNode(d, op.path, zxid, events);
      return { ok: true, path: op.path, version: node.version };
    }
    case "setData": {
      const node = d.nodes[op.path];
      if (!node) throw new OpFailed(index, "NONODE");
      if (op.version !== ANY_VERSION && op.version !== node.version) throw new OpFailed(index, "BADVERSION");
      node.data = op.data;
      node.version += 1;
      node.mzxid = zxid;
      events.push({ path: op.path, type: "dataChanged" });
      return { ok: true, path: op.path, version: node.version };
    }
    case "check": {
      const node = d.nodes[op.path];
      if (!node) throw new OpFailed(index, "NONODE");
      if (op.version !== ANY_VERSION && op.version !== node.version) throw new OpFailed(index, "BADVERSION");
      return { ok: true, path: op.path, version: node.version };
    }
  }
}

function createNode(
  d: Draft<TreeState>,
  zxid: Zxid,
  sessionId: number,
  op: Extract<Op, { op: "create" }>,
  index: number,
  events: WatchEvent[],
): OpResult {
  if (!isValidPath(op.path) || op.path === "/") throw new OpFailed(index, "BADARGUMENTS");
  const parentPath = parentOf(op.path);
  const parent = d.nodes[parentPath];
  if (!parent) throw new OpFailed(index, "NONODE");
  if (parent.ephemeralOwner !== 0) throw new OpFailed(index, "NOCHILDRENFOREPHEMERALS");
  // Sequential names number from the parent's cversion, zero-padded to ten digits.
  const path = op.sequential ? `${op.path}${String(parent.cversion).padStart(10, "0")}` : op.path;
  if (d.nodes[path]) throw new OpFailed(index, "NODEEXISTS");
  d.nodes[path] = {
    data: op.data,
    version: 0,
    cversion: 0,
    ephemeralOwner: op.ephemeral ? sessionId : 0,
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    children: [],
  };
  const name = path.slice(parentPath === "/" ? 1 : parentPath.length + 1);
  parent.children = insertSorted(parent.children, name);
  parent.cversion += 1;
  parent.pzxid = zxid;
  events.push({ path, type: "created" }, { path: parentPath, type: "childrenChanged" });
  return { ok: true, path, version: 0 };
}

function removeNode(d: Draft<TreeState>, path: string, zxid: Zxid, events: WatchEvent[]): void {
  const parentPath = parentOf(path);
  const parent = d.nodes[parentPath]!;
  const name = path.slice(parentPath === "/" ? 1 : parentPath.length + 1);
  parent.children = parent.children.filter((c) => c !== name);
  parent.cversion += 1;
  parent.pzxid = zxid;
  delete d.nodes[path];
  events.push({ path, type: "deleted" }, { path: parentPath, type: "childrenChanged" });
}

function insertSorted(children: readonly string[], name: string): string[] {
  const out = children.slice();
  let i = out.length;
  while (i > 0 && out[i - 1]! > name) i--;
  out.splice(i, 0, name);
  return out;
}

export function parentOf(path: string): string {
  const cut = path.lastIndexOf("/");
  return cut <= 0 ? "/" : path.slice(0, cut);
}

export function isValidPath(path: string): boolean {
  return path === "/" || (/^(\/[^/\0]+)+$/.test(path) && !path.split("/").some((p) => p === "." || p === ".."));
}

/** The ephemeral nodes a session owns, sorted. */
export function ephemeralsOf(state: TreeState, sessionId: number): string[] {
  return Object.keys(state.nodes)
    .filter((p) => state.nodes[p]!.ephemeralOwner === sessionId)
    .sort();
}
