import { Simulation, type Micros, type TraceSink } from "../../sim/index.ts";
import { Broker } from "../broker/Broker.ts";
import { addEnsemble, type Ensemble } from "../coord/Ensemble.ts";
import { ProduceLedger, type EndOfRunReport } from "../check/ProduceLedger.ts";
import { ViolationSink } from "../check/Violation.ts";
import { ReplicationChecker } from "../check/replication/index.ts";
import { checkHistory } from "../check/client/index.ts";
import { EnsembleChecker, checkTree } from "../coord/EnsembleChecker.ts";
import { ConsumeLedger } from "../check/ConsumeLedger.ts";
import { ConsumerHost } from "../client/consumer/ConsumerHost.ts";
import { consumerNodeNames, type Scenario } from "../scenario/types.ts";
import { ProducerWorkload, VALUES_PER_PRODUCER } from "../workload/ProducerWorkload.ts";
import { AdminProcess } from "./AdminProcess.ts";
import { brokerOptionsFrom } from "./brokerOptions.ts";
import { consumerOptionsFrom, groupConsumerOptionsFrom, producerOptionsFrom } from "./clientOptions.ts";
import { GroupLedger } from "../check/GroupLedger.ts";
import { GroupConsumerHost } from "../client/consumer/group/GroupConsumerHost.ts";
import { FaultRunner } from "./FaultRunner.ts";
import { History } from "../check/history/index.ts";
import { recordingGroupObserver, recordingProducerObserver, recordPoll } from "./recording.ts";
import { LivenessCheck } from "./liveness.ts";
import { CommittedLogValues, findRepeatedValues } from "./CommittedLogValues.ts";
import { CommittedLogs } from "./CommittedLogs.ts";
import { UncommittedAcks } from "./UncommittedAcks.ts";
import { brokerOn, leaderOf, resolveSelector, type SelectorContext } from "./resolveSelector.ts";
import { fanOut, loadPhaseSteps, trackUnavailability, type UnavailabilityTracker } from "./unavailability.ts";

/** How long the cluster may take to come up (ensemble, brokers, controller, topics) before the load starts. */
const BOOTSTRAP_LIMIT_MICROS = 60_000_000;
const BOOTSTRAP_POLL_MICROS = 100_000;
const LIVENESS_CHECK_MICROS = 1_000_000;

export interface WorldPhases {
  /** When every partition first had a leader: the load starts here; fault times count from here. */
  readonly loadStartMicros: Micros;
  readonly loadEndMicros: Micros;
  readonly endMicros: Micros;
  /** False when the cluster never came up within the bootstrap limit. */
  readonly bootstrapped: boolean;
  /** True when the run stopped at `stopAtMicros` (replay --until) instead of ending. */
  readonly stopped?: boolean;
}

export interface WorldRunOptions {
  /** Stop here, counted like fault times from the start of the load phase (replay --until). */
  readonly stopAtMicros?: Micros;
}

/**
 * The simulated cluster a scenario describes: the ensemble, the brokers, an admin tool
 * that creates the topics, the producers, and the fault schedule. `run` plays the
 * bootstrap, the load phase with its faults (safety), then heals everything and lets the
 * cluster settle with no load (liveness).
 */
export class World {
  readonly sim: Simulation;
  readonly ensemble: Ensemble;
  readonly consumed = new ConsumeLedger();
  readonly groups = new GroupLedger();
  /** The client-visible history (sends, polls, commits), in the style of Jepsen. */
  readonly history = new History();
  /** What producers were told (counts and latencies); which values were acknowledged, where, it reads from the history. */
  readonly ledger = new ProduceLedger(this.history);
  /** Where the checkers report what they find as the run goes. */
  readonly violations = new ViolationSink();
  readonly replication: ReplicationChecker;
  /** How long, during the load phase, partitions could not be written (no leader, unreachable, ISR too small). */
  readonly unavailability: UnavailabilityTracker;
  /** The coordination ensemble's invariants (one leader per epoch, agreement, log matching). */
  readonly ensembleChecker = new EnsembleChecker();
  /** The largest lag (summed over partitions) each group had at the moments it was sampled. */
  readonly maxLag = new Map<string, number>();
  private lastLagSampleMicros = -Infinity;
  /** Why the cluster had not recovered when the liveness phase ended (empty: it had). */
  livenessProblems: string[] = [];
  /** Every partition's committed log, read again (only what changed) at most once per simulated instant and event count. */
  private readonly committedLogs: CommittedLogs;
  private committedRefreshedAt = { atMicros: -1, events: -1 };
  /** committedValues() as of one instant and event count (nothing changes between events). */
  private committedValuesCache: { atMicros: number; events: number; values: ReadonlyMap<string, CommittedLogValues | null> } | null = null;
  private readonly uncommitted: UncommittedAcks;
  private readonly liveness: LivenessCheck;
  readonly brokerNodes: readonly string[];
  readonly producerNodes: string[] = [];
  readonly consumerNodes: string[] = [];
  private readonly selectors: SelectorContext;
  /** Partitions per topic as the run has them (add-partitions grows them). */
  private readonly partitionCounts = new Map<string, number>();
  private admin: AdminProcess | null = null;

