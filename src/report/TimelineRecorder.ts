import type { Micros, TraceEvent, TraceSink } from "../../sim/index.ts";
import { Lane } from "./Lanes.ts";
import type { NodeMark, NodeState } from "./ReportSchema.ts";

/** What the recorder needs to know of the cluster: its node names and its topics. */
export interface TimelineCluster {
  readonly brokerNodes: readonly string[];
  readonly ensembleNodes: readonly string[];
  readonly clientNodes: readonly string[];
  /** The scenario's topics (internal ones are left out of the timeline). */
  readonly topics: readonly string[];
}

export interface NodeStateValue {
  readonly state: NodeState;
  readonly detail: string;
}
export interface PartitionValue {
  readonly leader: number | null;
  readonly epoch: number;
  readonly isr: readonly number[];
  readonly unclean: boolean;
}
export interface GroupValue {
  readonly state: "rebalancing" | "stable" | "empty";
  readonly generation: number;
  readonly members: number;
}
export interface LeaderValue {
  readonly leader: string | null;
  readonly epoch: number | null;
}

const LAG_SAMPLE_MICROS = 100_000;
const sameJson = <V>(a: V, b: V): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * The cluster's story as the run tells it in its trace: each node's state (up, down, paused)
 * and the network or disk faults on it, each partition's leader and ISR, each group's
 * generations, the ensemble's leader and the controller. It is a trace sink that keeps the few
 * event kinds it needs and drops the rest at once, so it costs little and changes nothing:
 * the trace is not part of the fingerprint. Every 100 ms of simulated time, before an event
 * runs, it also samples each group's lag through `lagOf` (read-only).
 */
export class TimelineRecorder {
  readonly nodes = new Map<string, Lane<NodeStateValue>>();
  readonly marks = new Map<string, Map<NodeMark, Lane<string>>>();
  readonly partitions = new Map<string, Lane<PartitionValue>>();
  readonly groups = new Map<string, Lane<GroupValue>>();
  readonly ensembleLeader = new Lane<LeaderValue>(sameJson);
  readonly controller = new Lane<LeaderValue>(sameJson);
  /** When each group generation began (group.generation events), for the rebalance series. */
  readonly generationsAt: Micros[] = [];
  /** Lag samples per group: times and values side by side (no object per sample). */
  readonly lagSamples = new Map<string, { atMicros: number[]; lag: number[] }>();
  private lagOf: ((group: string) => number | null) | null = null;
  private lagGroups: readonly string[] = [];
  private nextLagSampleMicros = 0;
  /** ISR proposals awaiting the coordination store, to undo when the update fails. */
  private readonly isrBefore = new Map<string, readonly number[]>();
  private readonly topics: ReadonlySet<string>;

  /** The sink to give the simulation (compose it with a trace file's with `teeSinks`). */
  readonly sink: TraceSink = (e) => this.observe(e);

  constructor(private readonly cluster: TimelineCluster) {
    this.topics = new Set(cluster.topics);
    for (const node of [...cluster.brokerNodes, ...cluster.ensembleNodes]) this.nodeLane(node).set(0, { state: "up", detail: "" });
  }

  /** Starts sampling the lag of `groups` (the World's reader, once the World exists). */
  sampleLag(groups: readonly string[], lagOf: (group: string) => number | null): void {
    this.lagGroups = groups;
    this.lagOf = lagOf;
    for (const g of groups) this.lagSamples.set(g, { atMicros: [], lag: [] });
  }

  /** Closes every lane at the end of the run. */
  finish(endMicros: Micros): void {
    for (const lane of this.nodes.values()) lane.close(endMicros);
    for (const byMark of this.marks.values()) for (const lane of byMark.values()) lane.close(endMicros);
    for (const lane of this.partitions.values()) lane.close(endMicros);
    for (const lane of this.groups.values()) lane.close(endMicros);
    this.ensembleLeader.close(endMicros);
    this.controller.close(endMicros);
  }

  brokerId(node: string): number | null {
    const i = this.cluster.brokerNodes.indexOf(node);
    return i < 0 ? null : i + 1;
  }

  private observe(e: TraceEvent): void {
    if (e.kind === "event") {
      if (this.lagOf !== null && e.at >= this.nextLagSampleMicros) this.sample(e.at);
      return;
    }
    if (e.kind === "deliver") return;
    const handle = HANDLERS[e.kind];
    if (handle !== undefined) handle(this, e, e.node ?? "");
  }

