import type { Simulation } from "../../sim/index.ts";
import { formatSelector, type Fault, type NodeSelector } from "../scenario/types.ts";
import { resolveGroupSelector, resolveSelector, type SelectorContext } from "./resolveSelector.ts";

/**
 * Plays a scenario's fault schedule on the simulation. Selectors are resolved when the
 * fault fires (the leader of a partition at that moment); a fault with `for:` is undone
 * on the same nodes it hit. A fault whose role has no holder (no leader right now) is
 * skipped and says so in the trace. `healAll` ends the safety phase.
 */
export class FaultRunner {
  private readonly label: number;
  /** Nodes a run has taken down or paused, so the liveness phase can bring them back. */
  private readonly down = new Set<string>();
  private readonly paused = new Set<string>();

  constructor(
    private readonly sim: Simulation,
    private readonly context: SelectorContext,
    private readonly allNodes: readonly string[],
    /** Admin actions in the schedule (add-partitions) go through the admin tool's node. */
    private readonly admin: { addPartitions(topic: string, total: number): void },
  ) {
    this.label = sim.label("fault");
  }

  schedule(faults: readonly Fault[]): void {
    for (const fault of faults) this.sim.scheduleAt(fault.at, this.label, () => this.apply(fault));
  }

  /** Restores everything: links, disks, paused and crashed nodes. */
  healAll(): void {
    const net = this.sim.network;
    net.heal();
    for (const a of this.allNodes) for (const b of this.allNodes) if (a < b) {
      net.unclog(a, b);
      net.drop(a, b, 0);
    }
    for (const node of [...this.paused]) this.resume(node);
    for (const node of [...this.down]) this.restart(node);
    // A process that stopped itself (a broker whose log directory failed halts) is restarted too.
    for (const node of this.allNodes) if (this.sim.node(node).state === "down") this.restart(node);
    for (const node of this.allNodes) {
      const disk = this.sim.node(node).disk;
      disk.full(false);
      disk.slow(1);
    }
  }

  private apply(fault: Fault): void {
    const undo = (action: () => void) => {
      if (fault.forMicros !== null) this.sim.schedule(fault.forMicros, this.label, action);
    };
    switch (fault.verb) {
      case "crash":
      case "lossy-crash": {
        const node = this.one(fault.node, fault.verb);
        if (!node) return;
        // A plain crash kills the process (the OS keeps its page cache); a lossy one is a power loss.
        this.sim.node(node).crash(fault.verb === "crash" ? "process" : "machine");
        this.down.add(node);
        return undo(() => this.restart(node));
      }
      case "restart": {
        const node = this.one(fault.node, fault.verb);
        if (node) this.restart(node);
        return;
      }
      case "pause": {
        const node = this.one(fault.node, fault.verb);
        if (!node) return;
        this.sim.node(node).pause();
        this.paused.add(node);
        return undo(() => this.resume(node));
      }
      case "resume": {
        const node = this.one(fault.node, fault.verb);
        if (node) this.resume(node);
        return;
      }
      case "isolate": {
        const node = this.one(fault.node, fault.verb);
        if (!node) return;
        this.sim.network.isolate(node);
        return undo(() => this.sim.network.heal());
      }
      case "partition": {
        const groups = this.groups(fault.groups);
        this.sim.network.partition(groups);
        return undo(() => this.sim.network.heal());
      }
      case "partition-one-way": {
        const [from, to] = this.groups([fault.from, fault.to]);
        this.sim.network.partitionOneWay(from!, to!);
        return undo(() => this.sim.network.heal());
      }
      case "heal":
        return this.sim.network.heal();
      case "add-partitions":
        return this.admin.addPartitions(fault.topic, fault.partitions);
      case "clog": {
        const pair = this.pair(fault.between, fault.verb);
        if (!pair) return;
        this.sim.network.clog(pair[0], pair[1], fault.delayMicros);
        return undo(() => this.sim.network.unclog(pair[0], pair[1]));
      }
      case "unclog": {
        if (fault.between === null) {
          for (const a of this.allNodes) for (const b of this.allNodes) if (a < b) this.sim.network.unclog(a, b);
          return;
        }
        const pair = this.pair(fault.between, fault.verb);
        if (pair) this.sim.network.unclog(pair[0], pair[1]);
        return;
      }
      case "drop": {
        const pair = this.pair(fault.between, fault.verb);
        if (!pair) return;
        this.sim.network.drop(pair[0], pair[1], fault.probability);
        return undo(() => this.sim.network.drop(pair[0], pair[1], 0));
      }
      case "slow-disk":
      case "full-disk":
      case "disk-ok": {
        const node = this.one(fault.node, fault.verb);
        if (!node) return;
        const disk = this.sim.node(node).disk;
        if (fault.verb === "slow-disk") disk.slow(fault.factor);
        else if (fault.verb === "full-disk") disk.full(true);
        else {
          disk.full(false);
          disk.slow(1);
        }
        return undo(() => {
          disk.full(false);
          disk.slow(1);
        });
      }
    }
  }

  private restart(node: string): void {
    this.down.delete(node);
    this.sim.node(node).restart();
  }

  private resume(node: string): void {
    this.paused.delete(node);
    this.sim.node(node).resume();
  }

  private one(selector: NodeSelector, verb: string): string | null {
    const node = resolveSelector(this.context, selector);
    if (node === null) this.sim.record("fault-skipped", undefined, { verb, selector: formatSelector(selector), reason: "no node holds that role now" });
    return node;
  }

  private pair(between: readonly [NodeSelector, NodeSelector], verb: string): [string, string] | null {
    const a = this.one(between[0], verb);
    const b = this.one(between[1], verb);
    return a && b && a !== b ? [a, b] : null;
  }

  /** Resolves partition groups; `rest` is every cluster node not named in another group. */
  private groups(groups: readonly (readonly NodeSelector[])[]): string[][] {
    const named = groups.map((g) => g.filter((s) => s.kind !== "rest").flatMap((s) => resolveGroupSelector(this.context, s)));
    const used = new Set(named.flat());
    return groups.map((g, i) => {
      const nodes = [...named[i]!];
      if (g.some((s) => s.kind === "rest")) nodes.push(...this.allNodes.filter((n) => !used.has(n)));
      return nodes;
    });
  }
}
