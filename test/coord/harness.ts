/**
 * Test harness for the coordination ensemble: a simulation with an ensemble, an invariant
 * checker and a commit log as observers, test clients whose every write is recorded with
 * its invoke and completion order and the zxid the member answered with, and the checks
 * the stories share (acknowledged writes committed, trees agreeing, linearizable writes).
 */
import { isDeepStrictEqual } from "node:util";
import {
  Simulation,
  millis,
  seconds,
  type DiskOptions,
  type Message,
  type Micros,
  type NodeContext,
  type Process,
  type Random,
} from "../../sim/index.ts";
import { addEnsemble, type Ensemble } from "../../src/coord/Ensemble.ts";
import { EnsembleChecker, checkTree } from "../../src/coord/EnsembleChecker.ts";
import type { EnsembleConfig } from "../../src/coord/config.ts";
import { CoordClient, type ClientState, type Watcher } from "../../src/coord/client/CoordClient.ts";
import type { LogEntry, MemberToClient, ReadResult } from "../../src/coord/messages.ts";
import type { EnsembleObserver } from "../../src/coord/observer.ts";
import { applyTxn, EMPTY_TREE, type Op, type OpResult, type TreeState } from "../../src/coord/ZnodeTree.ts";
import { formatZxid, type Zxid } from "../../src/coord/zxid.ts";

// ---- observers -------------------------------------------------------------------------

/** Every entry committed anywhere, by zxid (the first member to apply it reports it). */
export class CommitLog implements EnsembleObserver {
  readonly byZxid = new Map<Zxid, LogEntry>();
  /** Commit reports in the order they happened: [member, zxid, time]. */
  readonly reports: [string, Zxid, Micros][] = [];

  committed(member: string, entry: LogEntry, atMicros: number): void {
    if (!this.byZxid.has(entry.zxid)) this.byZxid.set(entry.zxid, entry);
    this.reports.push([member, entry.zxid, atMicros]);
  }

  /** Committed entries in zxid order. */
  entries(): LogEntry[] {
    return [...this.byZxid.values()].sort((a, b) => a.zxid - b.zxid);
  }

  private replayed: { size: number; state: TreeState; results: Map<Zxid, readonly OpResult[]> } | null = null;

  /**
   * The committed entries applied in zxid order from an empty tree: the state every member
   * must hold once it has applied them all, and each transaction's results (kept until a
   * new commit arrives).
   */
  replay(): { state: TreeState; results: Map<Zxid, readonly OpResult[]> } {
    if (this.replayed?.size !== this.byZxid.size) {
      let state = EMPTY_TREE;
      const results = new Map<Zxid, readonly OpResult[]>();
      for (const e of this.entries()) {
        const outcome = applyTxn(state, e.zxid, e.txn);
        state = outcome.state;
        results.set(e.zxid, outcome.results);
      }
      this.replayed = { size: this.byZxid.size, state, results };
    }
    return this.replayed;
  }

  get maxZxid(): Zxid {
    let max = 0;
    for (const z of this.byZxid.keys()) if (z > max) max = z;
    return max;
  }
}

/** Hands every report to each observer in turn. */
export function fanOut(...observers: EnsembleObserver[]): EnsembleObserver {
  return {
    leaderEstablished: (m, e, t) => observers.forEach((o) => o.leaderEstablished?.(m, e, t)),
    committed: (m, e, t) => observers.forEach((o) => o.committed?.(m, e, t)),
    treeReset: (m, z, t) => observers.forEach((o) => o.treeReset?.(m, z, t)),
    lookingStarted: (m, r, t) => observers.forEach((o) => o.lookingStarted?.(m, r, t)),
  };
}

// ---- the client-visible history -----------------------------------------------------------

/** One write as the client saw it. `seq`s order invocations and completions in real time. */
export interface WriteRecord {
  readonly client: string;
  readonly session: number;
  readonly ops: readonly Op[];
  readonly multi: boolean;
  readonly invokeSeq: number;
  readonly invokeMicros: Micros;
  completeSeq?: number;
  completeMicros?: Micros;
  /** The results, or the client-side error (CONNECTIONLOSS, OPERATIONTIMEOUT, ...). */
  results?: readonly OpResult[];
  error?: string;
  /** The zxid of the member's answer; present only when a member answered (the write committed). */
  zxid?: Zxid;
}

