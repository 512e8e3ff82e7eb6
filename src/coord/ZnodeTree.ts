import { PLANTED } from "../protocol/plantedBugs.ts";
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
 * The committed state of the ensemble: an immutable value (frozen, copied on write), so every
 * committed transaction yields a snapshot for free, shared by reference for resync and timelines.
 */
export interface TreeState {
  /** By path. A Map: a transaction copies it whole (copy on write), which a Map does several times faster than an object with path keys. */
  readonly nodes: ReadonlyMap<string, Znode>;
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

export const EMPTY_TREE: TreeState = Object.freeze({
  nodes: new Map([["/", Object.freeze({ data: "", version: 0, cversion: 0, ephemeralOwner: 0, czxid: 0, mzxid: 0, pzxid: 0, children: Object.freeze([]) })]]),
  sessions: Object.freeze({}),
  lastZxid: 0,
});

/** An op that cannot apply: which one of its transaction, and ZooKeeper's error code. */
interface OpFailure {
  readonly failedAt: number;
  readonly error: ZkError;
}

/**
 * Applies one committed transaction. Pure and deterministic: every member applies the
 * same transactions in the same zxid order and so reaches the same state and results.
 * Validation happens here (at apply time) rather than at proposal time, which gives the
 * same outcomes because the order is total.
 */
export function applyTxn(state: TreeState, zxid: Zxid, txn: Txn): ApplyOutcome {
  assert(zxid > state.lastZxid, () => `txn ${zxid} applied after ${state.lastZxid}`);
  const known = nextOf.get(state);
  if (known !== undefined && known.zxid === zxid && known.txn === txn) return known.outcome;
  const outcome = applyAfresh(state, zxid, txn);
  nextOf.set(state, { zxid, txn, outcome });
  return outcome;
}

/**
 * The last transaction applied to each state, with its outcome. Every member applies the same
 * committed transactions (the very objects the leader proposed) to states that start out shared
 * (the empty tree, a snapshot): the first member to apply one computes it, the others take its
 * outcome, and from then on they share the resulting state by reference. Keyed by the
 * transaction's identity, not its zxid alone, so two members that applied different
 * transactions (a bug the ensemble checker must see) never share a result. Outcomes are frozen
 * values, never changed by those who read them.
 */
const nextOf = new WeakMap<TreeState, { readonly zxid: Zxid; readonly txn: Txn; readonly outcome: ApplyOutcome }>();

function applyAfresh(state: TreeState, zxid: Zxid, txn: Txn): ApplyOutcome {
  switch (txn.kind) {
    case "createSession":
      return {
        state: treeState(state.nodes, Object.freeze({ ...state.sessions, [String(txn.sessionId)]: Object.freeze({ timeoutMicros: txn.timeoutMicros }) }), zxid),
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
    : ephemeralsOf(state, sessionId);
  const draft = new NodesDraft(state.nodes);
  for (const path of owned) removeNode(draft, path, zxid, events);
  const sessions = { ...state.sessions };
  delete sessions[String(sessionId)];
  return { state: treeState(draft.finish(), Object.freeze(sessions), zxid), results: [{ ok: true, path: "", version: 0 }], events };
}

function applyOps(state: TreeState, zxid: Zxid, txn: Extract<Txn, { kind: "ops" }>): ApplyOutcome {
  const sessionAlive = state.sessions[String(txn.sessionId)] !== undefined;
  const results: OpResult[] = [];
  const events: WatchEvent[] = [];
  const draft = new NodesDraft(state.nodes);
  let failure: OpFailure | null = null;
  for (let index = 0; index < txn.ops.length && failure === null; index++) {
    const outcome = sessionAlive ? applyOp(draft, zxid, txn.sessionId, txn.ops[index]!, index, events) : { failedAt: index, error: "SESSIONEXPIRED" as const };
    if ("failedAt" in outcome) failure = outcome;
    else results.push(outcome);
  }
  if (failure === null) return { state: treeState(draft.finish(), state.sessions, zxid), results, events };
  // All or nothing: the draft is dropped, the nodes untouched; ops before the failure report rollback.
  const failed: OpResult[] = txn.ops.map((_, i) => ({
    ok: false,
    error: i === failure.failedAt ? failure.error : "RUNTIMEINCONSISTENCY",
  }));
  return { state: treeState(state.nodes, state.sessions, zxid), results: txn.multi ? failed : [failed[failure.failedAt]!], events: [] };
}

function applyOp(d: NodesDraft, zxid: Zxid, sessionId: number, op: Op, index: number, events: WatchEvent[]): OpResult | OpFailure {
  switch (op.op) {
    case "create":
      return createNode(d, zxid, sessionId, op, index, events);
    case "delete": {
      const node = d.get(op.path);
      if (!node || op.path === "/") return { failedAt: index, error: op.path === "/" ? "BADARGUMENTS" : "NONODE" };
      if (op.version !== ANY_VERSION && op.version !== node.version) return { failedAt: index, error: "BADVERSION" };
      if (node.children.length > 0) return { failedAt: index, error: "NOTEMPTY" };
      removeNode(d, op.path, zxid, events);
      return { ok: true, path: op.path, version: node.version };
    }
    case "setData": {
      const node = d.get(op.path);
      if (!node) return { failedAt: index, error: "NONODE" };
      if (op.version !== ANY_VERSION && op.version !== node.version) return { failedAt: index, error: "BADVERSION" };
      const version = node.version + 1;
      d.set(op.path, { ...node, data: op.data, version, mzxid: zxid });
      events.push({ path: op.path, type: "dataChanged" });
      return { ok: true, path: op.path, version };
    }
    case "check": {
      const node = d.get(op.path);
      if (!node) return { failedAt: index, error: "NONODE" };
      if (op.version !== ANY_VERSION && op.version !== node.version) return { failedAt: index, error: "BADVERSION" };
      return { ok: true, path: op.path, version: node.version };
    }
  }
}

function createNode(
  d: NodesDraft,
  zxid: Zxid,
  sessionId: number,
  op: Extract<Op, { op: "create" }>,
  index: number,
  events: WatchEvent[],
): OpResult | OpFailure {
  if (!isValidPath(op.path) || op.path === "/") return { failedAt: index, error: "BADARGUMENTS" };
  const parentPath = parentOf(op.path);
  const parent = d.get(parentPath);
  if (!parent) return { failedAt: index, error: "NONODE" };
  if (parent.ephemeralOwner !== 0) return { failedAt: index, error: "NOCHILDRENFOREPHEMERALS" };
  // Sequential names number from the parent's cversion, zero-padded to ten digits.
  const path = op.sequential ? `${op.path}${String(parent.cversion).padStart(10, "0")}` : op.path;
  if (d.get(path)) return { failedAt: index, error: "NODEEXISTS" };
  d.set(path, {
    data: op.data,
    version: 0,
    cversion: 0,
    ephemeralOwner: op.ephemeral ? sessionId : 0,
    czxid: zxid,
    mzxid: zxid,
    pzxid: zxid,
    children: Object.freeze([]),
  });
  const name = path.slice(parentPath === "/" ? 1 : parentPath.length + 1);
  d.set(parentPath, { ...parent, children: Object.freeze(insertSorted(parent.children, name)), cversion: parent.cversion + 1, pzxid: zxid });
  events.push({ path, type: "created" }, { path: parentPath, type: "childrenChanged" });
  return { ok: true, path, version: 0 };
}

function removeNode(d: NodesDraft, path: string, zxid: Zxid, events: WatchEvent[]): void {
  const parentPath = parentOf(path);
  const parent = d.get(parentPath)!;
  const name = path.slice(parentPath === "/" ? 1 : parentPath.length + 1);
  d.set(parentPath, { ...parent, children: Object.freeze(parent.children.filter((c) => c !== name)), cversion: parent.cversion + 1, pzxid: zxid });
  d.remove(path);
  events.push({ path, type: "deleted" }, { path: parentPath, type: "childrenChanged" });
}

/** A committed state, frozen: snapshots are shared by reference, so nothing may change one. */
function treeState(nodes: TreeState["nodes"], sessions: TreeState["sessions"], lastZxid: Zxid): TreeState {
  return Object.freeze({ nodes, sessions, lastZxid });
}

/**
 * The znodes as one transaction changes them, copy on write: the map is copied at the first
 * change (a few dozen entries in a Kafka cluster's tree) and each changed znode is a new frozen
 * object, so the state it started from stays as it was (the map itself is typed read-only, as
 * nothing else writes it). Immer did the same through proxies, at several times the cost per
 * transaction; a failed op's transaction simply drops its draft.
 */
class NodesDraft {
  private copy: Map<string, Znode> | null = null;

  constructor(private readonly base: ReadonlyMap<string, Znode>) {}

  get(path: string): Znode | undefined {
    return (this.copy ?? this.base).get(path);
  }

  set(path: string, node: Znode): void {
    this.writable().set(path, Object.freeze(node));
  }

  remove(path: string): void {
    this.writable().delete(path);
  }

  /** The nodes after the transaction: the base itself if nothing changed. */
  finish(): ReadonlyMap<string, Znode> {
    return this.copy ?? this.base;
  }

  private writable(): Map<string, Znode> {
    return (this.copy ??= new Map(this.base));
  }
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
  const owned: string[] = [];
  for (const [path, node] of state.nodes) if (node.ephemeralOwner === sessionId) owned.push(path);
  return owned.sort();
}
