import type { Micros } from "../../sim/index.ts";
import type { BrokerObserver } from "../broker/ReplicaManager.ts";
import type { Fault, Scenario } from "../scenario/types.ts";
import { brokerOn, leaderOf, type SelectorContext } from "./resolveSelector.ts";

/**
 * Why producers cannot write to a partition now: no live leader (crashed, paused, or none
 * elected yet), a leader no producer of the topic can reach (cut off by a network fault), or
 * a leader that refuses acks=all with NOT_ENOUGH_REPLICAS (its ISR below min.insync.replicas).
 */
export type UnavailableReason = "no-leader" | "leader-unreachable" | "not-enough-replicas";

/** Who writes to a topic: the producers' nodes, and whether any of them asks for acks=all. */
export interface TopicWriters {
  readonly nodes: readonly string[];
  readonly acksAll: boolean;
}

export interface WritabilityContext {
  readonly selectors: SelectorContext;
  /** Per topic; a topic without producers is judged as if written with acks=all. */
  readonly writers: ReadonlyMap<string, TopicWriters>;
}

/**
 * Whether producers could write to a partition now, read from the model without changing
 * it: the leader is the broker that leads with the newest epoch (as fault selectors see it).
 */
export function whyUnwritable(c: WritabilityContext, topic: string, partition: number): UnavailableReason | null {
  const { sim } = c.selectors;
  const leader = leaderOf(c.selectors, topic, partition);
  if (leader === null || sim.node(leader).state !== "up") return "no-leader";
  const replica = brokerOn(sim, leader)?.replicas.partition(topic, partition);
  if (!replica) return "no-leader";
  const writers = c.writers.get(topic);
  if (writers && writers.nodes.length > 0 && !writers.nodes.some((p) => !sim.network.isCut(p, leader) && !sim.network.isCut(leader, p))) {
    return "leader-unreachable";
  }
  if ((writers === undefined || writers.acksAll) && replica.isr.length < replica.options.minInsyncReplicas) return "not-enough-replicas";
  return null;
}

/** One stretch of time a partition could not be written. */
export interface UnavailableWindow {
  readonly topic: string;
  readonly partition: number;
  readonly fromMicros: Micros;
  /** Null while it is still open. */
  toMicros: Micros | null;
  /** Why, when it opened. */
  readonly reason: UnavailableReason;
}

export interface UnavailabilityReport {
  /** Partition-milliseconds of the load phase during which a partition could not be written. */
  readonly unavailableMs: number;
  /** The longest single window, in milliseconds. */
  readonly longestUnavailableMs: number;
  readonly windows: readonly UnavailableWindow[];
}

/**
 * Measures, during the load phase, how long each partition could not be written. It looks
 * again whenever something that decides it may have changed: a broker became a leader or a
 * leader's ISR changed (the BrokerObserver callbacks), and at every time the fault schedule
 * crashes, pauses, cuts or restores something (`loadPhaseSteps`: the World runs the load
 * phase in steps ending at those times). It only reads the model; it schedules nothing, so
 * runs keep their fingerprints.
 */
export class UnavailabilityTracker {
  private active = false;
  private readonly open = new Map<string, UnavailableWindow>();
  /** Partitions followed so far: from the start of the load, or from when an added one was first led. */
  private readonly followed = new Set<string>();
  private readonly windows: UnavailableWindow[] = [];

  /** Feed it leadership and ISR changes (World fans the brokers' observer out to it). */
  readonly observer: BrokerObserver = {
    becameLeader: (_broker, topic, partition, _epoch, atMicros) => this.evaluate(topic, partition, atMicros),
    isrChanged: (_broker, topic, partition, _isr, atMicros) => this.evaluate(topic, partition, atMicros),
  };

  constructor(
    private readonly context: WritabilityContext,
    /** The scenario's partitions now (add-partitions grows them); internal topics are not counted. */
    private readonly partitions: () => Iterable<readonly [string, number]>,
  ) {}

  /** The load phase begins: every partition is followed from here. */
  start(nowMicros: Micros): void {
    this.active = true;
    this.evaluateAll(nowMicros);
  }

