/**
 * Test helpers for the kernel: a process that records what happens to it, across
 * incarnations, and a way to act on the world at a given simulated time.
 */
import {
  Simulation,
  type Message,
  type NodeContext,
  type NodeOptions,
  type Process,
  type SimNode,
  type SimulationOptions,
} from "../../sim/index.ts";

/** A numbered message, so order and loss are easy to read. */
export interface Numbered extends Message {
  readonly type: "n";
  readonly n: number;
}

export const numbered = (n: number): Numbered => ({ type: "n", n });

/** One thing a recorded process saw. */
export interface Seen {
  at: number;
  node: string;
  incarnation: number;
  kind: "start" | "receive" | "reset" | "timer";
  from?: string;
  n?: number;
  label?: string;
}

/**
 * Keeps what every recorded node saw, outside the processes, so it survives crashes. The
 * processes do nothing on their own: tests drive them with `at(...)` and `node.context`.
 */
export class Recorder {
  readonly seen: Seen[] = [];
  /** Extra behaviour on start (for example reading the disk). */
  onStart: ((ctx: NodeContext) => void) | undefined;

  readonly factory = (ctx: NodeContext): Process => ({
    start: () => {
      this.push(ctx, { kind: "start" });
      this.onStart?.(ctx);
    },
    receive: (from, message) => this.push(ctx, { kind: "receive", from, n: (message as Numbered).n }),
    connectionReset: (peer) => this.push(ctx, { kind: "reset", from: peer }),
  });

  /** Sets a timer from inside `node`'s process that records itself when it fires. */
  timer(node: SimNode, delayMicros: number, label: string): number {
    const ctx = node.context;
    return ctx.setTimer(delayMicros, label, () => this.push(ctx, { kind: "timer", label }));
  }

  received(node: string, from?: string): Seen[] {
    return this.seen.filter((s) => s.node === node && s.kind === "receive" && (from === undefined || s.from === from));
  }

  /** The numbers `node` received (from `from`, if given), in arrival order. */
  numbers(node: string, from?: string): number[] {
    return this.received(node, from).map((s) => s.n!);
  }

  resets(node: string): Seen[] {
    return this.seen.filter((s) => s.node === node && s.kind === "reset");
  }

  of(node: string, kind: Seen["kind"]): Seen[] {
    return this.seen.filter((s) => s.node === node && s.kind === kind);
  }

  private push(ctx: NodeContext, s: Omit<Seen, "at" | "node" | "incarnation">): void {
    this.seen.push({ at: ctx.now, node: ctx.name, incarnation: ctx.incarnation, ...s });
  }
}

/** A simulation with recorded nodes of the given names. */
export function world(
  names: string[],
  options: Partial<SimulationOptions> = {},
  nodeOptions: Partial<NodeOptions> = {},
): { sim: Simulation; rec: Recorder; nodes: SimNode[] } {
  const sim = new Simulation({ seed: "test", ...options });
  const rec = new Recorder();
  const nodes = names.map((name) => sim.addNode(name, rec.factory, nodeOptions));
  return { sim, rec, nodes };
}

/** Runs `action` as a kernel event at simulated time `t` (a fault, a send from outside). */
export function at(sim: Simulation, t: number, action: () => void): void {
  sim.scheduleAt(t, sim.label("test.action"), action);
}

/** Sends `count` numbered messages from `from` to `to`, one every `gapMicros`, starting at `start`. */
export function sendSeries(sim: Simulation, from: string, to: string, count: number, start = 0, gapMicros = 10, sizeBytes = 64): void {
  for (let i = 0; i < count; i++) {
    at(sim, start + i * gapMicros, () => sim.node(from).context.send(to, numbered(i), sizeBytes));
  }
}

export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

export function isNonDecreasing(xs: readonly number[]): boolean {
  for (let i = 1; i < xs.length; i++) if (xs[i]! < xs[i - 1]!) return false;
  return true;
}