  private sample(atMicros: Micros): void {
    this.nextLagSampleMicros = atMicros - (atMicros % LAG_SAMPLE_MICROS) + LAG_SAMPLE_MICROS;
    for (const group of this.lagGroups) {
      const lag = this.lagOf!(group);
      if (lag === null) continue;
      const s = this.lagSamples.get(group)!;
      s.atMicros.push(atMicros);
      s.lag.push(lag);
    }
  }

  nodeLane(node: string): Lane<NodeStateValue> {
    let lane = this.nodes.get(node);
    if (!lane) this.nodes.set(node, (lane = new Lane<NodeStateValue>(sameJson)));
    return lane;
  }

  markLane(node: string, mark: NodeMark): Lane<string> {
    let byMark = this.marks.get(node);
    if (!byMark) this.marks.set(node, (byMark = new Map()));
    let lane = byMark.get(mark);
    if (!lane) byMark.set(mark, (lane = new Lane<string>()));
    return lane;
  }

  /** The partition's lane, or null for partitions of internal topics. */
  partitionLane(key: string): Lane<PartitionValue> | null {
    const dash = key.lastIndexOf("-");
    if (!this.topics.has(key.slice(0, dash))) return null;
    let lane = this.partitions.get(key);
    if (!lane) this.partitions.set(key, (lane = new Lane<PartitionValue>(sameJson)));
    return lane;
  }

  groupLane(group: string): Lane<GroupValue> {
    let lane = this.groups.get(group);
    if (!lane) this.groups.set(group, (lane = new Lane<GroupValue>(sameJson)));
    return lane;
  }

  /** A leader's ISR change (proposed to the coordination store; undone if the write fails). */
  isrProposed(e: TraceEvent, node: string): void {
    const lane = this.partitionLane(String(e.partition));
    const now = lane?.value;
    if (!lane || !now || now.leader !== this.brokerId(node)) return;
    this.isrBefore.set(String(e.partition), now.isr);
    lane.set(e.at, { ...now, isr: e.to as number[] });
  }

  isrFailed(e: TraceEvent, node: string): void {
    const lane = this.partitionLane(String(e.partition));
    const before = this.isrBefore.get(String(e.partition));
    const now = lane?.value;
    if (!lane || !now || before === undefined || now.leader !== this.brokerId(node)) return;
    lane.set(e.at, { ...now, isr: before });
  }

  /** A new leader (a controller's decision or a broker taking it up): newer epochs win. */
  leadership(e: TraceEvent, leader: number | null, epoch: number, isr: readonly number[], unclean: boolean): void {
    const lane = this.partitionLane(String(e.partition));
    if (!lane) return;
    const now = lane.value;
    if (now && epoch < now.epoch) return;
    if (now && epoch === now.epoch && now.leader === leader) {
      lane.set(e.at, { ...now, isr, unclean: now.unclean || unclean });
      return;
    }
    lane.set(e.at, { leader, epoch, isr, unclean });
  }

  /** A node went down or was paused: it no longer leads the ensemble or the controller. */
  nodeLost(atMicros: Micros, node: string): void {
    if (this.ensembleLeader.value?.leader === node) this.ensembleLeader.set(atMicros, { leader: null, epoch: null });
    if (this.controller.value?.leader === node) this.controller.set(atMicros, { leader: null, epoch: null });
  }

  /** Network faults end with a heal (disk conditions stay). */
  healed(atMicros: Micros): void {
    for (const byMark of this.marks.values()) {
      for (const mark of ["isolated", "partitioned", "one-way"] as const) byMark.get(mark)?.clear(atMicros);
    }
  }
}

type Handler = (r: TimelineRecorder, e: TraceEvent, node: string) => void;
const names = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);

