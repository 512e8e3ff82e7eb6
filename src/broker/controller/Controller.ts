import type { NodeContext } from "../../../sim/index.ts";
import type { Op, OpResult } from "../../coord/ZnodeTree.ts";
import type { LeaderAndIsrRequest, PartitionState, UpdateMetadataRequest } from "../../protocol/requests.ts";
import { decode, elrOf, encode, NO_LEADER, stateZnode, ZK, type PartitionStateZnode, type TopicAssignment } from "../zk/paths.ts";
import type { ZkCalls } from "../zk/ZkCalls.ts";
import {
  allPartitions,
  EMPTY_CONTEXT,
  partitionKey,
  withAssignment,
  withLiveBrokers,
  withState,
  type ControllerContext,
} from "./ControllerContext.ts";
import { electOfflinePartitionLeader, initialLeadership, removeFromIsr } from "./leaderElection.ts";
import { buildPartitionChange, isNoOp } from "./partitionChange.ts";
import { readRegistrations, storeRegistrations } from "./uncleanRestarts.ts";

export interface ControllerHost {
  readonly ctx: NodeContext;
  readonly zk: ZkCalls;
  readonly brokerId: number;
  /** Sends a controller request to a broker; the controller's own broker gets it locally. */
  sendToBroker(brokerId: number, request: LeaderAndIsrRequest | UpdateMetadataRequest): void;
  uncleanLeaderElectionEnabled(topic: string): boolean;
  /** KIP-380: detect a broker that re-registered between two reads by its registration's creation zxid. */
  readonly brokerEpochs?: boolean;
  /** KAFKA-5642: partition-state writes for a batch of partitions go out pipelined, not one by one. */
  readonly pipelinedStateWrites?: boolean;
  /** KIP-966 (4.x profile): partition changes follow partitionChange.ts, and unclean restarts leave ISRs and ELRs. */
  readonly eligibleLeaderReplicas?: boolean;
  /** min.insync.replicas of a topic: under KIP-966 it decides who joins the ELR. */
  minInsyncReplicas?(topic: string): number;
  /** Told of every leadership the controller writes, for checkers and timelines. */
  onLeadershipChange?(state: PartitionState, unclean: boolean): void;
}

type ControllerEvent = (done: () => void) => void;

/**
 * Kafka's controller in ZooKeeper mode (KafkaController with its partition and replica
 * state machines), one event at a time as its ControllerEventManager runs them. It loads
 * the cluster from the store, elects leaders for partitions whose leader is gone (clean,
 * or unclean where allowed), removes dead replicas from ISRs, creates new partitions, and
 * tells brokers with LeaderAndIsr and UpdateMetadata. Every write to a partition state
 * is conditional on the controller epoch's znode version, so a deposed controller's
 * writes fail rather than overwrite its successor's.
 */
export class Controller {
  private context: ControllerContext = EMPTY_CONTEXT;
  /** Each live broker's epoch (its registration's creation zxid), under KIP-380. */
  private readonly brokerEpochs = new Map<number, number>();
  private readonly events: ControllerEvent[] = [];
  private busy = false;
  private active = true;
  private requestId = 0;

  constructor(
    private readonly host: ControllerHost,
    readonly epoch: number,
    private readonly epochZkVersion: number,
  ) {}

  get snapshot(): ControllerContext {
    return this.context;
  }

  get isActive(): boolean {
    return this.active;
  }

  start(): void {
    this.host.ctx.record("controller.failover", { epoch: this.epoch });
    this.enqueue((done) => this.onFailover(done));
  }

  resign(): void {
    if (!this.active) return;
    this.active = false;
    this.events.length = 0;
    this.host.ctx.record("controller.resign", { epoch: this.epoch });
  }

  // ---- the event loop ----------------------------------------------------------------

  private enqueue(event: ControllerEvent): void {
    if (!this.active) return;
    this.events.push(event);
    this.runNext();
  }

  private runNext(): void {
    if (this.busy || !this.active) return;
    const event = this.events.shift();
    if (!event) return;
    this.busy = true;
    event(() => {
      this.busy = false;
      this.runNext();
    });
  }

  // ---- failover: load everything, elect where needed, tell everyone -------------------------