  constructor(
    readonly scenario: Scenario,
    readonly seed: string,
    trace?: TraceSink,
  ) {
    this.sim = new Simulation({ seed, trace, network: scenario.network });
    this.ensemble = addEnsemble(this.sim, { size: scenario.cluster.ensemble, disk: scenario.disk, observer: this.ensembleChecker });
    this.brokerNodes = scenario.cluster.brokerNodes;
    const partitionOf = (broker: number, topic: string, partition: number) => brokerOn(this.sim, this.brokerNodes[broker - 1]!)?.replicas.partition(topic, partition);
    this.replication = new ReplicationChecker(this.violations, {
      logOf: (b, t, p) => partitionOf(b, t, p)?.log,
      stateOf: partitionOf,
    });
    this.unavailability = trackUnavailability(scenario, { sim: this.sim, ensemble: this.ensemble, brokerNodes: this.brokerNodes }, (t) => this.partitionCount(t));
    const observer = fanOut(this.replication, this.unavailability.observer);
    this.brokerNodes.forEach((node, i) => {
      const options = brokerOptionsFrom(scenario, i + 1);
      this.sim.addNode(node, (ctx) => new Broker(ctx, options, observer), { disk: scenario.disk });
    });
    this.sim.addNode("admin", (ctx) => {
      const topics = scenario.topics.map((t) => ({ name: t.name, partitions: t.partitions, replicationFactor: t.replicationFactor }));
      this.admin = new AdminProcess(ctx, scenario.cluster.ensembleNodes, scenario.cluster.brokers, topics);
      return this.admin;
    });
    for (const t of scenario.topics) this.partitionCounts.set(t.name, t.partitions);
    this.selectors = { sim: this.sim, ensemble: this.ensemble, brokerNodes: this.brokerNodes };
    this.committedLogs = new CommittedLogs({
      partitions: () => this.scenario.topics.map((t) => [t.name, this.partitionCounts.get(t.name) ?? t.partitions] as const),
      leaderOf: (topic, partition) => {
        const leader = leaderOf(this.selectors, topic, partition);
        return leader ? brokerOn(this.sim, leader)?.replicas.partition(topic, partition) : undefined;
      },
    });
    this.uncommitted = new UncommittedAcks(this.ledger, this.committedLogs);
    this.liveness = new LivenessCheck(this);
  }

  /** Node names of the cluster proper (what `rest` and heal-all cover). */
  get clusterNodes(): string[] {
    return [...this.scenario.cluster.ensembleNodes, ...this.brokerNodes];
  }