export class History {
  readonly writes: WriteRecord[] = [];
  private seq = 0;

  next(): number {
    return ++this.seq;
  }

  /** Writes a member answered: each was committed at `zxid` (successful or not). */
  answered(): WriteRecord[] {
    return this.writes.filter((w) => w.zxid !== undefined);
  }

  /** Writes that succeeded. */
  acked(): WriteRecord[] {
    return this.answered().filter((w) => w.results!.every((r) => r.ok));
  }
}

// ---- test clients -----------------------------------------------------------------------

/**
 * A client process that notes the zxid of each member answer before handing it to the
 * client: callbacks run inside `receive`, so a callback can tell which zxid answered it.
 */
export class RecordingClientHost implements Process {
  client: CoordClient;
  answeringZxid: Zxid | undefined;
  readonly states: ClientState[] = [];
  /** Every watch notification a member sent, as it arrived (before the client library's own filtering). */
  readonly notifications: { member: string; path: string; event: string; atMicros: Micros }[] = [];

  constructor(
    readonly ctx: NodeContext,
    private readonly options: { members: readonly string[]; sessionTimeoutMicros: Micros; requestTimeoutMicros?: Micros },
    private readonly script: (host: RecordingClientHost) => void = () => {},
  ) {
    this.client = this.newClient();
  }

  start(): void {
    this.client.start();
    this.script(this);
  }

  /** Starts over with a new session (an application whose session expired makes a new one). */
  renew(): void {
    this.client = this.newClient();
    this.client.start();
  }

  receive(from: string, message: Message): void {
    if (!this.client.isMember(from)) return;
    const m = message as MemberToClient;
    if (m.type === "zk.watch") this.notifications.push({ member: from, path: m.path, event: m.event, atMicros: this.ctx.now });
    this.answeringZxid = m.type === "zk.response" ? m.zxid : undefined;
    try {
      this.client.receive(from, m);
    } finally {
      this.answeringZxid = undefined;
    }
  }

  connectionReset(peer: string): void {
    if (this.client.isMember(peer)) this.client.connectionReset(peer);
  }

  private newClient(): CoordClient {
    return new CoordClient(this.ctx, { ...this.options, onStateChange: (s) => this.states.push(s) });
  }
}

/** A client as tests drive it: every write is recorded in the shared history. */
export class TestClient {
  constructor(
    readonly name: string,
    private readonly world: World,
  ) {}

  get host(): RecordingClientHost {
    return this.world.sim.node(this.name).process as RecordingClientHost;
  }

  get client(): CoordClient {
    return this.host.client;
  }

  get state(): ClientState {
    return this.client.state;
  }

  create(path: string, data: string, mode: { ephemeral?: boolean; sequential?: boolean } = {}): WriteRecord {
    const op: Op = { op: "create", path, data, ephemeral: mode.ephemeral ?? false, sequential: mode.sequential ?? false };
    return this.write([op], false);
  }

  setData(path: string, data: string, version: number): WriteRecord {
    return this.write([{ op: "setData", path, data, version }], false);
  }

  delete(path: string, version: number): WriteRecord {
    return this.write([{ op: "delete", path, version }], false);
  }

  multi(ops: readonly Op[]): WriteRecord {
    return this.write(ops, true);
  }

  /** Sends a write and records it; the record fills in when the client completes it. */
  write(ops: readonly Op[], multi: boolean, done?: (w: WriteRecord) => void): WriteRecord {
    const { sim, history } = this.world;
    const host = this.host;
    const client = host.client;
    const record: WriteRecord = {
      client: this.name,
      session: client.sessionId,
      ops,
      multi,
      invokeSeq: history.next(),
      invokeMicros: sim.now,
    };
    history.writes.push(record);
    const complete = (results: readonly OpResult[] | { ok: false; error: string }): void => {
      record.completeSeq = history.next();
      record.completeMicros = sim.now;
      const zxid = host.answeringZxid;
      if (zxid !== undefined) {
        record.zxid = zxid;
        record.results = Array.isArray(results) ? results : [results as OpResult];
      } else {
        record.error = Array.isArray(results) ? "?" : (results as { error: string }).error;
      }
      done?.(record);
    };
    if (multi) client.multi(ops, (r) => complete(Array.isArray(r) ? r : (r as { ok: false; error: string })));
    else if (ops[0]!.op === "create") {
      const op = ops[0]!;
      client.create(op.path, op.data, { ephemeral: op.ephemeral, sequential: op.sequential }, (r) => complete(r.ok ? [r] : wrapError(r, host)));
    } else if (ops[0]!.op === "setData") {
      const op = ops[0]!;
      client.setData(op.path, op.data, op.version, (r) => complete(r.ok ? [r] : wrapError(r, host)));
    } else if (ops[0]!.op === "delete") {
      const op = ops[0]!;
      client.delete(op.path, op.version, (r) => complete(r.ok ? [r] : wrapError(r, host)));
    } else {
      client.multi(ops, (r) => complete(Array.isArray(r) ? r : (r as { ok: false; error: string })));
    }
    return record;
  }