  private onFailover(done: () => void): void {
    const zk = this.host.zk;
    zk.getChildren(ZK.brokerIds, () => this.enqueue((d) => this.onBrokerChange(d)), (ids) => {
      this.context = withLiveBrokers(this.context, ids.map(Number));
      this.readBrokerEpochs(ids.map(Number), (epochs) => {
        for (const [b, epoch] of epochs) this.brokerEpochs.set(b, epoch);
      });
      zk.getChildren(ZK.brokerTopics, () => this.enqueue((d) => this.onTopicChange(d)), (topics) => {
        this.loadTopics([...topics].sort(), () => {
          zk.getChildren(ZK.isrChangeNotification, () => this.enqueue((d) => this.onIsrChange(d)), () => {
            // As Kafka's replica state machine starts before its partition state machine:
            // replicas on brokers that are not registered leave the ISRs first (a leader among
            // them leaves NoLeader), then partitions without a live leader get one. Without
            // this, a broker that lost power and came back unnoticed would keep leading with
            // whatever its disk kept.
            // A partition assigned but with no state yet (its topic was created just before the
            // previous controller went, or before any controller) is new: as Kafka's partition
            // state machine does at startup, it gets its first leader like any new partition.
            const unborn = allPartitions(this.context).filter((p) => !this.context.states[partitionKey(p.topic, p.partition)]);
            forEachAsync(unborn, (p, next) => this.createPartition(p.topic, p.partition, p.replicas, next), () =>
              this.removeDeadReplicas(() =>
                this.handleUncleanRestarts(this.context.liveBrokers, this.deadReplicaBrokers(), () =>
                  this.electWhereNeeded(allPartitions(this.context).map((p) => partitionKey(p.topic, p.partition)), () => {
                    this.sendUpdateMetadata(this.context.liveBrokers);
                    this.sendLeaderAndIsr(this.context.liveBrokers, allPartitions(this.context).map((p) => partitionKey(p.topic, p.partition)));
                    done();
                  }),
                ),
              ),
            );
          });
        });
      });
    });
  }

  private loadTopics(topics: string[], done: () => void): void {
    forEachAsync(topics, (topic, next) => this.loadTopic(topic, next), done);
  }

  private loadTopic(topic: string, done: () => void): void {
    this.host.zk.getData(ZK.topic(topic), () => this.enqueue((d) => this.onPartitionModification(topic, d)), (node) => {
      if (!node) return done();
      const assignment = decode<TopicAssignment>(node.data);
      const replicas = Object.keys(assignment.partitions)
        .map(Number)
        .sort((a, b) => a - b)
        .map((p) => assignment.partitions[String(p)]!);
      this.context = withAssignment(this.context, topic, replicas);
      forEachAsync(replicas.map((_, p) => p), (p, next) => this.loadState(topic, p, next), done);
    });
  }

  private loadState(topic: string, partition: number, done: () => void): void {
    this.host.zk.getData(ZK.partitionState(topic, partition), null, (node) => {
      if (node) {
        const z = decode<PartitionStateZnode>(node.data);
        const replicas = this.context.assignments[topic]![partition]!;
        this.context = withState(this.context, {
          topic,
          partition,
          controllerEpoch: z.controller_epoch,
          leader: z.leader,
          leaderEpoch: z.leader_epoch,
          isr: z.isr,
          zkVersion: node.version,
          replicas,
          ...elrOf(z),
        });
      }
      done();
    });
  }

  // ---- broker changes ------------------------------------------------------------------

  private onBrokerChange(done: () => void): void {
    this.host.zk.getChildren(ZK.brokerIds, () => this.enqueue((d) => this.onBrokerChange(d)), (ids) => {
      const live = ids.map(Number).sort((a, b) => a - b);
      this.readBrokerEpochs(live, (epochs) => {
        const before = new Set(this.context.liveBrokers);
        // KIP-380: a broker whose registration is newer than the one we knew restarted unseen.
        const bounced = live.filter((b) => before.has(b) && epochs.has(b) && this.brokerEpochs.has(b) && epochs.get(b) !== this.brokerEpochs.get(b));
        const added = [...live.filter((b) => !before.has(b)), ...bounced].sort((a, b) => a - b);
        const dead = [...this.context.liveBrokers.filter((b) => !live.includes(b)), ...bounced].sort((a, b) => a - b);
        for (const [b, epoch] of epochs) this.brokerEpochs.set(b, epoch);
        if (added.length + dead.length === 0) return done();
        this.host.ctx.record("controller.broker-change", { added, dead, live, bounced });
        // A bounced broker goes through failure (out of the ISRs, its partitions re-elected) before its startup.
        this.context = withLiveBrokers(this.context, live.filter((b) => !bounced.includes(b)));
        this.onBrokerFailure(dead, () => {
          this.context = withLiveBrokers(this.context, live);
          this.onBrokerStartup(added, done);
        });
      });
    });
  }