  run(options: WorldRunOptions = {}): WorldPhases {
    const bootstrapped = this.bootstrap();
    const loadStartMicros = this.sim.now;
    const loadEndMicros = loadStartMicros + this.scenario.durationMicros;
    const stopAtMicros = loadStartMicros + (options.stopAtMicros ?? Infinity);
    this.startProducers(loadEndMicros);
    this.startConsumers();
    this.startGroupMembers(loadStartMicros);
    const faults = new FaultRunner(this.sim, this.selectors, this.clusterNodes, {
      addPartitions: (topic, total) => {
        this.partitionCounts.set(topic, Math.max(total, this.partitionCounts.get(topic) ?? 0));
        this.admin?.addPartitions(topic, total);
      },
    });
    faults.schedule(this.scenario.faults.map((f) => ({ ...f, at: loadStartMicros + f.at })));
    // The load phase, in steps ending where the fault schedule acts, so the unavailability tracker looks again there.
    this.unavailability.start(loadStartMicros);
    for (const until of loadPhaseSteps(this.scenario.faults, loadStartMicros, Math.min(loadEndMicros, stopAtMicros))) {
      this.sim.run({ untilMicros: until });
      this.unavailability.evaluateAll(until);
    }
    this.unavailability.stop(this.sim.now);
    if (this.sim.now >= stopAtMicros) return { loadStartMicros, loadEndMicros, endMicros: this.sim.now, bootstrapped, stopped: true };
    faults.healAll();
    const bound = loadEndMicros + this.scenario.settleMicros;
    // The liveness phase: until the cluster has recovered (twice in a row, a second apart) or the bound.
    // Only a check at the bound can end the phase with problems, so only there is the full list needed (see LivenessCheck).
    let healthyChecks = 0;
    this.livenessProblems = this.liveness.problems(this.sim.now >= bound);
    while (this.sim.now < bound && healthyChecks < 2) {
      if (this.sim.now >= stopAtMicros) return { loadStartMicros, loadEndMicros, endMicros: this.sim.now, bootstrapped, stopped: true };
      this.sim.run({ untilMicros: Math.min(bound, stopAtMicros, this.sim.now + LIVENESS_CHECK_MICROS) });
      this.livenessProblems = this.liveness.problems(this.sim.now >= bound);
      healthyChecks = this.livenessProblems.length === 0 ? healthyChecks + 1 : 0;
    }
    return { loadStartMicros, loadEndMicros, endMicros: this.sim.now, bootstrapped };
  }

  /** Runs until every partition of every topic has a leader (or the limit passes). */
  private bootstrap(): boolean {
    const limit = this.sim.now + BOOTSTRAP_LIMIT_MICROS;
    while (this.sim.now < limit) {
      this.sim.run({ untilMicros: this.sim.now + BOOTSTRAP_POLL_MICROS });
      if (this.allPartitionsLed()) return true;
    }
    return false;
  }

  private allPartitionsLed(): boolean {
    return this.scenario.topics.every((t) =>
      Array.from({ length: t.partitions }, (_, p) => p).every((p) => leaderOf(this.selectors, t.name, p) !== null),
    );
  }

  private startConsumers(): void {
    const brokerIds = this.brokerNodes.map((_, i) => i + 1);
    for (const spec of this.scenario.consumers) {
      if (spec.group !== null) continue; // group members: see startGroupMembers
      const options = { ...consumerOptionsFrom(spec.config, brokerIds), validatePositions: this.scenario.behaviour.consumerPositionValidation };
      const assignment = spec.partitions.map((partition) => ({ topic: spec.topic, partition }));
      for (const name of consumerNodeNames(spec)) {
        this.sim.addNode(name, (ctx) => {
          // Each incarnation starts its positions anew: an assignment in the history.
          this.history.assigned(name, ctx.now, assignment);
          return new ConsumerHost(ctx, options, assignment, {
            onRecords: (records) => {
              this.consumed.record(ctx.now, records);
              recordPoll(ctx, this.history, records);
            },
          });
        });
        this.consumerNodes.push(name);
      }
    }
  }

  /**
   * Group members join at their start time and leave (close: commit, LeaveGroup) at their
   * stop time. A member crashed by the schedule comes back in the liveness phase as a new
   * incarnation of the same node, rejoining from the committed offsets.
   */
  private startGroupMembers(loadStartMicros: Micros): void {
    const brokerIds = this.brokerNodes.map((_, i) => i + 1);
    for (const spec of this.scenario.consumers) {
      if (spec.group === null) continue;
      const options = { ...groupConsumerOptionsFrom(spec.config, brokerIds, spec.group), validatePositions: this.scenario.behaviour.consumerPositionValidation };
      const hostOptions = { topics: [spec.topic], commitMode: spec.commit, processingMicrosPerRecord: spec.processingMicros };
      for (const name of consumerNodeNames(spec)) {
        const node = this.sim.addNode(name, (ctx) => new GroupConsumerHost(ctx, options, hostOptions, { observer: recordingGroupObserver(ctx, this.groups.observer, this.history, spec.group!) }), { startUp: false });
        this.consumerNodes.push(name);
        this.sim.scheduleAt(loadStartMicros + spec.startMicros, this.sim.label("consumer-start"), () => node.restart());
        if (spec.stopMicros !== null) {
          this.sim.scheduleAt(loadStartMicros + spec.stopMicros, this.sim.label("consumer-stop"), () => {
            const host = node.process as GroupConsumerHost | null;
            host?.stop(() => {});
          });
        }
      }
    }
  }

