import { assert } from "./assert.ts";
import type { EventHandle, EventHandler } from "./EventQueue.ts";
import { Disk, type DiskOptions } from "./Disk.ts";
import type { Random } from "./Random.ts";
import type { Micros } from "./time.ts";
import type { Simulation } from "./Simulation.ts";

/** Anything sent over the network: a plain object with a type, for tracing and the fingerprint. */
export interface Message {
  readonly type: string;
}

/**
 * The code a node runs. A new process object is made for each incarnation; everything
 * it keeps in fields is volatile and gone at a crash. What must survive goes on `ctx.disk`.
 */
export interface Process {
  /** Called once when the incarnation starts (first boot and each restart). */
  start(): void;
  /** A message from `from`, in the order that peer sent it. */
  receive(from: string, message: Message): void;
  /** The connection with `peer` was reset: whatever was in flight either way is gone. */
  connectionReset?(peer: string): void;
}

export type ProcessFactory = (ctx: NodeContext) => Process;

export interface NodeOptions {
  disk: Partial<DiskOptions>;
  /** Start the process at time 0 (true) or leave the node down until `restart()`. */
  startUp: boolean;
}

export type NodeState = "up" | "down" | "paused";

/** What a crash takes down: the whole machine (page cache lost) or only the process. */
export type CrashMode = "machine" | "process";

/**
 * What a process may use: its clock, its random stream, the network, timers and its
 * disk. All of it goes through the kernel, so a process cannot reach the real world.
 */
export class NodeContext {
  constructor(private readonly node: SimNode) {}

  get name(): string { return this.node.name; }
  get now(): Micros { return this.node.sim.now; }
  get random(): Random { return this.node.random; }
  get disk(): Disk { return this.node.disk; }
  get incarnation(): number { return this.node.incarnation; }

  /** Sends over the connection to `to` (made on first use); `sizeBytes` sets its time on the wire. */
  send(to: string, message: Message, sizeBytes = 64): void {
    this.node.sim.network.sendFrom(this.node, to, message, sizeBytes);
  }

  /** Closes the connection to `peer`: in-flight messages are dropped and both ends told. */
  closeConnection(peer: string): void {
    this.node.sim.network.close(this.node.name, peer);
  }

  /** A timer for this incarnation: it never fires after a crash, and waits out a pause. */
  setTimer(delayMicros: Micros, label: string, fire: () => void): EventHandle {
    const sim = this.node.sim;
    return sim.scheduleForNode(this.node, delayMicros, sim.label(label), runThunk, fire);
  }

  cancelTimer(handle: EventHandle): void {
    this.node.sim.cancel(handle);
  }

  isTimerPending(handle: EventHandle): boolean {
    return this.node.sim.isPending(handle);
  }

  /**
   * The process stops itself (a JVM's Runtime.halt): the node goes down as a process
   * crash (the operating system and its page cache live on) once the current event is
   * handled, and stays down until something restarts it.
   */
  halt(reason: string): void {
    const node = this.node;
    const sim = node.sim;
    sim.record("halt", node.name, { reason });
    sim.scheduleForNode(node, 0, sim.label("halt"), haltNode, node);
  }

  /** Writes a line to the trace (and the fingerprint) from inside the process. */
  record(kind: string, detail?: Record<string, unknown>): void {
    this.node.sim.record(kind, this.node.name, detail);
  }
}

function runThunk(fire: () => void): void {
  fire();
}

function haltNode(node: SimNode): void {
  node.crash("process");
}

interface HeldEvent {
  label: number;
  handler: EventHandler;
  arg: unknown;
}

/**
 * A machine that hosts one process. Lifecycle verbs come in pairs: crash/restart
 * (volatile state gone, timers cancelled, connections reset, the next incarnation starts
 * from what the disk kept) and pause/resume (frozen like a long GC pause: nothing runs,
 * messages and timers wait, then run in their original order).
 */
export class SimNode {
  readonly random: Random;
  readonly disk: Disk;
  readonly context: NodeContext;
  private currentIncarnation = 0;
  private currentState: NodeState = "down";
  private currentProcess: Process | null = null;
  private held: HeldEvent[] = [];
  private readonly startLabel: number;
  private readonly resetLabel: number;