  /** The registrations' creation zxids (broker epochs), when the profile has them. */
  private readBrokerEpochs(ids: readonly number[], done: (epochs: Map<number, number>) => void): void {
    const epochs = new Map<number, number>();
    if (!this.host.brokerEpochs) return done(epochs);
    forEachAsync(ids, (id, next) => this.host.zk.exists(ZK.brokerId(id), null, (node) => {
      if (node) epochs.set(id, node.czxid);
      next();
    }), () => done(epochs));
  }

  /** Partitions led by a dead broker get a new leader; dead followers leave ISRs. */
  private onBrokerFailure(dead: number[], done: () => void): void {
    if (dead.length === 0) return done();
    const affected = allPartitions(this.context)
      .filter((p) => p.replicas.some((r) => dead.includes(r)))
      .map((p) => partitionKey(p.topic, p.partition));
    if (this.host.eligibleLeaderReplicas) {
      // KIP-966: leaving the ISR and electing are one change, so the ELR sees the ISR the dead leave.
      return this.forEachWrite(affected, (key, next) => this.changePartition(key, dead, [], next), () => {
        this.sendLeaderAndIsr(this.context.liveBrokers, affected);
        this.sendUpdateMetadata(this.context.liveBrokers);
        done();
      });
    }
    this.electWhereNeeded(affected, () => {
      this.forEachWrite(affected, (key, next) => this.removeDeadFromIsr(key, dead, next), () => {
        this.sendLeaderAndIsr(this.context.liveBrokers, affected);
        this.sendUpdateMetadata(this.context.liveBrokers);
        done();
      });
    });
  }

  private onBrokerStartup(added: number[], done: () => void): void {
    if (added.length === 0) return done();
    this.handleUncleanRestarts(added, [], () => this.onBrokersStarted(added, done));
  }

  private onBrokersStarted(added: number[], done: () => void): void {
    const keys = allPartitions(this.context).map((p) => partitionKey(p.topic, p.partition));
    this.sendUpdateMetadata(this.context.liveBrokers);
    const hosted = allPartitions(this.context)
      .filter((p) => p.replicas.some((r) => added.includes(r)))
      .map((p) => partitionKey(p.topic, p.partition));
    this.sendLeaderAndIsr(added, hosted);
    // Partitions that were offline may elect now that a replica is back.
    this.electWhereNeeded(keys, (elected) => {
      if (elected.length > 0) {
        this.sendLeaderAndIsr(this.context.liveBrokers, elected);
        this.sendUpdateMetadata(this.context.liveBrokers);
      }
      done();
    });
  }

  /** Every replica on a broker that is not registered leaves its partition's ISR. */
  private removeDeadReplicas(done: () => void): void {
    // Under KIP-966 this is one change with the unclean restarts (handleUncleanRestarts), so that
    // a broker back from an unclean shutdown is never elected on the way.
    if (this.host.eligibleLeaderReplicas) return done();
    const live = new Set(this.context.liveBrokers);
    const affected = allPartitions(this.context).filter((p) => p.replicas.some((r) => !live.has(r)));
    this.forEachWrite(affected, (p, next) => this.removeDeadFromIsr(partitionKey(p.topic, p.partition), p.replicas.filter((r) => !live.has(r)), next), done);
  }

  /** Brokers hosting a replica but not registered (at a failover). */
  private deadReplicaBrokers(): number[] {
    const live = new Set(this.context.liveBrokers);
    const dead = new Set<number>();
    for (const p of allPartitions(this.context)) for (const r of p.replicas) if (!live.has(r)) dead.add(r);
    return [...dead].sort((a, b) => a - b);
  }

  private removeDeadFromIsr(key: string, dead: number[], done: () => void): void {
    if (this.host.eligibleLeaderReplicas) return this.changePartition(key, dead, [], done);
    const state = this.context.states[key];
    if (!state) return done();
    let { leader, isr } = { leader: state.leader, isr: state.isr };
    for (const d of dead) if (isr.includes(d) || leader === d) ({ leader, isr } = removeFromIsr(leader, isr, d));
    if (leader === state.leader && sameMembers(isr, state.isr)) return done();
    const next = { ...state, leader, isr, leaderEpoch: state.leaderEpoch + 1, controllerEpoch: this.epoch };
    // On a version conflict, remove them again from the state as it now is (Kafka retries the same way).
    this.writeState(next, false, done, () => this.removeDeadFromIsr(key, dead, done));
  }

