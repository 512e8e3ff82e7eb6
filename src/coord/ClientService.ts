import { sendToClient } from "./send.ts";
import type { MemberCore } from "./MemberCore.ts";
import type { ClientRequest, ClientToMember, ConnectRequest, LogEntry, MemberToClient, ReadOp, ReadResult, SetWatches } from "./messages.ts";
import type { ApplyOutcome, WatchEventType } from "./ZnodeTree.ts";

interface ConnectedClient {
  readonly sessionId: number;
  readonly timeoutMicros: number;
  /** The client's requests in arrival order, not yet started. */
  readonly queue: ClientRequest[];
  /** Xids of the requests started and not yet answered (writes, or one sync or close), oldest first. */
  readonly inFlight: number[];
  /** A sync or close is in flight: nothing after it starts until it is answered. */
  barrier: boolean;
}

type Pending =
  | { readonly kind: "connect"; readonly client: string; readonly timeoutMicros: number }
  | { readonly kind: "write"; readonly client: string; readonly xid: number }
  | { readonly kind: "close"; readonly client: string; readonly xid: number }
  | { readonly kind: "sync"; readonly client: string; readonly xid: number };

/** Local request ids carry the incarnation, so an old incarnation's entry never matches a new request. */
const LOCAL_ID_SPAN = 2 ** 24;

/**
 * The client-facing side of a member (ZooKeeper's request processors, in short). Reads are
 * answered from this member's committed tree; writes go to the leader and are answered
 * when this member applies their commit; a client's requests are handled in order (writes
 * pipelined, see `pump`), so a read after a write sees it. Watches are one-shot and local to the member;
 * a client moving to another member re-registers them with SetWatches.
 */
export class ClientService {
  private servingNow = false;
  private readonly clients = new Map<string, ConnectedClient>();
  private readonly pending = new Map<number, Pending>();
  private readonly revalidating = new Map<number, { client: string; timeoutMicros: number }>();
  private readonly dataWatches = new Map<string, Set<string>>();
  private readonly childWatches = new Map<string, Set<string>>();
  private nextLocalId = 0;

  constructor(private readonly core: MemberCore & { activeRole(): import("./MemberCore.ts").Role | null }) {}

  get serving(): boolean {
    return this.servingNow;
  }

  get connectedClients(): number {
    return this.clients.size;
  }

  startServing(): void {
    this.servingNow = true;
    this.core.ctx.record("zab.serving", { zxid: this.core.tree.lastZxid });
  }

  /** Not in a quorum any more: drop every client (ZooKeeper closes their sockets). */
  stopServing(): void {
    const wasServing = this.servingNow;
    this.servingNow = false;
    for (const client of [...this.clients.keys(), ...[...this.revalidating.values()].map((r) => r.client)]) {
      this.core.ctx.closeConnection(client);
    }
    for (const p of this.pending.values()) if (p.kind === "connect") this.core.ctx.closeConnection(p.client);
    this.clients.clear();
    this.pending.clear();
    this.revalidating.clear();
    this.dataWatches.clear();
    this.childWatches.clear();
    if (wasServing) this.core.ctx.record("zab.not-serving", {});
  }

  receive(from: string, m: ClientToMember): void {
    switch (m.type) {
      case "zk.connect": return this.onConnect(from, m);
      case "zk.ping": return this.onPing(from);
      case "zk.request": return this.onRequest(from, m);
      case "zk.setwatches": return this.onSetWatches(from, m);
    }
  }

  clientGone(client: string): void {
    this.clients.delete(client);
    for (const [id, r] of [...this.revalidating]) if (r.client === client) this.revalidating.delete(id);
    for (const table of [this.dataWatches, this.childWatches]) {
      for (const [path, watchers] of [...table]) {
        watchers.delete(client);
        if (watchers.size === 0) table.delete(path);
      }
    }
  }

  /** The leader answered whether a session a client wants to resume is still alive. */
  revalidated(sessionId: number, valid: boolean): void {
    const r = this.revalidating.get(sessionId);
    if (!r) return;
    this.revalidating.delete(sessionId);
    if (valid) this.admit(r.client, sessionId, r.timeoutMicros);
    else this.expire(r.client, sessionId);
  }