  /** Samples every group's lag at most every 100 ms of simulated time, piggybacking on acks (no events of its own). */
  private sampleLag(): void {
    if (this.sim.now - this.lastLagSampleMicros < 100_000) return;
    this.lastLagSampleMicros = this.sim.now;
    for (const group of new Set(this.scenario.consumers.map((c) => c.group).filter((g): g is string => g !== null))) {
      const lag = this.groupLag(group);
      if (lag !== null && lag > (this.maxLag.get(group) ?? -1)) this.maxLag.set(group, lag);
    }
  }

  private startProducers(stopAtMicros: Micros): void {
    const brokerIds = this.brokerNodes.map((_, i) => i + 1);
    let index = 0;
    for (const spec of this.scenario.producers) {
      for (let i = 0; i < spec.count; i++) {
        index++;
        const name = spec.count === 1 ? spec.name : `${spec.name}-${i + 1}`;
        const recovery = this.scenario.behaviour.idempotentEpochBump ? "bump-epoch" : "reset-producer-id";
        const options = { ...producerOptionsFrom(spec.config, brokerIds), idempotenceRecovery: recovery } as const;
        const load = {
          topic: spec.topic,
          ratePerSec: spec.ratePerSec,
          poisson: spec.poisson,
          messageSizeBytes: spec.messageSizeBytes,
          keys: spec.keys,
          keyDistribution: spec.keyDistribution,
          stopAtMicros,
        };
        const producerIndex = index;
        this.sim.addNode(name, (ctx) =>
          new ProducerWorkload(ctx, producerIndex, load, options, recordingProducerObserver(ctx, this.ledger.observer, this.history, () => this.sampleLag())),
        );
        this.producerNodes.push(name);
      }
    }
  }

  /** The produce ledger's comparisons with the final committed logs (see ProduceLedger.endOfRun), for `finishChecks` and the summary. */
  ledgerEndOfRun(seen?: (valueId: number) => boolean): EndOfRunReport {
    return this.ledger.endOfRun(this.committedValues(), VALUES_PER_PRODUCER, seen);
  }

  /**
   * The end-of-run checks, into the run's violations (where the checkers running alongside
   * have reported already): liveness, replication and ensemble invariants that need the
   * final state, one owner per generation, the client-visible history, and what the final
   * committed logs say of the acknowledged records (lost-write, duplicate, nonmonotonic-send).
   */
  finishChecks({ losses, nonmonotonic }: EndOfRunReport): void {
    const sink = this.violations;
    const now = this.sim.now;
    for (const reason of this.livenessProblems) sink.report("liveness", { atMicros: now, detail: reason });
    const live = this.brokerNodes.map((n) => brokerOn(this.sim, n)).filter((b): b is Broker => b !== null);
    this.replication.finish(live, now);
    this.ensembleChecker.checkPrefixes();
    for (const name of this.ensemble.names) {
      const member = this.ensemble.member(name);
      if (member) for (const problem of checkTree(member.tree)) this.ensembleChecker.violations.push(`${name}: ${problem}`);
    }
    for (const problem of this.ensembleChecker.violations) sink.report("ensemble", { atMicros: now, detail: problem });
    this.reportOwnership(sink);
    const committed = this.committedValues();
    checkHistory(this.history, sink, { atMicros: now, committed: (t, p) => committed.get(`${t}-${p}`) ?? null });
    const lost = losses.examples.map((e) => ({ atMicros: now, topic: e.topic, partition: e.partition, offset: e.offset, valueId: e.valueId, detail: "acknowledged, absent from the final committed log" }));
    sink.reportMany("lost-write", losses.lostAcked, lost);
    for (const e of nonmonotonic) {
      sink.report("nonmonotonic-send", { atMicros: now, topic: e.topic, partition: e.partition, offset: e.offset, valueId: e.valueId, detail: `acknowledged at offset ${e.offset} after a previous send of the same producer at ${e.previous}` });
    }
    for (const [partitionKey, values] of committed) {
      if (!values) continue;
      for (const [valueId, offsets] of values.repeatedValues()) {
        sink.report("duplicate", { atMicros: now, offset: offsets[1], valueId, detail: `value at offsets ${offsets.join(", ")} of ${partitionKey}` });
      }
    }
  }