  // ---- topics and partitions -------------------------------------------------------------

  private onTopicChange(done: () => void): void {
    this.host.zk.getChildren(ZK.brokerTopics, () => this.enqueue((d) => this.onTopicChange(d)), (topics) => {
      const fresh = [...topics].filter((t) => !(t in this.context.assignments)).sort();
      if (fresh.length === 0) return done();
      this.loadTopics(fresh, () => this.onNewPartitions(fresh, done));
    });
  }

  private onPartitionModification(topic: string, done: () => void): void {
    const before = this.context.assignments[topic]?.length ?? 0;
    this.loadTopic(topic, () => {
      if ((this.context.assignments[topic]?.length ?? 0) > before) this.onNewPartitions([topic], done);
      else done();
    });
  }

  private onNewPartitions(topics: string[], done: () => void): void {
    const created = allPartitions(this.context).filter(
      (p) => topics.includes(p.topic) && !this.context.states[partitionKey(p.topic, p.partition)],
    );
    forEachAsync(created, (p, next) => this.createPartition(p.topic, p.partition, p.replicas, next), () => {
      const keys = created.map((p) => partitionKey(p.topic, p.partition));
      this.sendLeaderAndIsr(this.context.liveBrokers, keys);
      this.sendUpdateMetadata(this.context.liveBrokers);
      done();
    });
  }

  private createPartition(topic: string, partition: number, replicas: readonly number[], done: () => void): void {
    const first = initialLeadership(replicas, this.context.liveBrokers);
    if (!first) return done();
    const state: PartitionState = {
      topic,
      partition,
      controllerEpoch: this.epoch,
      leader: first.leader,
      leaderEpoch: 0,
      isr: first.isr,
      zkVersion: 0,
      replicas,
      ...(this.host.eligibleLeaderReplicas ? { elr: [], lastKnownElr: [] } : {}),
    };
    const zk = this.host.zk;
    zk.create(ZK.partitions(topic), "", {}, () =>
      zk.create(ZK.partition(topic, partition), "", {}, () => {
        const ops: Op[] = [
          { op: "check", path: ZK.controllerEpoch, version: this.epochZkVersion },
          { op: "create", path: ZK.partitionState(topic, partition), data: encode(stateZnode(state)), ephemeral: false, sequential: false },
        ];
        zk.multi(ops, (results) => {
          if (results.every((r) => r.ok)) {
            this.context = withState(this.context, state);
            this.host.onLeadershipChange?.(state, false);
          } else if (controllerMoved(results)) {
            this.fenced();
          }
          done();
        });
      }),
    );
  }

  // ---- elections ---------------------------------------------------------------------

  /**
   * Elects a leader for each of these partitions whose leader is not a live broker; `done`
   * gets the partitions that have a new leader.
   */
  private electWhereNeeded(keys: string[], done: (elected: string[]) => void): void {
    const live = new Set(this.context.liveBrokers);
    const offline = keys.filter((k) => {
      const s = this.context.states[k];
      return s !== undefined && !live.has(s.leader);
    });
    this.forEachWrite(offline, (key, next) => this.elect(key, next), () =>
      done(offline.filter((k) => live.has(this.context.states[k]!.leader))),
    );
  }

  private elect(key: string, done: () => void): void {
    if (this.host.eligibleLeaderReplicas) return this.changePartition(key, [], [], done);
    const state = this.context.states[key]!;
    const result = electOfflinePartitionLeader({
      replicas: state.replicas,
      isr: state.isr,
      liveBrokers: this.context.liveBrokers,
      uncleanLeaderElectionEnabled: this.host.uncleanLeaderElectionEnabled(state.topic),
    });
    if (!result) {
      this.host.ctx.record("controller.offline", { partition: key, isr: [...state.isr] });
      return done();
    }
    const next: PartitionState = { ...state, leader: result.leader, isr: result.isr, leaderEpoch: state.leaderEpoch + 1, controllerEpoch: this.epoch };
    this.writeState(next, result.unclean, done, () => {
      // Decide again on the fresh state: a leader may have changed the ISR, or be back.
      if (!new Set(this.context.liveBrokers).has(this.context.states[key]!.leader)) this.elect(key, done);
      else done();
    });
  }