  syncDone(localId: number): void {
    const p = this.pending.get(localId);
    if (!p || p.kind !== "sync") return;
    this.pending.delete(localId);
    this.answer(p.client, p.xid, { read: { ok: true, node: null } });
  }

  /** Called for each committed entry this member applies, in zxid order. */
  applied(entry: LogEntry, outcome: ApplyOutcome): void {
    if (entry.origin === this.core.ctx.name) this.completeLocal(entry, outcome);
    for (const event of outcome.events) this.fireWatches(event.path, event.type);
    if (entry.txn.kind === "closeSession") this.sessionClosed(entry.txn.sessionId);
  }

  // ---- connections -----------------------------------------------------------------------

  private onConnect(from: string, m: ConnectRequest): void {
    const { ctx, config, tree } = this.core;
    const role = this.core.activeRole();
    if (!this.servingNow || !role) {
      ctx.closeConnection(from);
      return;
    }
    if (m.lastZxidSeen > tree.lastZxid) {
      // ZooKeeper refuses a client that has seen more than this member: it would go back in time.
      ctx.record("zab.client-refused", { client: from, clientZxid: m.lastZxidSeen, zxid: tree.lastZxid });
      ctx.closeConnection(from);
      return;
    }
    this.clientGone(from);
    const timeoutMicros = Math.min(config.maxSessionTimeoutMicros, Math.max(config.minSessionTimeoutMicros, m.timeoutMicros));
    if (m.sessionId === 0) {
      const id = this.localId();
      this.pending.set(id, { kind: "connect", client: from, timeoutMicros });
      role.submit({ kind: "newSession", timeoutMicros }, id);
    } else if (tree.sessions[String(m.sessionId)] === undefined) {
      this.expire(from, m.sessionId);
    } else {
      this.revalidating.set(m.sessionId, { client: from, timeoutMicros });
      role.revalidate(m.sessionId);
    }
  }

  private admit(client: string, sessionId: number, timeoutMicros: number): void {
    this.clients.set(client, { sessionId, timeoutMicros, queue: [], inFlight: [], barrier: false });
    this.send(client, { type: "zk.connected", sessionId, timeoutMicros });
  }

  /**
   * Tells the client its session is gone; the client closes the connection when it reads
   * this. Closing here would reset the connection and drop the notice still in flight
   * (a reset loses what is on the wire; ZooKeeper flushes the answer before it closes).
   */
  private expire(client: string, sessionId: number): void {
    this.send(client, { type: "zk.expired", sessionId });
  }

  private sessionClosed(sessionId: number): void {
    for (const [name, c] of [...this.clients]) {
      if (c.sessionId !== sessionId) continue;
      this.clientGone(name);
      this.expire(name, sessionId);
    }
  }

  private onPing(from: string): void {
    const c = this.clients.get(from);
    if (!c) return;
    this.core.activeRole()?.touch(c.sessionId);
    this.send(from, { type: "zk.pong", zxid: this.core.tree.lastZxid });
  }

  private onSetWatches(from: string, m: SetWatches): void {
    if (!this.clients.has(from)) return;
    const nodes = this.core.tree.nodes;
    for (const path of m.data) {
      const node = nodes.get(path);
      if (!node) this.notify(from, path, "deleted");
      else if (node.mzxid > m.relativeZxid) this.notify(from, path, "dataChanged");
      else this.watch(this.dataWatches, path, from);
    }
    for (const path of m.exist) {
      if (nodes.has(path)) this.notify(from, path, "created");
      else this.watch(this.dataWatches, path, from);
    }
    for (const path of m.child) {
      const node = nodes.get(path);
      if (!node) this.notify(from, path, "deleted");
      else if (node.pzxid > m.relativeZxid) this.notify(from, path, "childrenChanged");
      else this.watch(this.childWatches, path, from);
    }
  }

  // ---- requests, strictly in order per client ------------------------------------------

  private onRequest(from: string, m: ClientRequest): void {
    const c = this.clients.get(from);
    if (!c) return;
    this.core.activeRole()?.touch(c.sessionId);
    c.queue.push(m);
    this.pump(from, c);
  }