  /** Looks at every partition again (after a step of the fault schedule). */
  evaluateAll(nowMicros: Micros): void {
    if (!this.active) return;
    for (const [topic, partition] of this.partitions()) this.evaluate(topic, partition, nowMicros);
  }

  /** The load phase is over: open windows close here, and later changes are not counted. */
  stop(nowMicros: Micros): void {
    if (!this.active) return;
    for (const w of this.open.values()) w.toMicros = nowMicros;
    this.open.clear();
    this.active = false;
  }

  report(): UnavailabilityReport {
    let totalMicros = 0;
    let longestMicros = 0;
    for (const w of this.windows) {
      const length = (w.toMicros ?? w.fromMicros) - w.fromMicros;
      totalMicros += length;
      longestMicros = Math.max(longestMicros, length);
    }
    return { unavailableMs: Math.round(totalMicros / 1000), longestUnavailableMs: Math.round(longestMicros / 1000), windows: this.windows };
  }

  private evaluate(topic: string, partition: number, nowMicros: Micros): void {
    if (!this.active) return;
    const key = `${topic}-${partition}`;
    const reason = whyUnwritable(this.context, topic, partition);
    if (!this.followed.has(key)) {
      // A partition added during the load counts once it has been led (before, nobody wrote to it).
      if (reason === "no-leader") return;
      this.followed.add(key);
    }
    const window = this.open.get(key);
    if (reason !== null && window === undefined) {
      const opened: UnavailableWindow = { topic, partition, fromMicros: nowMicros, toMicros: null, reason };
      this.open.set(key, opened);
      this.windows.push(opened);
    } else if (reason === null && window !== undefined) {
      window.toMicros = nowMicros;
      this.open.delete(key);
    }
  }
}

/**
 * The times, in order, at which the fault schedule changes what it can: each fault's time
 * and, with `for:`, the time it is undone; then the end. Only those in [start, end]: a step
 * ending at the start itself runs the faults due at once.
 */
export function loadPhaseSteps(faults: readonly Fault[], loadStartMicros: Micros, endMicros: Micros): Micros[] {
  const times = new Set<Micros>([endMicros]);
  for (const f of faults) {
    for (const at of [f.at, f.forMicros === null ? null : f.at + f.forMicros]) {
      if (at !== null && loadStartMicros + at < endMicros) times.add(loadStartMicros + at);
    }
  }
  return [...times].sort((a, b) => a - b);
}

/**
 * Several observers as one (the replication checker and the unavailability tracker). A
 * callback only one of them has is passed as it is: leaderAppended is on the hot path.
 */
export function fanOut(...observers: readonly BrokerObserver[]): BrokerObserver {
  const out: Record<string, unknown> = {};
  for (const name of ["leaderAppended", "highWatermarkChanged", "isrChanged", "becameLeader", "truncated"] as const) {
    const having = observers.filter((o) => o[name] !== undefined);
    if (having.length === 1) out[name] = having[0]![name]!.bind(having[0]);
    else if (having.length > 1) {
      out[name] = (...args: unknown[]) => {
        for (const o of having) (o[name] as (...a: unknown[]) => void).apply(o, args);
      };
    }
  }
  return out as BrokerObserver;
}

/**
 * The tracker for a scenario's run: its topics' partitions (as many as the run has now),
 * written by its producers (node names as the World gives them).
 */
export function trackUnavailability(scenario: Scenario, selectors: SelectorContext, partitionCount: (topic: string) => number): UnavailabilityTracker {
  const writers = new Map<string, { nodes: string[]; acksAll: boolean }>();
  for (const spec of scenario.producers) {
    const w = writers.get(spec.topic) ?? { nodes: [], acksAll: false };
    writers.set(spec.topic, w);
    for (let i = 0; i < spec.count; i++) w.nodes.push(spec.count === 1 ? spec.name : `${spec.name}-${i + 1}`);
    if (spec.config.get("acks") === -1) w.acksAll = true;
  }
  const partitions = function* (): Iterable<readonly [string, number]> {
    for (const t of scenario.topics) for (let p = 0; p < partitionCount(t.name); p++) yield [t.name, p] as const;
  };
  return new UnavailabilityTracker({ selectors, writers }, partitions);
}