  /**
   * Writes a partition state conditionally on its znode version and on the controller
   * epoch. A version conflict means a leader changed the ISR meanwhile: the state is read
   * again and `redo` decides again on it.
   */
  private writeState(state: PartitionState, unclean: boolean, done: () => void, redo: () => void): void {
    const ops: Op[] = [
      { op: "check", path: ZK.controllerEpoch, version: this.epochZkVersion },
      { op: "setData", path: ZK.partitionState(state.topic, state.partition), data: encode(stateZnode(state)), version: state.zkVersion },
    ];
    this.host.zk.multi(ops, (results) => {
      if (controllerMoved(results)) {
        this.fenced();
        return done();
      }
      const write = results[1]!;
      if (write.ok) {
        const written = { ...state, zkVersion: write.version };
        this.context = withState(this.context, written);
        const elr = state.elr === undefined ? {} : { elr: [...state.elr], lastKnownElr: [...(state.lastKnownElr ?? [])] };
        this.host.ctx.record("controller.leadership", { partition: partitionKey(state.topic, state.partition), leader: state.leader, leaderEpoch: state.leaderEpoch, isr: [...state.isr], unclean, ...elr });
        this.host.onLeadershipChange?.(written, unclean);
        return done();
      }
      // BADVERSION: re-read and decide again on the fresh state.
      this.loadState(state.topic, state.partition, redo);
    });
  }

  // ---- KIP-966 (4.x profile) ----------------------------------------------------------------

  /**
   * One partition change under KIP-966's rules: `leaving` brokers leave the ISR (they died),
   * `unclean` ones leave it and the ELR (they restarted after an unclean shutdown), and a
   * leader is elected if the current one may not stay. Every write bumps the leader epoch,
   * as ZooKeeper-mode controllers do, so brokers act on it.
   */
  private changePartition(key: string, leaving: readonly number[], unclean: readonly number[], done: () => void): void {
    const state = this.context.states[key];
    if (!state) return done();
    const live = new Set(this.context.liveBrokers);
    const current = { replicas: state.replicas, leader: state.leader, isr: state.isr, elr: state.elr ?? [], lastKnownElr: state.lastKnownElr ?? [] };
    const result = buildPartitionChange(current, {
      targetIsr: state.isr.filter((r) => !leaving.includes(r) && !unclean.includes(r)),
      minInsyncReplicas: this.host.minInsyncReplicas?.(state.topic) ?? 1,
      acceptableLeader: (b) => live.has(b) && !leaving.includes(b) && !unclean.includes(b),
      uncleanShutdown: unclean,
      uncleanLeaderElectionEnabled: this.host.uncleanLeaderElectionEnabled(state.topic),
    });
    if (result.leader === NO_LEADER) this.host.ctx.record("controller.offline", { partition: key, isr: [...result.isr], elr: [...result.elr] });
    if (isNoOp(current, result)) return done();
    const next: PartitionState = {
      ...state,
      leader: result.leader,
      isr: result.isr,
      elr: result.elr,
      lastKnownElr: result.lastKnownElr,
      leaderEpoch: state.leaderEpoch + 1,
      controllerEpoch: this.epoch,
    };
    this.writeState(next, result.unclean, done, () => this.changePartition(key, leaving, unclean, done));
  }

  /**
   * KIP-966: each of `brokers` whose registration comes from a new process (after an unclean
   * shutdown) leaves every ISR and ELR it is in, with elections where it led, in the same
   * change as the `dead` brokers (a failover's unregistered ones) leave the ISRs; then the
   * registrations are stored as acted on. Nothing to do without KIP-966.
   */
  private handleUncleanRestarts(brokers: readonly number[], dead: readonly number[], done: () => void): void {
    if (!this.host.eligibleLeaderReplicas) return done();
    readRegistrations(this.host.zk, brokers, ({ unclean, seen }) => {
      if (unclean.length > 0) this.host.ctx.record("controller.unclean-restart", { brokers: unclean });
      const affected = allPartitions(this.context)
        .map((p) => partitionKey(p.topic, p.partition))
        .filter((k) => {
          const s = this.context.states[k];
          if (s === undefined) return false;
          const involved = (b: number) => s.isr.includes(b) || s.leader === b;
          return dead.some(involved) || unclean.some((b) => involved(b) || (s.elr ?? []).includes(b));
        });
      this.forEachWrite(affected, (key, next) => this.changePartition(key, dead, unclean, next), () => {
        if (affected.length > 0) this.sendLeaderAndIsr(this.context.liveBrokers, affected);
        if (!this.active) return done();
        storeRegistrations(this.host.zk, seen, { path: ZK.controllerEpoch, version: this.epochZkVersion }, done);
      });
    });
  }