  /** Reads and returns a box the answer lands in. */
  getData(path: string, watcher: Watcher | null = null): { result?: ReadResult } {
    const box: { result?: ReadResult } = {};
    this.client.getData(path, watcher, (r) => (box.result = r));
    return box;
  }

  exists(path: string, watcher: Watcher | null = null): { result?: ReadResult } {
    const box: { result?: ReadResult } = {};
    this.client.exists(path, watcher, (r) => (box.result = r));
    return box;
  }

  getChildren(path: string, watcher: Watcher | null = null): { result?: ReadResult } {
    const box: { result?: ReadResult } = {};
    this.client.getChildren(path, watcher, (r) => (box.result = r));
    return box;
  }

  sync(path: string): { result?: { ok: boolean; error?: string } } {
    const box: { result?: { ok: boolean; error?: string } } = {};
    this.client.sync(path, (r) => (box.result = r));
    return box;
  }
}

/**
 * A member's answer with a ZooKeeper error (BADVERSION, NODEEXISTS...) is an answered write;
 * the client's own failures (CONNECTIONLOSS, OPERATIONTIMEOUT, a fail-fast SESSIONEXPIRED)
 * are not: the host saw no response for them.
 */
function wrapError(r: OpResult, host: RecordingClientHost): OpResult[] | { ok: false; error: string } {
  if (host.answeringZxid !== undefined) return [r];
  return r as { ok: false; error: string };
}

// ---- the world ---------------------------------------------------------------------------

export interface WorldOptions {
  seed: string;
  size?: number;
  config?: Partial<EnsembleConfig>;
  disk?: Partial<DiskOptions>;
  /** Another observer, told after the checker and the commit log. */
  observer?: EnsembleObserver;
  /** Chooses the ensemble's shape from the run's "test" random stream (overrides size and disk). */
  shape?: (test: Random) => { size: number; disk: Partial<DiskOptions> };
}

export interface World {
  readonly sim: Simulation;
  readonly ens: Ensemble;
  readonly checker: EnsembleChecker;
  readonly commits: CommitLog;
  readonly history: History;
  /** Elections as they finished: [member, epoch, time]. */
  readonly established: [string, number, Micros][];
  readonly clients: Map<string, TestClient>;
}

export function makeWorld(options: WorldOptions): World {
  const sim = new Simulation({ seed: options.seed });
  const shape = options.shape?.(sim.random.stream("test")) ?? { size: options.size ?? 3, disk: options.disk };
  const checker = new EnsembleChecker();
  const commits = new CommitLog();
  const established: [string, number, Micros][] = [];
  const record: EnsembleObserver = { leaderEstablished: (m, e, t) => established.push([m, e, t]) };
  const ens = addEnsemble(sim, {
    size: shape.size,
    config: options.config,
    disk: shape.disk,
    observer: fanOut(checker, commits, record, options.observer ?? {}),
  });
  return { sim, ens, checker, commits, history: new History(), established, clients: new Map() };
}

export interface ClientOptions {
  /** The members this client may connect to (default: all). */
  members?: readonly string[];
  sessionTimeoutMicros?: Micros;
  requestTimeoutMicros?: Micros;
  script?: (host: RecordingClientHost) => void;
}