  /**
   * One owner per partition and group generation: two members processing records of one
   * partition under the same generation means two members were assigned it at once.
   */
  private reportOwnership(sink: ViolationSink): void {
    this.groups.checkOneOwnerPerGeneration((e, owner) =>
      sink.report("one-owner-per-generation", { atMicros: e.atMicros, topic: e.topic, partition: e.partition, offset: e.offset, valueId: e.valueId, detail: `${e.member} and ${owner} both processed it in generation ${e.generation}` }),
    );
  }

  get selectorContext(): SelectorContext {
    return this.selectors;
  }

  partitionCount(topic: string): number {
    return this.partitionCounts.get(topic) ?? 0;
  }

  /** How many acknowledged records are in no partition's committed log now. */
  uncommittedAcks(): number {
    this.refreshCommittedLogs();
    return this.uncommitted.count();
  }

  /** Whether some acknowledged record is in no partition's committed log now (`uncommittedAcks() > 0`, looking no further than the first). */
  anyUncommittedAck(): boolean {
    this.refreshCommittedLogs();
    return this.uncommitted.any();
  }

  private refreshCommittedLogs(): void {
    const at = this.committedRefreshedAt;
    if (at.atMicros === this.sim.now && at.events === this.sim.eventsFired) return;
    this.committedLogs.refresh();
    this.committedRefreshedAt = { atMicros: this.sim.now, events: this.sim.eventsFired };
  }

  /**
   * Consumer lag as kafka-consumer-groups.sh shows it, summed over a group's partitions:
   * the partition's end (its high watermark) minus the group's committed offset (the log
   * start when nothing is committed). Read from the brokers, never changing them.
   */
  groupLag(groupId: string): number | null {
    const coordinatorNode = resolveSelector(this.selectors, { kind: "coordinator", group: groupId });
    const group = coordinatorNode ? brokerOn(this.sim, coordinatorNode)?.groups.group(groupId) : undefined;
    if (!group) return null;
    let lag = 0;
    for (const spec of this.scenario.consumers) {
      if (spec.group !== groupId) continue;
      const partitions = this.partitionCounts.get(spec.topic) ?? 0;
      for (let p = 0; p < partitions; p++) {
        const leader = leaderOf(this.selectors, spec.topic, p);
        const replica = leader ? brokerOn(this.sim, leader)?.replicas.partition(spec.topic, p) : undefined;
        if (!replica) continue;
        const committed = group.offsets.get(`${spec.topic}-${p}`)?.offset ?? replica.log.logStartOffset;
        lag += Math.max(0, replica.highWatermark - committed);
      }
    }
    return lag;
  }

  /**
   * Each partition's final committed log: the value ids below the high watermark of the
   * replica that leads it now, with the offsets they sit at; null for a partition with no
   * leader. They read the committed logs' columns in place: good until the run goes on.
   */
  committedValues(): ReadonlyMap<string, CommittedLogValues | null> {
    const now = this.sim.now;
    const events = this.sim.eventsFired;
    const cache = this.committedValuesCache;
    if (cache !== null && cache.atMicros === now && cache.events === events) return cache.values;
    this.refreshCommittedLogs();
    const snapshots = [...this.committedLogs.snapshots()];
    const logs = snapshots.flatMap(([, log]) => (log ? [log] : []));
    const repeated = findRepeatedValues(logs);
    const values = new Map<string, CommittedLogValues | null>();
    let next = 0;
    for (const [key, log] of snapshots) values.set(key, log ? new CommittedLogValues(log.startOffset, log.valueIds, repeated[next++]) : null);
    this.committedValuesCache = { atMicros: now, events, values };
    return values;
  }
}