  // ---- ISR changes made by leaders ---------------------------------------------------------

  private onIsrChange(done: () => void): void {
    const zk = this.host.zk;
    zk.getChildren(ZK.isrChangeNotification, () => this.enqueue((d) => this.onIsrChange(d)), (children) => {
      const names = [...children].sort();
      if (names.length === 0) return done();
      const changed = new Set<string>();
      forEachAsync(
        names,
        (name, next) =>
          zk.getData(`${ZK.isrChangeNotification}/${name}`, null, (node) => {
            if (node) for (const p of decode<{ topic: string; partition: number }[]>(node.data)) changed.add(partitionKey(p.topic, p.partition));
            zk.delete(`${ZK.isrChangeNotification}/${name}`, -1, () => next());
          }),
        () => {
          const keys = [...changed].sort().filter((k) => this.context.states[k]);
          forEachAsync(keys, (k, next) => this.loadState(this.context.states[k]!.topic, this.context.states[k]!.partition, next), () => {
            this.sendUpdateMetadata(this.context.liveBrokers);
            done();
          });
        },
      );
    });
  }

  // ---- requests to brokers ---------------------------------------------------------------

  private sendLeaderAndIsr(brokers: readonly number[], keys: readonly string[]): void {
    for (const broker of brokers) {
      const states = keys
        .map((k) => this.context.states[k])
        .filter((s): s is PartitionState => s !== undefined && s.replicas.includes(broker));
      if (states.length === 0) continue;
      this.host.sendToBroker(broker, {
        type: "kafka.leader-and-isr",
        correlationId: ++this.requestId,
        controllerId: this.host.brokerId,
        controllerEpoch: this.epoch,
        partitionStates: states,
      });
    }
  }

  private sendUpdateMetadata(brokers: readonly number[]): void {
    const states = allPartitions(this.context)
      .map((p) => this.context.states[partitionKey(p.topic, p.partition)])
      .filter((s): s is PartitionState => s !== undefined);
    for (const broker of brokers) {
      this.host.sendToBroker(broker, {
        type: "kafka.update-metadata",
        correlationId: ++this.requestId,
        controllerId: this.host.brokerId,
        controllerEpoch: this.epoch,
        partitionStates: states,
        liveBrokers: this.context.liveBrokers,
      });
    }
  }

  /** Our epoch is not the store's any more: another controller took over. */
  private fenced(): void {
    this.host.ctx.record("controller.fenced", { epoch: this.epoch });
    this.resign();
  }

  /**
   * Runs one partition-state write per item: all at once (pipelined, Kafka 1.1 onwards:
   * each partition's retry on a version conflict stays its own) or one after the other.
   */
  private forEachWrite<T>(items: readonly T[], write: (item: T, next: () => void) => void, done: () => void): void {
    if (this.host.pipelinedStateWrites) forEachConcurrently(items, write, done);
    else forEachAsync(items, write, done);
  }
}

/** Starts `step` for every item at once; `done` once every one has finished. */
function forEachConcurrently<T>(items: readonly T[], step: (item: T, finished: () => void) => void, done: () => void): void {
  let pending = items.length;
  if (pending === 0) return done();
  for (const item of items) {
    let finished = false;
    step(item, () => {
      if (finished) return;
      finished = true;
      if (--pending === 0) done();
    });
  }
}

function forEachAsync<T>(items: readonly T[], step: (item: T, next: () => void) => void, done: () => void): void {
  let i = 0;
  const next = (): void => {
    if (i >= items.length) return done();
    step(items[i++]!, next);
  };
  next();
}

/**
 * True when the controller-epoch check of a multi failed: another controller took over
 * (Kafka's ControllerMovedException). A multi that failed on a later op reports the check
 * as RUNTIMEINCONSISTENCY (rolled back, not failed): that is a partition state conflict.
 */
function controllerMoved(results: readonly OpResult[]): boolean {
  const check = results[0]!;
  return !check.ok && check.error !== "RUNTIMEINCONSISTENCY";
}

function sameMembers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x) => b.includes(x));
}

export { NO_LEADER };