  constructor(
    readonly sim: Simulation,
    /** Dense index, used by the network's tables and the event queue's owner field. */
    readonly index: number,
    readonly name: string,
    private readonly factory: ProcessFactory,
    options: Partial<NodeOptions>,
  ) {
    this.random = sim.random.stream(`node/${name}`);
    this.disk = new Disk(sim, this, options.disk ?? {});
    this.context = new NodeContext(this);
    this.startLabel = sim.label(`start`);
    this.resetLabel = sim.label(`connection-reset`);
    if (options.startUp ?? true) this.boot();
  }

  get incarnation(): number { return this.currentIncarnation; }
  get state(): NodeState { return this.currentState; }
  get isUp(): boolean { return this.currentState === "up"; }
  get isDown(): boolean { return this.currentState === "down"; }
  get isPaused(): boolean { return this.currentState === "paused"; }

  /** The running process, for inspection by tests and checkers (never to change it). */
  get process(): Process | null { return this.currentProcess; }

  /**
   * Stops the process at once: volatile state, timers and connections are gone.
   * `machine` (the default, a power loss or kernel panic): the disk loses what was not
   * fsynced. `process` (kill -9): the operating system lives on, so the page cache keeps
   * every write and finishes the flushes under way; nothing written is lost.
   */
  crash(mode: CrashMode = "machine"): void {
    if (this.currentState === "down") return;
    this.sim.record("crash", this.name, { incarnation: this.currentIncarnation, mode });
    this.currentIncarnation++;
    this.currentState = "down";
    this.currentProcess = null;
    this.held = [];
    if (mode === "machine") this.disk.crashed();
    this.sim.network.nodeCrashed(this);
  }

  /** Starts a new incarnation from what the disk kept. */
  restart(): void {
    if (this.currentState !== "down") return;
    this.sim.record("restart", this.name, { incarnation: this.currentIncarnation + 1 });
    this.boot();
  }

  pause(): void {
    if (this.currentState !== "up") return;
    this.sim.record("pause", this.name);
    this.currentState = "paused";
  }

  /** Thaws the process: what arrived or fell due while paused runs now, in its original order. */
  resume(): void {
    if (this.currentState !== "paused") return;
    this.sim.record("resume", this.name, { held: this.held.length });
    this.currentState = "up";
    const held = this.held;
    this.held = [];
    // Ahead of anything else due now (see Simulation.requeueHeld), so FIFO holds.
    for (const e of held) this.sim.requeueHeld(this, e.label, e.handler, e.arg);
  }

  /** Called by the kernel for an event that fell due while paused. */
  hold(label: number, handler: EventHandler, arg: unknown): void {
    this.held.push({ label, handler, arg });
  }

  /**
   * Called by the network when a message arrives for the current incarnation: handed to
   * the process at once, or held while paused (it sits in the socket buffer).
   */
  deliver(from: string, message: Message): void {
    assert(this.currentState !== "down", () => `message delivered to crashed node ${this.name}`);
    if (this.currentState === "paused") {
      this.held.push({ label: this.sim.label(message.type), handler: deliverTo, arg: { node: this, from, message } });
      return;
    }
    this.currentProcess!.receive(from, message);
  }

  /** Called by the network: the connection with `peer` is gone. */
  connectionReset(peer: string): void {
    if (this.currentState === "down") return;
    this.sim.scheduleForNode(this, 0, this.resetLabel, resetTo, { node: this, peer });
  }

  private boot(): void {
    this.currentIncarnation++;
    this.currentState = "up";
    this.held = [];
    const process = this.factory(this.context);
    this.currentProcess = process;
    this.sim.scheduleForNode(this, 0, this.startLabel, startProcess, process);
  }
}

function startProcess(process: Process): void {
  process.start();
}

function deliverTo(arg: { node: SimNode; from: string; message: Message }): void {
  arg.node.process!.receive(arg.from, arg.message);
}

function resetTo(arg: { node: SimNode; peer: string }): void {
  arg.node.process!.connectionReset?.(arg.peer);
}