/** The trace kinds the timeline is told by, and what each changes. */
const HANDLERS: Readonly<Record<string, Handler>> = {
  crash: (r, e, node) => {
    r.nodeLane(node).set(e.at, { state: "down", detail: e.mode === "machine" ? "machine crash (unsynced writes lost)" : "process crash" });
    r.nodeLost(e.at, node);
  },
  restart: (r, e, node) => r.nodeLane(node).set(e.at, { state: "up", detail: "" }),
  pause: (r, e, node) => {
    r.nodeLane(node).set(e.at, { state: "paused", detail: "paused (nothing runs, messages wait)" });
    r.nodeLost(e.at, node);
  },
  resume: (r, e, node) => r.nodeLane(node).set(e.at, { state: "up", detail: "" }),
  isolate: (r, e, node) => r.markLane(node, "isolated").set(e.at, "cut off from every node"),
  partition: (r, e) => {
    const groups = Array.isArray(e.groups) ? e.groups.map(names) : [];
    for (const group of groups) {
      const others = groups.filter((g) => g !== group).flat();
      for (const node of group) r.markLane(node, "partitioned").set(e.at, `cut off from ${others.join(", ")}`);
    }
  },
  "partition-one-way": (r, e) => {
    for (const node of names(e.from)) r.markLane(node, "one-way").set(e.at, `cannot reach ${names(e.to).join(", ")}`);
  },
  heal: (r, e) => r.healed(e.at),
  clog: (r, e, node) => {
    const extra = Number(e.extraMicros) / 1000;
    r.markLane(node, "clogged").set(e.at, `link to ${String(e.peer)} delayed ${extra} ms`);
    r.markLane(String(e.peer), "clogged").set(e.at, `link to ${node} delayed ${extra} ms`);
  },
  unclog: (r, e, node) => {
    r.markLane(node, "clogged").clear(e.at);
    r.markLane(String(e.peer), "clogged").clear(e.at);
  },
  drop: (r, e, node) => {
    const p = Number(e.p);
    for (const [a, b] of [[node, String(e.peer)], [String(e.peer), node]] as const) {
      if (p > 0) r.markLane(a, "lossy").set(e.at, `link to ${b} loses ${p * 100}% of packets`);
      else r.markLane(a, "lossy").clear(e.at);
    }
  },
  "disk-full": (r, e, node) => (e.on === true ? r.markLane(node, "full-disk").set(e.at, "disk full: writes fail") : r.markLane(node, "full-disk").clear(e.at)),
  "disk-slow": (r, e, node) => (Number(e.factor) > 1 ? r.markLane(node, "slow-disk").set(e.at, `fsync x${Number(e.factor)} slower`) : r.markLane(node, "slow-disk").clear(e.at)),
  "broker.leader": (r, e, node) => r.leadership(e, r.brokerId(node), Number(e.leaderEpoch), e.isr as number[], false),
  "controller.leadership": (r, e) => r.leadership(e, Number(e.leader), Number(e.leaderEpoch), e.isr as number[], e.unclean === true),
  "controller.offline": (r, e) => {
    const lane = r.partitionLane(String(e.partition));
    const now = lane?.value;
    if (lane && now) lane.set(e.at, { ...now, leader: null, isr: e.isr as number[], unclean: false });
  },
  "broker.isr-shrink": (r, e, node) => r.isrProposed(e, node),
  "broker.isr-expand": (r, e, node) => r.isrProposed(e, node),
  "broker.isr-update-failed": (r, e, node) => r.isrFailed(e, node),
  "group.rebalance": (r, e) => {
    const lane = r.groupLane(String(e.group));
    const now = lane.value;
    lane.set(e.at, { state: "rebalancing", generation: now?.generation ?? Number(e.generation), members: now?.members ?? 0 });
  },
  "group.generation": (r, e) => {
    const lane = r.groupLane(String(e.group));
    if ((lane.value?.generation ?? -1) >= Number(e.generation) && lane.value?.state !== "rebalancing") return;
    r.generationsAt.push(e.at);
    lane.set(e.at, { state: "rebalancing", generation: Number(e.generation), members: names(e.members).length });
  },
  "group.stable": (r, e) => {
    const lane = r.groupLane(String(e.group));
    const now = lane.value;
    if (now && now.generation === Number(e.generation)) lane.set(e.at, { ...now, state: "stable" });
  },
  "group.empty": (r, e) => r.groupLane(String(e.group)).set(e.at, { state: "empty", generation: Number(e.generation), members: 0 }),
  "zab.established": (r, e, node) => r.ensembleLeader.set(e.at, { leader: node, epoch: Number(e.epoch) }),
  "zab.looking": (r, e, node) => r.nodeLost(e.at, node === r.ensembleLeader.value?.leader ? node : ""),
  "controller.failover": (r, e, node) => r.controller.set(e.at, { leader: node, epoch: Number(e.epoch) }),
  "controller.resign": (r, e, node) => r.nodeLost(e.at, node === r.controller.value?.leader ? node : ""),
  "controller.fenced": (r, e, node) => r.nodeLost(e.at, node === r.controller.value?.leader ? node : ""),
};

/** Several sinks as one (the timeline's and a trace file's). */
export function teeSinks(...sinks: readonly (TraceSink | undefined)[]): TraceSink | undefined {
  const present = sinks.filter((s): s is TraceSink => s !== undefined);
  if (present.length <= 1) return present[0];
  return (e) => {
    for (const s of present) s(e);
  };
}
