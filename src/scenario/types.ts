import type { DiskOptions, Micros, NetworkOptions } from "../../sim/index.ts";
import type { KafkaConfig, Profile, ProfileBehaviour } from "../protocol/config/index.ts";
import type { KeyDistribution } from "../workload/KeyDistribution.ts";
import type { HardwareSpec } from "./hardware.ts";
import type { Variation } from "./variation.ts";

/**
 * A scenario as the loader hands it to a run: every field present and defaulted, times in
 * microseconds, Kafka configuration resolved for the scenario's profile, fault targets
 * parsed into selectors. Immutable by convention (readonly throughout).
 */
export interface Scenario {
  /** The file it came from, as given to the loader. */
  readonly file: string;
  /** `name:` or the file's name without `.yaml`. */
  readonly name: string;
  readonly description: string;
  readonly profile: Profile;
  /** What the profile selects (truncation rule, fencing): brokers read it from here. */
  readonly behaviour: ProfileBehaviour;
  /** The load phase: producers send, faults happen. */
  readonly durationMicros: Micros;
  /** The liveness phase after it: faults healed, load stopped, the cluster given time to recover. */
  readonly settleMicros: Micros;
  readonly cluster: ClusterSpec;
  readonly network: NetworkOptions;
  readonly disk: DiskOptions;
  /** `hardware:` the brokers' CPU costs (none when absent); its network and disk are already in `network` and `disk`. */
  readonly hardware?: HardwareSpec;
  readonly topics: readonly TopicSpec[];
  readonly producers: readonly ProducerSpec[];
  readonly consumers: readonly ConsumerSpec[];
  /** In file order (a run schedules them by `at`; ties keep this order). */
  readonly faults: readonly Fault[];
  readonly expect: Expectations;
  /** Present when the file leaves settings or faults to the seed (swarm testing): see resolveScenario. */
  readonly variation?: Variation;
}

/** Where a part of the scenario was written, for messages at run time ("the fault at line 12"). */
export interface SourceRef {
  readonly line: number;
  readonly column: number;
  /** `faults[2]`, `topics[0]`. */
  readonly field: string;
}

export interface ClusterSpec {
  /** Brokers are numbered 1..brokers and run on nodes `broker-1`, `broker-2`, ... */
  readonly brokers: number;
  /** Members of the coordination ensemble (1, 3 or 5), on nodes `zk-1`, `zk-2`, ... */
  readonly ensemble: number;
  readonly brokerNodes: readonly string[];
  readonly ensembleNodes: readonly string[];
  /** Every broker's configuration (server.properties). */
  readonly config: KafkaConfig<"broker">;
}

export interface TopicSpec {
  readonly name: string;
  readonly partitions: number;
  readonly replicationFactor: number;
  /** Topic overrides over the broker config (a key the topic does not set comes from cluster.config). */
  readonly config: KafkaConfig<"topic">;
  readonly source: SourceRef | null;
}

export interface ProducerSpec {
  /** `producer-1`, ... unless named; with count > 1 the runner numbers the instances. */
  readonly name: string;
  readonly topic: string;
  /** Producer clients like this one. */
  readonly count: number;
  /** Records per second, per producer client. */
  readonly ratePerSec: number;
  /** Poisson arrivals at that mean rate, instead of evenly spaced ones. */
  readonly poisson: boolean;
  readonly messageSizeBytes: number;
  /** Distinct keys, or null for keyless records. */
  readonly keys: number | null;
  /** How each record's key is drawn among them (`keys: {count, distribution: zipf, exponent}`); uniform unless given. */
  readonly keyDistribution: KeyDistribution;
  readonly config: KafkaConfig<"producer">;
  readonly source: SourceRef | null;
}

/**
 * How a group member commits: `auto` (Kafka's enable.auto.commit: the previous poll's
 * position every auto.commit.interval.ms), `after-processing` (a synchronous commit once a
 * poll's records are processed: at-least-once; `after-processing-async` with commitAsync),
 * `before-processing` (commit the poll's end
 * position, then process: a crash in between loses the records).
 */
export const COMMIT_MODES = ["auto", "after-processing", "after-processing-async", "before-processing"] as const;
export type CommitMode = (typeof COMMIT_MODES)[number];

/**
 * A consumer. With `group.id` in its config it is a group member that subscribes to the
 * topic (its partitions come from the group); without, a simple consumer assigned
 * `partitions` by hand.
 */
export interface ConsumerSpec {
  /** `consumer-1`, ... unless named; with count > 1 the instances are `name-1`, `name-2`, ... */
  readonly name: string;
  readonly topic: string;
  /** Consumer clients like this one. */
  readonly count: number;
  /** The group it joins (config group.id), or null for a simple consumer. */
  readonly group: string | null;
  /** A simple consumer's partitions: all of the topic's unless listed. */
  readonly partitions: readonly number[];
  /** Simulated time to process one record. */
  readonly processingMicros: Micros;
  readonly commit: CommitMode;
  /** When the consumer starts (from the start of the load phase), and when it leaves the group (null: never). */
  readonly startMicros: Micros;
  readonly stopMicros: Micros | null;
  readonly config: KafkaConfig<"consumer">;
  readonly source: SourceRef | null;
}

/** The node names a scenario's consumers run on, in order. */
export function consumerNodeNames(spec: Pick<ConsumerSpec, "name" | "count">): string[] {
  return spec.count === 1 ? [spec.name] : Array.from({ length: spec.count }, (_, i) => `${spec.name}-${i + 1}`);
}

/**
 * Which node a fault hits, decided when the fault happens: a node by name, the leader or
 * a follower of a partition, the controller, the ensemble's leader, or (in a partition's
 * groups only) every node not named elsewhere.
 */
