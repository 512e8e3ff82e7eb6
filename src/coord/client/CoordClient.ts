import { assert, type EventHandle, type Micros, type NodeContext } from "../../../sim/index.ts";
import type { ZkError } from "../errors.ts";
import type { ClientRequest, MemberToClient, ReadOp, ReadResult, WriteOp } from "../messages.ts";
import { sendToMember } from "../send.ts";
import { ANY_VERSION, type Op, type OpResult, type WatchEventType } from "../ZnodeTree.ts";
import type { Zxid } from "../zxid.ts";

/** connected; disconnected (suspended: the session may still live); expired (for good); closed by us. */
export type ClientState = "connecting" | "connected" | "disconnected" | "expired" | "closed";

export interface CoordClientOptions {
  /** The ensemble members to try, in any order (the client shuffles them with its seed). */
  readonly members: readonly string[];
  readonly sessionTimeoutMicros: Micros;
  /** A request not answered in this time fails with OPERATIONTIMEOUT (default: the session timeout). */
  readonly requestTimeoutMicros?: Micros;
  readonly onStateChange?: (state: ClientState) => void;
}

export type WriteCallback = (result: OpResult) => void;
export type MultiCallback = (results: readonly OpResult[] | { ok: false; error: ZkError }) => void;
export type ReadCallback = (result: ReadResult) => void;
export type Watcher = (event: WatchEventType, path: string) => void;

interface Outstanding {
  readonly xid: number;
  readonly request: ReadOp | WriteOp;
  readonly complete: (response: { read?: ReadResult; write?: readonly OpResult[] } | ZkError) => void;
  timer: EventHandle;
  sent: boolean;
}

/**
 * The ensemble's client library (ZooKeeper's ClientCnxn in short). It lives inside a host
 * process (a broker, the controller, a test actor), which hands it the messages of
 * ensemble members and their connection resets. Requests are answered through callbacks,
 * in the order they were made; the client moves to another member when its member fails
 * or falls silent, re-registering its watches; it learns that its session expired only
 * when a member tells it so, as a real ZooKeeper client does.
 */