  /**
   * Starts the client's requests in order, as ZooKeeper's request processors do: a
   * session's writes are pipelined (each goes to the leader at once; their commits come
   * back in zxid order, so the answers keep the session's order), while a read, a sync or
   * a close waits for every request before it to be answered.
   */
  private pump(name: string, c: ConnectedClient): void {
    const role = this.core.activeRole();
    while (c.queue.length > 0 && !c.barrier && role) {
      const head = c.queue[0]!;
      const request = head.request;
      if (request.op === "write") {
        c.queue.shift();
        c.inFlight.push(head.xid);
        const id = this.localId();
        this.pending.set(id, { kind: "write", client: name, xid: head.xid });
        role.submit({ kind: "ops", sessionId: c.sessionId, ops: request.ops, multi: request.multi }, id);
        continue;
      }
      if (c.inFlight.length > 0) return;
      c.queue.shift();
      if (request.op === "sync" || request.op === "close") {
        c.inFlight.push(head.xid);
        c.barrier = true;
        const id = this.localId();
        if (request.op === "sync") {
          this.pending.set(id, { kind: "sync", client: name, xid: head.xid });
          role.requestSync(id);
        } else {
          this.pending.set(id, { kind: "close", client: name, xid: head.xid });
          role.submit({ kind: "closeSession", sessionId: c.sessionId, reason: "closed" }, id);
        }
        return;
      }
      this.answer(name, head.xid, { read: this.read(name, request) });
    }
  }

  private read(client: string, op: Exclude<ReadOp, { op: "sync" }>): ReadResult {
    const node = this.core.tree.nodes.get(op.path) ?? null;
    if (op.op === "exists") {
      if (op.watch) this.watch(this.dataWatches, op.path, client);
      return { ok: true, node };
    }
    if (!node) return { ok: false, error: "NONODE" };
    if (op.watch) this.watch(op.op === "getChildren" ? this.childWatches : this.dataWatches, op.path, client);
    return { ok: true, node };
  }

  private completeLocal(entry: LogEntry, outcome: ApplyOutcome): void {
    const p = this.pending.get(entry.xid);
    if (!p) return;
    this.pending.delete(entry.xid);
    switch (p.kind) {
      case "connect":
        if (entry.txn.kind === "createSession") this.admit(p.client, entry.txn.sessionId, p.timeoutMicros);
        return;
      case "close":
        // The client closes the connection once it has the answer (see `expire`).
        this.answer(p.client, p.xid, { write: outcome.results });
        this.clientGone(p.client);
        return;
      case "write":
        this.answer(p.client, p.xid, { write: outcome.results });
        return;
      case "sync":
        return;
    }
  }

  /** Sends a response and lets the client's next request go. */
  private answer(client: string, xid: number, body: { read?: ReadResult; write?: ApplyOutcome["results"] }): void {
    this.send(client, { type: "zk.response", xid, zxid: this.core.tree.lastZxid, ...body });
    const c = this.clients.get(client);
    const at = c ? c.inFlight.indexOf(xid) : -1;
    if (!c || at < 0) return; // a read, answered as it was started
    c.inFlight.splice(at, 1);
    if (c.inFlight.length === 0) c.barrier = false;
    this.pump(client, c);
  }

  // ---- watches -------------------------------------------------------------------------

  private watch(table: Map<string, Set<string>>, path: string, client: string): void {
    let watchers = table.get(path);
    if (!watchers) table.set(path, (watchers = new Set()));
    watchers.add(client);
  }

  private fireWatches(path: string, type: WatchEventType): void {
    if (type !== "childrenChanged") this.fire(this.dataWatches, path, type);
    if (type === "childrenChanged" || type === "deleted") this.fire(this.childWatches, path, type);
  }

  private fire(table: Map<string, Set<string>>, path: string, type: WatchEventType): void {
    const watchers = table.get(path);
    if (!watchers) return;
    table.delete(path);
    for (const client of [...watchers].sort()) this.notify(client, path, type);
  }

  private notify(client: string, path: string, event: WatchEventType): void {
    this.send(client, { type: "zk.watch", path, event });
  }

  private send(client: string, m: MemberToClient): void {
    sendToClient(this.core.ctx, client, m, 64);
  }

  private localId(): number {
    return this.core.ctx.incarnation * LOCAL_ID_SPAN + ++this.nextLocalId;
  }
}