export function addClient(world: World, name: string, options: ClientOptions = {}): TestClient {
  const hostOptions = {
    members: options.members ?? world.ens.names,
    sessionTimeoutMicros: options.sessionTimeoutMicros ?? seconds(10),
    requestTimeoutMicros: options.requestTimeoutMicros,
  };
  world.sim.addNode(name, (ctx) => new RecordingClientHost(ctx, hostOptions, options.script));
  const client = new TestClient(name, world);
  world.clients.set(name, client);
  return client;
}

/**
 * More events than this in one step of simulated time is a livelock (something looping at
 * one instant): the test fails with that rather than hanging.
 */
const MAX_EVENTS_PER_STEP = 2_000_000;

/** Runs up to `untilMicros`, failing on a livelock. */
function runTo(sim: Simulation, untilMicros: Micros): void {
  const result = sim.run({ untilMicros, maxEvents: MAX_EVENTS_PER_STEP });
  if (result.reason === "event-limit") {
    throw new Error(`livelock: ${MAX_EVENTS_PER_STEP} events before ${untilMicros}us, clock stuck near ${sim.now}us`);
  }
}

/** Runs in steps until `done()` holds or `withinMicros` has passed; true if it holds. */
export function runUntil(sim: Simulation, done: () => boolean, withinMicros: Micros, stepMicros: Micros = millis(50)): boolean {
  const end = sim.now + withinMicros;
  while (!done()) {
    if (sim.now >= end) return false;
    runTo(sim, Math.min(end, sim.now + stepMicros));
  }
  return true;
}

export function runFor(sim: Simulation, micros: Micros): void {
  const end = sim.now + micros;
  while (sim.now < end) runTo(sim, Math.min(end, sim.now + seconds(1)));
}

/** A serving leader, elected within the limit (throws otherwise, naming the seed's state). */
export function awaitLeader(world: World, withinMicros: Micros = seconds(30)): string {
  const ok = runUntil(world.sim, () => world.ens.leader() !== null, withinMicros);
  if (!ok) throw new Error(`no leader within ${withinMicros}us: ${describeMembers(world)}`);
  return world.ens.leader()!;
}

/** The ensemble fully formed: every member serving under one leader, which is returned. */
export function awaitReady(world: World, withinMicros: Micros = seconds(30)): string {
  if (!awaitSettled(world, withinMicros)) throw new Error(`ensemble not formed within ${withinMicros}us: ${describeMembers(world)}`);
  return world.ens.leader()!;
}

/** Waits until every up member serves, one leads, and all have applied the same zxid. */
export function awaitSettled(world: World, withinMicros: Micros = seconds(60)): boolean {
  return runUntil(world.sim, () => settled(world), withinMicros, millis(100));
}

export function settled(world: World): boolean {
  const { ens, sim } = world;
  const up = ens.names.filter((n) => sim.node(n).isUp);
  if (up.length !== ens.names.length) return false;
  if (ens.leader() === null) return false;
  if (!up.every((n) => ens.member(n)!.serving)) return false;
  const zxids = new Set(up.map((n) => ens.member(n)!.tree.lastZxid));
  return zxids.size === 1;
}

export function awaitConnected(sim: Simulation, client: TestClient, withinMicros: Micros = seconds(30)): boolean {
  return runUntil(sim, () => client.state === "connected", withinMicros);
}

/** Runs until the record completes; true if it did within the limit. */
export function awaitWrite(sim: Simulation, w: WriteRecord, withinMicros: Micros = seconds(30)): boolean {
  return runUntil(sim, () => w.completeSeq !== undefined, withinMicros, millis(10));
}

export function awaitBox(sim: Simulation, box: { result?: unknown }, withinMicros: Micros = seconds(30)): boolean {
  return runUntil(sim, () => box.result !== undefined, withinMicros, millis(10));
}

export function describeMembers(world: World): string {
  return world.ens.names
    .map((n) => {
      const m = world.ens.member(n);
      if (!m) return `${n}: down`;
      return `${n}: ${m.state}${m.serving ? " serving" : ""} applied ${formatZxid(m.tree.lastZxid)} logged ${formatZxid(m.store.lastZxid)}`;
    })
    .join("; ");
}

// ---- shared checks -------------------------------------------------------------------------

/** Trees compared by what clients can see: nodes, sessions and the last applied zxid. */
export function treeView(tree: TreeState): { lastZxid: Zxid; nodes: TreeState["nodes"]; sessions: TreeState["sessions"] } {
  return { lastZxid: tree.lastZxid, nodes: tree.nodes, sessions: tree.sessions };
}

