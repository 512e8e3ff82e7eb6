import { assert } from "./assert.ts";
import { Channel } from "./Channel.ts";
import type { Random } from "./Random.ts";
import type { Message, SimNode } from "./SimNode.ts";
import type { Simulation } from "./Simulation.ts";
import type { Micros } from "./time.ts";

/** The network's options; every figure is per link or per NIC, units last. */
export interface NetworkOptions {
  /** One-way propagation delay of every link. */
  latencyMicros: Micros;
  /** Mean of the exponential extra delay drawn for each message. */
  jitterMicros: Micros;
  /** Each NIC's egress bandwidth: a message of N bytes occupies its sender's NIC for N / bandwidth. */
  bandwidthBytesPerSec: number;
  /** TCP's retransmission timeout: how long a lost packet holds up its connection. */
  retransmitMicros: Micros;
  /** How long a connection may stay stalled by a cut link before TCP gives up and resets it. */
  stallResetMicros: Micros;
}

export const DEFAULT_NETWORK: NetworkOptions = {
  latencyMicros: 250,
  jitterMicros: 50,
  bandwidthBytesPerSec: 125_000_000, // 1 Gbit/s
  retransmitMicros: 200_000,
  stallResetMicros: 30_000_000,
};

interface Connection {
  readonly a: number;
  readonly b: number;
  readonly ab: Channel;
  readonly ba: Channel;
}

/**
 * Connections with TCP-like semantics between nodes. Per direction, messages arrive in
 * the order sent (FIFO), after the sender's NIC has put them on the wire (bandwidth) and
 * a one-way latency (base + jitter). Nothing is lost silently, as with TCP: a lost packet
 * is retransmitted (the connection stalls for `retransmitMicros`), a cut link stalls the
 * connection until heal or until TCP gives up, and a reset (crash, close, refused
 * connection, give-up) drops everything in flight and tells both ends.
 *
 * Faults, each in the trace: partition(groups)/heal, partitionOneWay, isolate(node),
 * clog(link, delay)/unclog, drop(link, p), reset(link).
 */
export class Network {
  readonly options: NetworkOptions;
  private readonly random: Random;
  private size = 0;
  /** cut[from * size + to] = 1 when from -> to is blocked. */
  private cut = new Uint8Array(0);
  private egressFreeAt = new Float64Array(0);
  private readonly channels = new Map<number, Channel>();
  private readonly connections = new Map<number, Connection>();
  private readonly clogMicros = new Map<number, Micros>();
  private readonly dropProbability = new Map<number, number>();
  /** Reset notices that cannot reach their node until a cut heals. */
  private pendingNotices: { node: number; peer: number; incarnation: number }[] = [];
  private readonly deliverLabel: number;
  private readonly giveUpLabel: number;

  constructor(
    private readonly sim: Simulation,
    options: Partial<NetworkOptions>,
  ) {
    this.options = { ...DEFAULT_NETWORK, ...options };
    assert(this.options.bandwidthBytesPerSec > 0, "network bandwidth must be positive");
    this.random = sim.random.stream("net");
    this.deliverLabel = sim.label("net.deliver");
    this.giveUpLabel = sim.label("net.give-up");
  }

  /** Called by the kernel when a node joins: the link tables grow. */
  nodeAdded(node: SimNode): void {
    assert(node.index === this.size, "nodes are added in index order");
    const size = this.size + 1;
    const cut = new Uint8Array(size * size);
    for (let f = 0; f < this.size; f++) {
      for (let t = 0; t < this.size; t++) cut[f * size + t] = this.cut[f * this.size + t]!;
    }
    this.cut = cut;
    const egress = new Float64Array(size);
    egress.set(this.egressFreeAt);
    this.egressFreeAt = egress;
    this.size = size;
  }

  send(fromName: string, toName: string, message: Message, sizeBytes: number): void {
    this.sendFrom(this.sim.node(fromName), toName, message, sizeBytes);
  }

  /** `send` for a caller that holds its own node (a process's context): one name lookup fewer per message. */
  sendFrom(from: SimNode, toName: string, message: Message, sizeBytes: number): void {
    const to = this.sim.node(toName);
    assert(from !== to, () => `${from.name} sends to itself`);
    assert(from.isUp, () => `${from.name} sends while ${from.state}`);
    assert(sizeBytes >= 0, () => `negative message size ${sizeBytes}`);
    const channel = this.channel(from.index, to.index);
    const now = this.sim.now;
    const transmitMicros = Math.ceil((sizeBytes * 1_000_000) / this.options.bandwidthBytesPerSec);
    const departAt = Math.max(now, this.egressFreeAt[from.index]!) + transmitMicros;
    this.egressFreeAt[from.index] = departAt;
    let readyAt = departAt + this.latency(from.index, to.index);
    if (readyAt < channel.lastReadyAt) readyAt = channel.lastReadyAt;
    channel.lastReadyAt = readyAt;
    channel.push(message, readyAt);
    if (channel.headEvent === -1 && !channel.stalled) this.scheduleHead(channel);
  }