export type NodeSelector =
  | { readonly kind: "node"; readonly name: string }
  | { readonly kind: "leader"; readonly topic: string; readonly partition: number }
  | { readonly kind: "follower"; readonly topic: string; readonly partition: number }
  /** In a partition's groups only: every follower of the partition at that moment. */
  | { readonly kind: "followers"; readonly topic: string; readonly partition: number }
  | { readonly kind: "controller" }
  /** The broker coordinating a consumer group: the leader of its __consumer_offsets partition. */
  | { readonly kind: "coordinator"; readonly group: string }
  | { readonly kind: "ensemble-leader" }
  | { readonly kind: "rest" };

/** Verbs that take one node. */
export const NODE_VERBS = ["crash", "lossy-crash", "restart", "pause", "resume", "isolate"] as const;
export type NodeVerb = (typeof NODE_VERBS)[number];
export const DISK_VERBS = ["slow-disk", "full-disk", "disk-ok"] as const;
export type DiskVerb = (typeof DISK_VERBS)[number];
export const FAULT_VERBS = [...NODE_VERBS, "partition", "partition-one-way", "heal", "clog", "unclog", "drop", ...DISK_VERBS, "add-partitions"] as const;
export type FaultVerb = (typeof FAULT_VERBS)[number];

/**
 * What undoes each verb that takes `for:` (the undo hits the node the fault hit, not a
 * selector evaluated again). Verbs without an entry cannot take `for:`.
 */
export const UNDO_VERB: Readonly<Partial<Record<FaultVerb, FaultVerb | "undrop">>> = {
  crash: "restart",
  "lossy-crash": "restart",
  pause: "resume",
  isolate: "heal",
  partition: "heal",
  "partition-one-way": "heal",
  clog: "unclog",
  drop: "undrop",
  "slow-disk": "disk-ok",
  "full-disk": "disk-ok",
};

interface FaultBase {
  readonly at: Micros;
  /** Undo after this long (see UNDO_VERB), or null to leave it until the settle phase heals everything. */
  readonly forMicros: Micros | null;
  readonly source: SourceRef;
}

export type Fault =
  | (FaultBase & { readonly verb: NodeVerb; readonly node: NodeSelector })
  | (FaultBase & { readonly verb: "partition"; readonly groups: readonly (readonly NodeSelector[])[] })
  | (FaultBase & { readonly verb: "partition-one-way"; readonly from: readonly NodeSelector[]; readonly to: readonly NodeSelector[] })
  | (FaultBase & { readonly verb: "heal" })
  | (FaultBase & { readonly verb: "clog"; readonly between: readonly [NodeSelector, NodeSelector]; readonly delayMicros: Micros })
  /** `between: null` unclogs every link. */
  | (FaultBase & { readonly verb: "unclog"; readonly between: readonly [NodeSelector, NodeSelector] | null })
  | (FaultBase & { readonly verb: "drop"; readonly between: readonly [NodeSelector, NodeSelector]; readonly probability: number })
  /** An admin action rather than a fault: grow a topic to `partitions` (Kafka never shrinks one). */
  | (FaultBase & { readonly verb: "add-partitions"; readonly topic: string; readonly partitions: number })
  /** `factor`: how many times slower the disk's fsyncs are (1 for full-disk and disk-ok). */
  | (FaultBase & { readonly verb: DiskVerb; readonly node: NodeSelector; readonly factor: number });

/** The counts a run reports that a scenario may state expectations about. */
/** Invariants the checkers report (their violation counts can be expected too). */
export const INVARIANTS = [
  "lost-write",
  "duplicate",
  "inconsistent-offsets",
  "poll-skip",
  "commit-skip",
  "nonmonotonic-poll",
  "nonmonotonic-send",
  "unseen",
  "lost-write-read",
  "one-leader-per-epoch",
  "leader-in-isr",
  "isr-within-replicas",
  "committed-prefix",
  "leader-completeness",
  "hw-monotonic",
  "one-owner-per-generation",
  "ensemble",
  "liveness",
] as const;
export type Invariant = (typeof INVARIANTS)[number];

export const EXPECT_METRICS = ["lost-acked", "sent", "acked", "failed", "processed", "unprocessed", "redelivered", "rebalances", "commit-failed", ...INVARIANTS] as const;
export type ExpectMetric = (typeof EXPECT_METRICS)[number];
export type Comparison = "==" | ">" | ">=" | "<" | "<=";

export interface Expectation {
  readonly metric: ExpectMetric;
  readonly op: Comparison;
  readonly value: number;
  /** As written (`>0`), for reports. */
  readonly text: string;
  /** null for the default expectation. */
  readonly source: SourceRef | null;
}

export interface Expectations {
  /** False when the file states none: then the verdict is "no violation" (lost-acked == 0). */
  readonly stated: boolean;
  readonly conditions: readonly Expectation[];
}

/** Whether a count meets an expectation. */
export function meets(expectation: Expectation, count: number): boolean {
  switch (expectation.op) {
    case "==":
      return count === expectation.value;
    case ">":
      return count > expectation.value;
    case ">=":
      return count >= expectation.value;
    case "<":
      return count < expectation.value;
    case "<=":
      return count <= expectation.value;
  }
}

/** `leader(orders/0)`, `broker-2`, `rest`: a selector as a scenario writes it. */
export function formatSelector(selector: NodeSelector): string {
  switch (selector.kind) {
    case "node":
      return selector.name;
    case "leader":
    case "follower":
    case "followers":
      return `${selector.kind}(${selector.topic}/${selector.partition})`;
    case "coordinator":
      return `coordinator(${selector.group})`;
    default:
      return selector.kind;
  }
}
