import { assert } from "./assert.ts";
import { EventQueue, NO_OWNER, type EventHandle, type EventHandler } from "./EventQueue.ts";
import { Fingerprint, hashString } from "./Fingerprint.ts";
import { Random } from "./Random.ts";
import type { Micros } from "./time.ts";
import type { TraceEvent, TraceSink } from "./Trace.ts";
import { Network, type NetworkOptions } from "./Network.ts";
import { SimNode, type NodeOptions, type ProcessFactory } from "./SimNode.ts";

export interface SimulationOptions {
  /** The run's seed; every random choice derives from it. */
  seed: string;
  network?: Partial<NetworkOptions>;
  /** Where trace events go; omitted, only the fingerprint is kept. */
  trace?: TraceSink;
}

export interface RunLimits {
  /** Stop before any event later than this time; the clock ends at `untilMicros`. */
  untilMicros?: Micros;
  /** Stop after this many fired events. */
  maxEvents?: number;
}

export type StopReason = "time-limit" | "event-limit" | "idle";

export interface RunResult {
  reason: StopReason;
  nowMicros: Micros;
  eventsFired: number;
}

/**
 * The discrete-event kernel: one clock, one event queue, one root random generator, the
 * nodes and the network. Knows nothing of Kafka. Everything that fires is folded into
 * the fingerprint, so the same seed and inputs give the same fingerprint on any machine.
 */
export class Simulation {
  readonly random: Random;
  readonly network: Network;
  readonly fingerprint = new Fingerprint();
  private readonly queue = new EventQueue();
  private readonly nodes: SimNode[] = [];
  private readonly nodesByName = new Map<string, SimNode>();
  private readonly labelIds = new Map<string, number>();
  private readonly labelNames: string[] = [];
  private readonly labelHashes: number[] = [];
  private lastLabelName = "";
  private lastLabelId = -1;
  private readonly traceSink: TraceSink | undefined;
  private nowMicros: Micros = 0;
  private firedTotal = 0;
  private running = false;

  constructor(options: SimulationOptions) {
    this.random = new Random(options.seed);
    this.traceSink = options.trace;
    this.network = new Network(this, options.network ?? {});
    this.fingerprint.foldString(options.seed);
  }

  get now(): Micros {
    return this.nowMicros;
  }

  get eventsFired(): number {
    return this.firedTotal;
  }

  get pendingEvents(): number {
    return this.queue.size;
  }

  get tracing(): boolean {
    return this.traceSink !== undefined;
  }

  /** Interns a label (a timer name, a message type); labels are folded by their hash. */
  label(name: string): number {
    // Timers are set again and again under the same few names: most calls repeat the last one.
    if (name === this.lastLabelName) return this.lastLabelId;
    let id = this.labelIds.get(name);
    if (id === undefined) {
      id = this.labelNames.length;
      this.labelIds.set(name, id);
      this.labelNames.push(name);
      this.labelHashes.push(hashString(name));
    }
    this.lastLabelName = name;
    this.lastLabelId = id;
    return id;
  }

  labelName(id: number): string {
    return this.labelNames[id]!;
  }

  /** Schedules a kernel-level event (owned by no node) `delayMicros` from now. */
  schedule(delayMicros: Micros, label: number, handler: EventHandler, arg?: unknown): EventHandle {
    return this.scheduleAt(this.nowMicros + delayMicros, label, handler, arg);
  }

  scheduleAt(atMicros: Micros, label: number, handler: EventHandler, arg?: unknown): EventHandle {
    assert(Number.isInteger(atMicros), () => `event time ${atMicros} is not an integer number of microseconds`);
    assert(atMicros >= this.nowMicros, () => `event scheduled in the past: ${atMicros} < ${this.nowMicros}`);
    return this.queue.push(atMicros, label, NO_OWNER, 0, handler, arg);
  }

  /**
   * Schedules an event owned by a node's current incarnation: it is dropped if the node
   * crashes first, and held while the node is paused.
   */
  scheduleForNode(node: SimNode, delayMicros: Micros, label: number, handler: EventHandler, arg?: unknown): EventHandle {
    const at = this.nowMicros + delayMicros;
    assert(Number.isInteger(at) && delayMicros >= 0, () => `bad delay ${delayMicros} for ${node.name}`);
    return this.queue.push(at, label, node.index, node.incarnation, handler, arg);
  }

  /**
   * Puts back an event held while `node` was paused: due now, ahead of everything else due
   * now. A message that arrives at the very microsecond of the resume was queued before
   * the resume ran; with an ordinary schedule it would overtake the held messages from the
   * same sender and break FIFO.
   */
  requeueHeld(node: SimNode, label: number, handler: EventHandler, arg: unknown): EventHandle {
    return this.queue.pushAhead(this.nowMicros, label, node.index, node.incarnation, handler, arg);
  }

