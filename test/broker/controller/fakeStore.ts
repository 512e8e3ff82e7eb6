/**
 * An in-memory coordination store for controller tests: znodes with versions, one-shot
 * watches, multi with ZooKeeper's all-or-nothing results (the failing op carries its error,
 * the others RUNTIMEINCONSISTENCY), answered after a short delay on a simulated node so the
 * controller sees the store asynchronously, as it does over the network. The test plays the
 * brokers: it registers and removes broker nodes, and writes ISR changes as a leader would.
 */
import type { NodeContext } from "../../../sim/index.ts";
import type { Watcher } from "../../../src/coord/client/CoordClient.ts";
import type { ZkError } from "../../../src/coord/errors.ts";
import type { Op, OpResult, Znode } from "../../../src/coord/ZnodeTree.ts";
import type { ZkCalls } from "../../../src/broker/zk/ZkCalls.ts";

const DELAY_MICROS = 1_000;

interface Stored {
  data: string;
  version: number;
  /** The creation "zxid": a counter bumped by every create (a re-created node gets a new one). */
  czxid: number;
}

export class FakeStore {
  private readonly nodes = new Map<string, Stored>([["/", { data: "", version: 0, czxid: 0 }]]);
  private creations = 0;
  private readonly dataWatches = new Map<string, Watcher[]>();
  private readonly childWatches = new Map<string, Watcher[]>();
  private sequence = 0;

  constructor(private readonly ctx: NodeContext) {}

  // ---- what the test does directly (a broker, an admin tool) --------------------------------

  has(path: string): boolean {
    return this.nodes.has(path);
  }

  get(path: string): Stored | undefined {
    return this.nodes.get(path);
  }

  json<T>(path: string): T {
    return JSON.parse(this.nodes.get(path)!.data) as T;
  }

  /** Creates or overwrites a node (parents included), firing watches. */
  put(path: string, data: string): void {
    const parent = parentOf(path);
    if (parent !== null && !this.nodes.has(parent)) this.put(parent, "");
    const old = this.nodes.get(path);
    this.nodes.set(path, { data, version: old ? old.version + 1 : 0, czxid: old ? old.czxid : ++this.creations });
    this.fire(this.dataWatches, path, old ? "dataChanged" : "created");
    if (!old && parent !== null) this.fire(this.childWatches, parent, "childrenChanged");
  }

  remove(path: string): void {
    if (!this.nodes.delete(path)) return;
    this.fire(this.dataWatches, path, "deleted");
    const parent = parentOf(path);
    if (parent !== null) this.fire(this.childWatches, parent, "childrenChanged");
  }

  // ---- the ZkCalls surface the controller uses ------------------------------------------------

  readonly calls = {
    getData: (path: string, watcher: Watcher | null, done: (node: Znode | null) => void) => this.read(path, watcher, this.dataWatches, done),
    exists: (path: string, watcher: Watcher | null, done: (node: Znode | null) => void) => this.read(path, watcher, this.dataWatches, done),
    getChildren: (path: string, watcher: Watcher | null, done: (children: readonly string[]) => void) =>
      this.later(() => {
        if (watcher) push(this.childWatches, path, watcher);
        done(this.childrenOf(path));
      }),
    create: (path: string, data: string, mode: { sequential?: boolean }, done: (r: OpResult) => void) =>
      this.later(() => done(this.apply([{ op: "create", path, data, ephemeral: false, sequential: mode.sequential ?? false }])[0]!)),
    setData: (path: string, data: string, version: number, done: (r: OpResult) => void) =>
      this.later(() => done(this.apply([{ op: "setData", path, data, version }])[0]!)),
    delete: (path: string, version: number, done: (r: OpResult) => void) => this.later(() => done(this.apply([{ op: "delete", path, version }])[0]!)),
    multi: (ops: readonly Op[], done: (results: readonly OpResult[]) => void) => this.later(() => done(this.apply(ops))),
  };

  get zk(): ZkCalls {
    return this.calls as unknown as ZkCalls;
  }

  // ---- internals ---------------------------------------------------------------------------

  private later(fn: () => void): void {
    this.ctx.setTimer(DELAY_MICROS, "store.answer", fn);
  }

  private read(path: string, watcher: Watcher | null, watches: Map<string, Watcher[]>, done: (node: Znode | null) => void): void {
    this.later(() => {
      if (watcher) push(watches, path, watcher);
      const n = this.nodes.get(path);
      done(n ? ({ data: n.data, version: n.version, czxid: n.czxid, children: this.childrenOf(path) } as unknown as Znode) : null);
    });
  }

  private childrenOf(path: string): string[] {
    const prefix = path === "/" ? "/" : `${path}/`;
    return [...this.nodes.keys()].filter((p) => p.startsWith(prefix) && !p.slice(prefix.length).includes("/") && p !== path).map((p) => p.slice(prefix.length)).sort();
  }

  /** All or nothing, with ZooKeeper's results. */
  private apply(ops: readonly Op[]): OpResult[] {
    const failure = ops.map((op) => this.check(op)).findIndex((e) => e !== null);
    if (failure >= 0) {
      const error = this.check(ops[failure]!)!;
      return ops.map((_, i) => ({ ok: false, error: i === failure ? error : "RUNTIMEINCONSISTENCY" }));
    }
    return ops.map((op) => {
      switch (op.op) {
        case "check":
          return { ok: true, path: op.path, version: this.nodes.get(op.path)!.version };
        case "create": {
          const path = op.sequential ? `${op.path}${String(this.sequence++).padStart(10, "0")}` : op.path;
          this.put(path, op.data);
          return { ok: true, path, version: 0 };
        }
        case "setData": {
          this.put(op.path, op.data);
          return { ok: true, path: op.path, version: this.nodes.get(op.path)!.version };
        }
        case "delete":
          this.remove(op.path);
          return { ok: true, path: op.path, version: 0 };
      }
    });
  }

  private check(op: Op): ZkError | null {
    const node = this.nodes.get(op.path);
    switch (op.op) {
      case "create":
        if (!op.sequential && node) return "NODEEXISTS";
        return this.nodes.has(parentOf(op.path) ?? "/") ? null : "NONODE";
      case "check":
      case "setData":
      case "delete":
        if (!node) return "NONODE";
        return op.version !== -1 && op.version !== node.version ? "BADVERSION" : null;
    }
  }

  private fire(watches: Map<string, Watcher[]>, path: string, event: "created" | "deleted" | "dataChanged" | "childrenChanged"): void {
    const list = watches.get(path);
    if (!list) return;
    watches.delete(path);
    for (const w of list) this.later(() => w(event, path));
  }
}

function parentOf(path: string): string | null {
  if (path === "/") return null;
  const cut = path.lastIndexOf("/");
  return cut === 0 ? "/" : path.slice(0, cut);
}

function push(map: Map<string, Watcher[]>, key: string, w: Watcher): void {
  const list = map.get(key);
  if (list) list.push(w);
  else map.set(key, [w]);
}