  /** Closes the connection between two nodes at `closer`'s request; both ends are told. */
  close(closerName: string, peerName: string): void {
    const closer = this.sim.node(closerName);
    const peer = this.sim.node(peerName);
    this.resetConnection(closer.index, peer.index, "close", false);
  }

  /** Called by a node when it crashes: its connections reset, its peers learn of it. */
  nodeCrashed(node: SimNode): void {
    const peers: number[] = [];
    for (const c of this.connections.values()) {
      if (c.a === node.index) peers.push(c.b);
      else if (c.b === node.index) peers.push(c.a);
    }
    for (const peer of peers) this.resetConnection(node.index, peer, "crash", false);
  }

  // ---- fault verbs ----------------------------------------------------------------

  /** Cuts every link between nodes of different groups, both ways. Nodes in no group are unaffected. */
  partition(groups: readonly (readonly string[])[]): void {
    const ids = groups.map((g) => g.map((name) => this.sim.node(name).index));
    for (let i = 0; i < ids.length; i++) {
      for (let j = 0; j < ids.length; j++) {
        if (i === j) continue;
        for (const f of ids[i]!) for (const t of ids[j]!) this.cut[f * this.size + t] = 1;
      }
    }
    this.sim.record("partition", undefined, { groups: groups.map((g) => [...g]) });
  }

  /** Cuts the links from every node of `from` to every node of `to`, one way only. */
  partitionOneWay(from: readonly string[], to: readonly string[]): void {
    for (const f of from) {
      for (const t of to) this.cut[this.sim.node(f).index * this.size + this.sim.node(t).index] = 1;
    }
    this.sim.record("partition-one-way", undefined, { from: [...from], to: [...to] });
  }

  /** Cuts a node off from every other node, both ways. */
  isolate(name: string): void {
    const n = this.sim.node(name).index;
    for (let other = 0; other < this.size; other++) {
      if (other === n) continue;
      this.cut[n * this.size + other] = 1;
      this.cut[other * this.size + n] = 1;
    }
    this.sim.record("isolate", name);
  }

  /** Restores every cut link; stalled connections retransmit and go on. */
  heal(): void {
    this.cut.fill(0);
    this.sim.record("heal", undefined);
    this.resumeStalled();
    this.flushNotices();
  }

  /** Adds `extraMicros` of delay to every message on the link, both ways. */
  clog(a: string, b: string, extraMicros: Micros): void {
    const [x, y] = [this.sim.node(a).index, this.sim.node(b).index];
    this.clogMicros.set(this.key(x, y), extraMicros);
    this.clogMicros.set(this.key(y, x), extraMicros);
    this.sim.record("clog", a, { peer: b, extraMicros });
  }

  unclog(a: string, b: string): void {
    const [x, y] = [this.sim.node(a).index, this.sim.node(b).index];
    this.clogMicros.delete(this.key(x, y));
    this.clogMicros.delete(this.key(y, x));
    this.sim.record("unclog", a, { peer: b });
  }

  /**
   * Loses each packet on the link with probability `p`, both ways; 0 stops it. As with
   * TCP, a lost packet is retransmitted: it delays its connection, it is never skipped.
   */
  drop(a: string, b: string, p: number): void {
    assert(p >= 0 && p <= 1, () => `drop probability ${p} outside [0, 1]`);
    const [x, y] = [this.sim.node(a).index, this.sim.node(b).index];
    for (const k of [this.key(x, y), this.key(y, x)]) {
      if (p === 0) this.dropProbability.delete(k);
      else this.dropProbability.set(k, p);
    }
    this.sim.record("drop", a, { peer: b, p });
  }

  /** Resets the connection between two nodes, as a middlebox's RST would. */
  reset(a: string, b: string): void {
    this.resetConnection(this.sim.node(a).index, this.sim.node(b).index, "reset", false);
  }

  isCut(from: string, to: string): boolean {
    return this.cut[this.sim.node(from).index * this.size + this.sim.node(to).index] === 1;
  }

  /** Messages in flight from one node to another (for tests and state dumps). */
  inFlight(from: string, to: string): number {
    return this.channels.get(this.key(this.sim.node(from).index, this.sim.node(to).index))?.length ?? 0;
  }

  // ---- internals ------------------------------------------------------------------

  private key(from: number, to: number): number {
    return from * 65536 + to;
  }

  private latency(from: number, to: number): Micros {
    const { latencyMicros, jitterMicros } = this.options;
    const jitter = jitterMicros > 0 ? Math.round(this.random.exponential(jitterMicros)) : 0;
    const clog = this.clogMicros.size > 0 ? (this.clogMicros.get(this.key(from, to)) ?? 0) : 0;
    return latencyMicros + jitter + clog;
  }