  cancel(handle: EventHandle): boolean {
    return this.queue.cancel(handle);
  }

  isPending(handle: EventHandle): boolean {
    return this.queue.isPending(handle);
  }

  addNode(name: string, factory: ProcessFactory, options: Partial<NodeOptions> = {}): SimNode {
    assert(!this.nodesByName.has(name), () => `node "${name}" added twice`);
    const node = new SimNode(this, this.nodes.length, name, factory, options);
    this.nodes.push(node);
    this.nodesByName.set(name, node);
    this.network.nodeAdded(node);
    return node;
  }

  node(name: string): SimNode {
    const node = this.nodesByName.get(name);
    assert(node, () => `no node named "${name}"`);
    return node;
  }

  hasNode(name: string): boolean {
    return this.nodesByName.has(name);
  }

  nodeAt(index: number): SimNode {
    return this.nodes[index]!;
  }

  allNodes(): readonly SimNode[] {
    return this.nodes;
  }

  /**
   * Records something that happened outside the event loop proper (a fault, a lifecycle
   * verb, a reset): folds it into the fingerprint and hands it to the trace sink.
   */
  record(kind: string, node: string | undefined, detail?: Record<string, unknown>): void {
    this.fingerprint.foldName(kind);
    if (node !== undefined) this.fingerprint.foldName(node);
    this.fingerprint.foldInteger(this.nowMicros);
    if (this.traceSink) {
      const event: TraceEvent = { at: this.nowMicros, kind };
      if (node !== undefined) event.node = node;
      if (detail) Object.assign(event, detail);
      this.traceSink(event);
    }
  }

  /**
   * Hands a line to the trace sink only, without folding it into the fingerprint: for
   * detail that is written only when tracing, since the fingerprint must not depend on
   * whether anyone is watching.
   */
  trace(kind: string, node: string | undefined, detail?: Record<string, unknown>): void {
    if (!this.traceSink) return;
    const event: TraceEvent = { at: this.nowMicros, kind };
    if (node !== undefined) event.node = node;
    if (detail) Object.assign(event, detail);
    this.traceSink(event);
  }

  /** Runs events in (time, seq) order until a limit is reached or nothing is left. */
  run(limits: RunLimits = {}): RunResult {
    assert(!this.running, "Simulation.run re-entered from an event handler");
    const until = limits.untilMicros ?? Infinity;
    const maxEvents = limits.maxEvents ?? Infinity;
    let fired = 0;
    let reason: StopReason = "idle";
    this.running = true;
    try {
      for (;;) {
        if (fired >= maxEvents) { reason = "event-limit"; break; }
        const next = this.queue.peekTime();
        if (next === Infinity) { reason = "idle"; break; }
        if (next > until) { reason = "time-limit"; break; }
        if (this.fireNext()) fired++;
      }
    } finally {
      this.running = false;
    }
    if (reason === "time-limit" || (reason === "idle" && until !== Infinity)) {
      this.nowMicros = Math.max(this.nowMicros, until);
    }
    this.firedTotal += fired;
    return { reason, nowMicros: this.nowMicros, eventsFired: fired };
  }

  /** Pops one event and runs it; false if it was dropped (stale incarnation) or held (paused node). */
  private fireNext(): boolean {
    const queue = this.queue;
    const slot = queue.popSlot();
    const at = queue.timeOf(slot);
    assert(at >= this.nowMicros, () => `time went back: ${at} < ${this.nowMicros}`);
    this.nowMicros = at;
    const owner = queue.ownerOfSlot(slot);
    const label = queue.labelOfSlot(slot);
    const handler = queue.handlerOf(slot);
    const arg = queue.argOf(slot);
    const incarnation = queue.incarnationOfSlot(slot);
    queue.release(slot);
    if (owner !== NO_OWNER) {
      const node = this.nodes[owner]!;
      if (node.incarnation !== incarnation) return false; // addressed to an old incarnation
      if (node.isPaused) {
        node.hold(label, handler, arg);
        return false;
      }
    }
    const fp = this.fingerprint;
    // Both halves of the time: runs longer than 2^32 us (71 minutes) must not alias.
    fp.fold((at >>> 0) ^ Math.imul((at / 4294967296) | 0, 0x85ebca6b));
    fp.fold(this.labelHashes[label]!);
    fp.fold(owner);
    if (this.traceSink) {
      const event: TraceEvent = { at, kind: "event", label: this.labelNames[label]! };
      if (owner !== NO_OWNER) event.node = this.nodes[owner]!.name;
      this.traceSink(event);
    }
    handler(arg);
    return true;
  }
}