export class CoordClient {
  private currentState: ClientState = "connecting";
  private member: string | null = null;
  private readonly order: string[];
  private nextMemberIndex = 0;
  private session = 0;
  private negotiatedTimeout: Micros;
  private lastZxidSeen: Zxid = 0;
  private lastHeardMicros = 0;
  private nextXid = 1;
  private readonly outstanding: Outstanding[] = [];
  private readonly dataWatchers = new Map<string, Watcher[]>();
  private readonly existWatchers = new Map<string, Watcher[]>();
  private readonly childWatchers = new Map<string, Watcher[]>();
  private connectTimer: EventHandle = -1;
  private pingTimer: EventHandle = -1;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: CoordClientOptions,
  ) {
    assert(options.members.length > 0, "a coordination client needs at least one member");
    this.order = ctx.random.shuffle(options.members);
    this.negotiatedTimeout = options.sessionTimeoutMicros;
  }

  get state(): ClientState { return this.currentState; }
  get sessionId(): number { return this.session; }
  get connectedTo(): string | null { return this.currentState === "connected" ? this.member : null; }

  /** True for the names whose messages and resets the host must hand to this client. */
  isMember(peer: string): boolean {
    return this.options.members.includes(peer);
  }

  start(): void {
    this.connectNext();
  }

  // ---- the API -----------------------------------------------------------------------

  create(path: string, data: string, mode: { ephemeral?: boolean; sequential?: boolean }, done: WriteCallback): void {
    const op: Op = { op: "create", path, data, ephemeral: mode.ephemeral ?? false, sequential: mode.sequential ?? false };
    this.write([op], false, (r) => done(Array.isArray(r) ? r[0]! : (r as OpResult)));
  }

  delete(path: string, version: number, done: WriteCallback): void {
    this.write([{ op: "delete", path, version }], false, (r) => done(Array.isArray(r) ? r[0]! : (r as OpResult)));
  }

  setData(path: string, data: string, version: number, done: WriteCallback): void {
    this.write([{ op: "setData", path, data, version }], false, (r) => done(Array.isArray(r) ? r[0]! : (r as OpResult)));
  }

  /** All or nothing: every op succeeds, or none is applied. */
  multi(ops: readonly Op[], done: MultiCallback): void {
    this.write(ops, true, done);
  }

  getData(path: string, watcher: Watcher | null, done: ReadCallback): void {
    this.read({ op: "getData", path, watch: watcher !== null }, (r) => {
      if (watcher && r.ok) this.addWatcher(this.dataWatchers, path, watcher);
      done(r);
    });
  }

  exists(path: string, watcher: Watcher | null, done: ReadCallback): void {
    this.read({ op: "exists", path, watch: watcher !== null }, (r) => {
      if (watcher && r.ok) this.addWatcher(r.node ? this.dataWatchers : this.existWatchers, path, watcher);
      done(r);
    });
  }

  getChildren(path: string, watcher: Watcher | null, done: ReadCallback): void {
    this.read({ op: "getChildren", path, watch: watcher !== null }, (r) => {
      if (watcher && r.ok) this.addWatcher(this.childWatchers, path, watcher);
      done(r);
    });
  }

  /** After `sync`, a read through this client sees everything committed before the sync. */
  sync(path: string, done: (result: { ok: true } | { ok: false; error: ZkError }) => void): void {
    this.enqueue({ op: "sync", path }, (r) => done(typeof r === "string" ? { ok: false, error: r } : { ok: true }));
  }

  /** Ends the session: its ephemeral nodes go at once rather than at expiry. */
  close(done?: () => void): void {
    this.enqueue({ op: "close" }, () => {
      this.hangUp();
      this.setState("closed");
      done?.();
    });
  }

  // ---- from the host -------------------------------------------------------------------

  receive(from: string, m: MemberToClient): void {
    if (from !== this.member || this.currentState === "expired" || this.currentState === "closed") return;
    this.lastHeardMicros = this.ctx.now;
    switch (m.type) {
      case "zk.connected": return this.onConnected(m.sessionId, m.timeoutMicros);
      case "zk.expired": return this.onExpired();
      case "zk.pong": this.seen(m.zxid); return;
      case "zk.response": return this.onResponse(m.xid, m.zxid, m);
      case "zk.watch": return this.onWatch(m.path, m.event);
    }
  }

  connectionReset(peer: string): void {
    if (peer !== this.member || this.currentState === "expired" || this.currentState === "closed") return;
    this.lostConnection(`connection to ${peer} reset`);
  }

  // ---- connection management -------------------------------------------------------------

  private connectNext(): void {
    if (this.currentState === "expired" || this.currentState === "closed") return;
    const member = this.order[this.nextMemberIndex++ % this.order.length]!;
    this.member = member;
    this.lastHeardMicros = this.ctx.now;
    sendToMember(this.ctx, member, { type: "zk.connect", sessionId: this.session, timeoutMicros: this.negotiatedTimeout, lastZxidSeen: this.lastZxidSeen }, 64);
    // ZooKeeper gives each member sessionTimeout / members to answer a connect.
    const connectTimeout = Math.floor(this.options.sessionTimeoutMicros / this.order.length);
    this.connectTimer = this.ctx.setTimer(connectTimeout, "zk.connect-timeout", () => {
      if (this.currentState !== "connected") this.abandon(member, "connect timed out");
    });
  }

  private onConnected(sessionId: number, timeoutMicros: Micros): void {
    this.ctx.cancelTimer(this.connectTimer);
    this.session = sessionId;
    this.negotiatedTimeout = timeoutMicros;
    this.setState("connected");
    this.resendWatches();
    for (const o of this.outstanding) if (!o.sent) this.transmit(o);
    this.schedulePing();
  }

  private onExpired(): void {
    this.ctx.cancelTimer(this.connectTimer);
    this.ctx.cancelTimer(this.pingTimer);
    this.failAll("SESSIONEXPIRED", true);
    this.dataWatchers.clear();
    this.existWatchers.clear();
    this.childWatchers.clear();
    // Hang up before telling the application, which may start a new session at once.
    this.hangUp();
    this.setState("expired");
  }

  /** The session is over: the member sent its last word, so this side closes the connection. */
  private hangUp(): void {
    this.ctx.cancelTimer(this.connectTimer);
    this.ctx.cancelTimer(this.pingTimer);
    if (this.member !== null) this.ctx.closeConnection(this.member);
    this.member = null;
  }

  /** Close the connection to `member` and try the next one after a short random back-off. */
  private abandon(member: string, reason: string): void {
    if (this.member !== member) return;
    this.ctx.closeConnection(member);
    this.lostConnection(reason);
  }

  private lostConnection(reason: string): void {
    this.ctx.cancelTimer(this.connectTimer);
    this.ctx.cancelTimer(this.pingTimer);
    this.member = null;
    this.failAll("CONNECTIONLOSS", false);
    if (this.currentState === "connected") this.setState("disconnected");
    this.ctx.record("zk.client-disconnected", { reason });
    const backoff = Math.floor(this.ctx.random.next() * 1_000_000);
    this.ctx.setTimer(backoff, "zk.reconnect", () => {
      if (this.member === null) this.connectNext();
    });
  }

  private schedulePing(): void {
    const readTimeout = Math.floor((this.negotiatedTimeout * 2) / 3);
    this.pingTimer = this.ctx.setTimer(Math.floor(this.negotiatedTimeout / 3), "zk.ping", () => {
      if (this.currentState !== "connected" || this.member === null) return;
      if (this.ctx.now - this.lastHeardMicros > readTimeout) {
        this.abandon(this.member, "member silent");
        return;
      }
      sendToMember(this.ctx, this.member, { type: "zk.ping" }, 32);
      this.schedulePing();
    });
  }

  // ---- requests ----------------------------------------------------------------------

  private write(ops: readonly Op[], multi: boolean, done: MultiCallback): void {
    this.enqueue({ op: "write", ops, multi }, (r) => {
      if (typeof r === "string") done({ ok: false, error: r });
      else done(r.write!);
    });
  }

  private read(op: ReadOp, done: ReadCallback): void {
    this.enqueue(op, (r) => done(typeof r === "string" ? { ok: false, error: r } : r.read!));
  }

  private enqueue(request: ReadOp | WriteOp, complete: Outstanding["complete"]): void {
    if (this.currentState === "expired" || this.currentState === "closed") {
      const error: ZkError = this.currentState === "expired" ? "SESSIONEXPIRED" : "CONNECTIONLOSS";
      this.ctx.setTimer(0, "zk.fail-fast", () => complete(error));
      return;
    }
    const o: Outstanding = { xid: this.nextXid++, request, complete, timer: -1, sent: false };
    const timeout = this.options.requestTimeoutMicros ?? this.options.sessionTimeoutMicros;
    o.timer = this.ctx.setTimer(timeout, "zk.request-timeout", () => this.finish(o, "OPERATIONTIMEOUT"));
    this.outstanding.push(o);
    if (this.currentState === "connected") this.transmit(o);
  }

  private transmit(o: Outstanding): void {
    o.sent = true;
    const message: ClientRequest = { type: "zk.request", xid: o.xid, request: o.request };
    sendToMember(this.ctx, this.member!, message, 128);
  }

  private onResponse(xid: number, zxid: Zxid, body: { read?: ReadResult; write?: readonly OpResult[] }): void {
    this.seen(zxid);
    const o = this.outstanding.find((x) => x.xid === xid);
    if (o) this.finish(o, body);
  }

  private finish(o: Outstanding, outcome: Parameters<Outstanding["complete"]>[0]): void {
    const index = this.outstanding.indexOf(o);
    if (index < 0) return;
    this.outstanding.splice(index, 1);
    this.ctx.cancelTimer(o.timer);
    o.complete(outcome);
  }

  /** In-flight requests fail (their outcome is unknown); unsent ones wait for the next member unless `all`. */
  private failAll(error: ZkError, all: boolean): void {
    for (const o of [...this.outstanding]) if (all || o.sent) this.finish(o, error);
  }

  private seen(zxid: Zxid): void {
    if (zxid > this.lastZxidSeen) this.lastZxidSeen = zxid;
  }

  // ---- watches -------------------------------------------------------------------------

  private addWatcher(table: Map<string, Watcher[]>, path: string, watcher: Watcher): void {
    const list = table.get(path);
    if (list) list.push(watcher);
    else table.set(path, [watcher]);
  }

  private onWatch(path: string, event: WatchEventType): void {
    const fired: Watcher[] = [];
    const take = (table: Map<string, Watcher[]>) => {
      fired.push(...(table.get(path) ?? []));
      table.delete(path);
    };
    if (event === "childrenChanged") take(this.childWatchers);
    else {
      take(this.dataWatchers);
      take(this.existWatchers);
      if (event === "deleted") take(this.childWatchers);
    }
    for (const w of fired) w(event, path);
  }

  private resendWatches(): void {
    const data = [...this.dataWatchers.keys()].sort();
    const exist = [...this.existWatchers.keys()].sort();
    const child = [...this.childWatchers.keys()].sort();
    if (data.length + exist.length + child.length === 0) return;
    sendToMember(this.ctx, this.member!, { type: "zk.setwatches", relativeZxid: this.lastZxidSeen, data, exist, child }, 64);
  }

  private setState(state: ClientState): void {
    if (state === this.currentState) return;
    this.currentState = state;
    this.ctx.record("zk.client-state", { state, sessionId: this.session });
    this.options.onStateChange?.(state);
  }
}

export { ANY_VERSION };