/**
 * Every answered write is in the committed log at the zxid its member answered with, as the
 * very transaction the client sent (its session and ops).
 */
export function answeredWritesCommitted(world: World): string[] {
  const problems: string[] = [];
  for (const w of world.history.answered()) {
    const entry = world.commits.byZxid.get(w.zxid!);
    if (!entry) {
      problems.push(`${w.client}'s write ${JSON.stringify(w.ops)} answered at ${formatZxid(w.zxid!)} is not committed`);
      continue;
    }
    const txn = entry.txn;
    if (txn.kind !== "ops" || txn.sessionId !== w.session || JSON.stringify(txn.ops) !== JSON.stringify(w.ops)) {
      problems.push(`${w.client}'s write ${JSON.stringify(w.ops)} answered at ${formatZxid(w.zxid!)}, where ${JSON.stringify(txn)} committed`);
    }
  }
  return problems;
}

/**
 * Writes are linearizable as clients see them: a write that completed before another was
 * invoked has the smaller zxid. Checked with a sweep: for each write in invocation order,
 * every write completed before it must have a smaller zxid.
 */
export function linearizabilityViolations(history: History): string[] {
  const answered = history.answered();
  const byComplete = [...answered].sort((a, b) => a.completeSeq! - b.completeSeq!);
  const byInvoke = [...answered].sort((a, b) => a.invokeSeq - b.invokeSeq);
  const problems: string[] = [];
  let i = 0;
  let maxBefore: WriteRecord | null = null;
  for (const w of byInvoke) {
    while (i < byComplete.length && byComplete[i]!.completeSeq! < w.invokeSeq) {
      const c = byComplete[i++]!;
      if (maxBefore === null || c.zxid! > maxBefore.zxid!) maxBefore = c;
    }
    if (maxBefore !== null && maxBefore.zxid! >= w.zxid!) {
      problems.push(
        `${maxBefore.client}'s write at ${formatZxid(maxBefore.zxid!)} completed before ${w.client}'s write ` +
          `was invoked, which committed at ${formatZxid(w.zxid!)}`,
      );
    }
  }
  return problems;
}

/**
 * The final state: every up member has applied exactly the committed log (its tree is the
 * replay of the committed entries up to its last zxid), and the committed trees pass checkTree.
 */
export function finalStateProblems(world: World): string[] {
  const problems: string[] = [];
  const replayed = world.commits.replay().state;
  for (const name of world.ens.names) {
    const m = world.ens.member(name);
    if (!m) continue;
    if (m.tree.lastZxid !== replayed.lastZxid) {
      problems.push(`${name} applied up to ${formatZxid(m.tree.lastZxid)}, the committed log reaches ${formatZxid(replayed.lastZxid)}`);
      continue;
    }
    if (!isDeepStrictEqual(treeView(m.tree), treeView(replayed))) {
      problems.push(`${name}'s tree differs from the replay of the committed log`);
    }
    problems.push(...checkTree(m.tree).map((p) => `${name}: ${p}`));
  }
  return problems;
}

/**
 * Every member answer agrees with the committed log: replaying the committed transactions
 * in zxid order gives, at each answered write's zxid, exactly the results the client got.
 */
export function answersMatchReplay(world: World): string[] {
  const { results } = world.commits.replay();
  const problems: string[] = [];
  for (const w of world.history.answered()) {
    const logged = results.get(w.zxid!);
    if (logged && !isDeepStrictEqual(logged, w.results)) {
      problems.push(`${w.client} got ${JSON.stringify(w.results)} at ${formatZxid(w.zxid!)}, the log gives ${JSON.stringify(logged)}`);
    }
  }
  return problems;
}

/** A conditional setData that succeeded returned the version it named plus one. */
export function conditionalSetDataProblems(history: History): string[] {
  const problems: string[] = [];
  for (const w of history.acked()) {
    w.ops.forEach((op, i) => {
      if (op.op !== "setData" || op.version < 0) return;
      const r = w.results![i]!;
      if (r.ok && r.version !== op.version + 1) problems.push(`${w.client}'s setData at version ${op.version} returned ${r.version}`);
    });
  }
  return problems;
}
