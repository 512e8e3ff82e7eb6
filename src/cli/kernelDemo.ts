import { Simulation, millis, seconds, type Message, type NodeContext, type Process, type TraceSink } from "../../sim/index.ts";

/**
 * The kernel demo: a ring of nodes passing a counter, each logging it to disk, while a
 * fault schedule crashes one, partitions the ring and pauses another. It exercises the
 * clock, the network, the disk and the lifecycle verbs, and ends with a fingerprint
 * that is the same for the same seed on every machine.
 */
interface Token extends Message {
  readonly type: "token";
  readonly hops: number;
}

interface TokenEntry {
  readonly sizeBytes: number;
  readonly hops: number;
}

class RingMember implements Process {
  private passed = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly next: string,
    private readonly starts: boolean,
  ) {}

  start(): void {
    const log = this.ctx.disk.file<TokenEntry>("tokens.log");
    this.passed = log.length; // what the disk kept across crashes
    if (this.starts) this.ctx.setTimer(millis(1), "first-token", () => this.pass(0));
  }

  receive(_from: string, message: Message): void {
    const token = message as Token;
    const log = this.ctx.disk.file<TokenEntry>("tokens.log");
    this.ctx.disk.append(log, { sizeBytes: 16, hops: token.hops });
    if (token.hops % 8 === 0) this.ctx.disk.fsync(log);
    const thinkMicros = Math.round(this.ctx.random.exponential(millis(2)));
    this.ctx.setTimer(thinkMicros, "think", () => this.pass(token.hops + 1));
  }

  connectionReset(peer: string): void {
    // The token was in flight to or from a crashed peer: mint a new one after a while.
    if (peer === this.next) this.ctx.setTimer(millis(50), "remint", () => this.pass(this.passed + 1));
  }

  private pass(hops: number): void {
    this.passed++;
    const token: Token = { type: "token", hops };
    this.ctx.send(this.next, token, 128);
  }
}

export interface KernelDemoResult {
  seed: string;
  fingerprint: string;
  events: number;
  simulatedMicros: number;
}

export function runKernelDemo(seed: string, trace?: TraceSink, nodeCount = 5): KernelDemoResult {
  const sim = new Simulation({ seed, trace });
  const names = Array.from({ length: nodeCount }, (_, i) => `node-${i + 1}`);
  names.forEach((name, i) => {
    const next = names[(i + 1) % nodeCount]!;
    sim.addNode(name, (ctx) => new RingMember(ctx, next, i === 0), { disk: { crashLoss: "torn" } });
  });
  const fault = sim.label("fault");
  const at = (t: number, action: () => void) => sim.scheduleAt(t, fault, action);
  at(seconds(1), () => sim.node("node-3").crash());
  at(seconds(2), () => sim.node("node-3").restart());
  at(seconds(3), () => sim.network.partition([names.slice(0, 2), names.slice(2)]));
  at(seconds(4), () => sim.network.heal());
  at(seconds(5), () => sim.node("node-2").pause());
  at(seconds(6), () => sim.node("node-2").resume());
  const result = sim.run({ untilMicros: seconds(10) });
  return { seed, fingerprint: sim.fingerprint.toString(), events: result.eventsFired, simulatedMicros: result.nowMicros };
}