  private channel(from: number, to: number): Channel {
    const existing = this.channels.get(this.key(from, to));
    if (existing) return existing;
    const a = Math.min(from, to);
    const b = Math.max(from, to);
    const connection: Connection = { a, b, ab: new Channel(a, b), ba: new Channel(b, a) };
    this.connections.set(this.key(a, b), connection);
    this.channels.set(this.key(a, b), connection.ab);
    this.channels.set(this.key(b, a), connection.ba);
    return from === a ? connection.ab : connection.ba;
  }

  private scheduleHead(channel: Channel): void {
    const at = Math.max(channel.headReadyAt(), this.sim.now);
    channel.headEvent = this.sim.scheduleAt(at, this.deliverLabel, this.onHead, channel);
  }

  private readonly onHead = (channel: Channel): void => {
    channel.headEvent = -1;
    const { from, to } = channel;
    if (this.cut[from * this.size + to] === 1) {
      this.stall(channel);
      return;
    }
    const target = this.sim.nodeAt(to);
    if (target.isDown) {
      this.resetConnection(to, from, "refused", false);
      return;
    }
    const p = this.dropProbability.size > 0 ? this.dropProbability.get(this.key(from, to)) : undefined;
    if (p !== undefined && this.random.chance(p)) {
      channel.delayHead(this.sim.now + this.options.retransmitMicros);
      this.sim.record("packet-lost", this.sim.nodeAt(from).name, { peer: target.name });
      this.scheduleHead(channel);
      return;
    }
    const message = channel.shift();
    const fromName = this.sim.nodeAt(from).name;
    this.sim.fingerprint.foldName(message.type);
    // Trace only: with `record` the fingerprint would depend on whether a trace is written.
    if (this.sim.tracing) this.sim.trace("deliver", target.name, { from: fromName, type: message.type });
    if (channel.length > 0) this.scheduleHead(channel);
    target.deliver(fromName, message);
  };

  private stall(channel: Channel): void {
    channel.stalled = true;
    if (channel.giveUpEvent === -1) {
      channel.giveUpEvent = this.sim.schedule(this.options.stallResetMicros, this.giveUpLabel, this.onGiveUp, channel);
    }
  }

  private readonly onGiveUp = (channel: Channel): void => {
    channel.giveUpEvent = -1;
    if (channel.stalled) this.resetConnection(channel.from, channel.to, "give-up", true);
  };

  private resumeStalled(): void {
    for (const c of this.connections.values()) {
      for (const channel of [c.ab, c.ba]) {
        if (!channel.stalled || this.cut[channel.from * this.size + channel.to] === 1) continue;
        channel.stalled = false;
        if (channel.giveUpEvent !== -1) this.sim.cancel(channel.giveUpEvent);
        channel.giveUpEvent = -1;
        channel.delayHead(this.sim.now + this.latency(channel.from, channel.to));
        this.scheduleHead(channel);
      }
    }
  }

  /**
   * Drops the connection between `x` and `y` and everything in flight on it, then tells
   * each live end. A notice crosses the network like an RST, so it waits for a cut link to
   * heal, unless `bothSidesTimedOut` (each end's own TCP gave up).
   */
  private resetConnection(x: number, y: number, reason: string, bothSidesTimedOut: boolean): void {
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    const connection = this.connections.get(this.key(a, b));
    let lost = 0;
    if (connection) {
      for (const channel of [connection.ab, connection.ba]) {
        if (channel.headEvent !== -1) this.sim.cancel(channel.headEvent);
        if (channel.giveUpEvent !== -1) this.sim.cancel(channel.giveUpEvent);
        lost += channel.clear();
      }
      this.connections.delete(this.key(a, b));
      this.channels.delete(this.key(a, b));
      this.channels.delete(this.key(b, a));
    }
    this.sim.record("connection-reset", this.sim.nodeAt(x).name, { peer: this.sim.nodeAt(y).name, reason, lost });
    // x initiated (or suffered) the reset and knows at once; y hears of it over the wire.
    this.notice(x, y, true);
    this.notice(y, x, bothSidesTimedOut);
  }

  private notice(node: number, peer: number, immediate: boolean): void {
    const target = this.sim.nodeAt(node);
    if (target.isDown) return;
    if (!immediate && this.cut[peer * this.size + node] === 1) {
      this.pendingNotices.push({ node, peer, incarnation: target.incarnation });
      return;
    }
    target.connectionReset(this.sim.nodeAt(peer).name);
  }

  private flushNotices(): void {
    const pending = this.pendingNotices;
    this.pendingNotices = [];
    for (const n of pending) {
      // A node that crashed since holds no connection the notice could be about.
      if (this.sim.nodeAt(n.node).incarnation === n.incarnation) this.notice(n.node, n.peer, false);
    }
  }
}
