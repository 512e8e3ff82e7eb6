import type { Message, NodeContext, Process } from "../../sim/index.ts";
import { CoordClient, type ClientState } from "../coord/client/CoordClient.ts";
import type { MemberToClient } from "../coord/messages.ts";
import {
  brokerIdOf,
  brokerNode,
  isKafkaRequest,
  isKafkaResponse,
  type KafkaRequest,
  type KafkaResponse,
  type LeaderAndIsrRequest,
  type UpdateMetadataRequest,
} from "../protocol/requests.ts";
import { topicOptions, type BrokerOptions } from "./BrokerOptions.ts";
import { Controller } from "./controller/Controller.ts";
import { GroupCoordinator } from "./group/GroupCoordinator.ts";
import { assignReplicasToBrokers } from "./admin/assignReplicas.ts";
import { CONSUMER_OFFSETS_TOPIC, offsetsPartitionFor, type FindCoordinatorRequest, type GroupRequest, type GroupResponse } from "../protocol/groups.ts";
import { NO_PRODUCER_ID, NO_SEQUENCE, RecordSet } from "../protocol/records.ts";
import { openPartitionLog } from "./log/openPartitionLog.ts";
import { MetadataCache } from "./MetadataCache.ts";
import { ReplicaFetcherManager } from "./ReplicaFetcherManager.ts";
import { ReplicaManager, type BrokerObserver } from "./ReplicaManager.ts";
import { chargesRequests, fetchedRecords, isDataRequest, RequestChannel } from "./RequestChannel.ts";
import { decode, encode, ZK, ZK_ROOTS, type ControllerZnode } from "./zk/paths.ts";
import { ZkCalls } from "./zk/ZkCalls.ts";

const REGISTRATION_RETRY_MICROS = 1_000_000;
/** Producer ids: broker id and incarnation in the high digits keep them unique cluster-wide. */
const PRODUCER_IDS_PER_INCARNATION = 1_000_000;

/**
 * A Kafka broker in ZooKeeper mode (KafkaServer): it registers itself with an ephemeral
 * node tied to its coordination session, competes for the controller, and serves clients
 * and other brokers through its ReplicaManager. When its session expires it loses its
 * registration (and the controller role) and starts a new session, as Kafka does.
 */
export class Broker implements Process {
  readonly replicas: ReplicaManager;
  readonly groups: GroupCoordinator;
  private creatingOffsetsTopic = false;
  readonly metadata = new MetadataCache();
  private readonly fetchers: ReplicaFetcherManager;
  private zkClient: CoordClient;
  private readonly zk: ZkCalls;
  private controller: Controller | null = null;
  private activeControllerId = -1;
  private sessionGeneration = 0;
  private nextProducerId = 0;
  /** Produce requests, one per connection at a time, with their CPU time (RequestChannel); null when requests cost nothing (the default). */
  private readonly requests: RequestChannel | null;

  constructor(
    readonly ctx: NodeContext,
    readonly options: BrokerOptions,
    readonly observer: BrokerObserver = {},
  ) {
    this.zkClient = this.newSession();
    const costs = options.requestCosts;
    this.requests = costs !== undefined && chargesRequests(costs) ? new RequestChannel(ctx, costs, (from, request) => this.handle(from, request)) : null;
    this.zk = new ZkCalls(ctx, () => this.zkClient, () => this.zkClient.state !== "expired");
    this.fetchers = new ReplicaFetcherManager({
      ctx,
      options,
      send: (to, request, size) => ctx.send(brokerNode(to), request, size),
      truncate: (p, offset) => this.replicas.truncate(p, offset),
      truncateFully: (p, offset) => {
        p.log.truncateFullyAndStartAt(offset);
        ctx.record("broker.truncate-fully", { partition: `${p.topic}-${p.partition}`, startAt: offset });
      },
      followerAdvanced: () => {},
    });
    this.replicas = new ReplicaManager({
      ctx,
      options,
      zk: this.zk,
      fetchers: this.fetchers,
      observer,
      // A broker has one log directory (log.dirs with one entry): when it fails, every log
      // directory has failed, and Kafka's ReplicaManager halts the broker (Exit.halt) rather
      // than serve without storage. It stays down until restarted.
      openLog: (topic, partition, o) => openPartitionLog(ctx, topic, partition, o, (reason) => ctx.halt(`all log directories have failed: ${reason}`)),
      respond: (to, response, size) => this.respond(to, response, size),
      leadershipChanged: (p, leader) => {
        if (p.topic !== CONSUMER_OFFSETS_TOPIC) return;
        if (leader) this.groups.onElection(p.partition);
        else this.groups.onResignation(p.partition);
      },
    });
    this.groups = new GroupCoordinator({
      ctx,
      options: {
        offsetsTopicPartitions: options.offsetsTopicPartitions,
        initialRebalanceDelayMicros: options.groupInitialRebalanceDelayMicros,
        minSessionTimeoutMicros: options.groupMinSessionTimeoutMicros,
        maxSessionTimeoutMicros: options.groupMaxSessionTimeoutMicros,
      },
      appendToOffsetsPartition: (partition, records, done) => {
        const size = records.reduce((n, r) => n + r.sizeBytes, 0);
        const batch = {
          records: RecordSet.of(records.map((r) => ({ key: r.key, valueId: 0, sizeBytes: r.sizeBytes, createdAtMicros: ctx.now, payload: r.payload }))),
          producerId: NO_PRODUCER_ID,
          producerEpoch: -1,
          baseSequence: NO_SEQUENCE,
          sizeBytes: size,
        };
        this.replicas.appendRecords([{ topic: CONSUMER_OFFSETS_TOPIC, partition, batch }], -1, options.offsetsCommitTimeoutMicros, (r) => done(r[0]!.error));
      },
      readOffsetsPartition: (partition) => this.replicas.readAll(CONSUMER_OFFSETS_TOPIC, partition),
      respond: (to, response, size) => this.respond(to, response, size),
    });
  }

  get brokerId(): number {
    return this.options.brokerId;
  }

  get isController(): boolean {
    return this.controller?.isActive ?? false;
  }

  get currentController(): Controller | null {
    return this.controller?.isActive ? this.controller : null;
  }

  get zkState(): ClientState {
    return this.zkClient.state;
  }

  start(): void {
    this.ctx.record("broker.start", { id: this.brokerId });
    this.zkClient.start();
  }

  receive(from: string, message: Message): void {
    if (this.zkClient.isMember(from)) {
      this.zkClient.receive(from, message as MemberToClient);
      return;
    }
    if (isKafkaRequest(message)) {
      if (this.requests !== null && isDataRequest(message)) this.requests.submit(from, message);
      else this.handle(from, message);
    } else if (isKafkaResponse(message)) this.onResponse(from, message);
  }

  connectionReset(peer: string): void {
    this.requests?.reset(peer);
    if (this.zkClient.isMember(peer)) {
      this.zkClient.connectionReset(peer);
      return;
    }
    const broker = brokerIdOf(peer);
    if (broker >= 0) this.fetchers.connectionReset(broker);
  }

  // ---- requests ------------------------------------------------------------------------

  private handle(from: string, request: KafkaRequest | GroupRequest): void {
    switch (request.type) {
      case "kafka.find-coordinator": return this.findCoordinator(from, request);
      case "kafka.join-group":
      case "kafka.sync-group":
      case "kafka.heartbeat":
      case "kafka.leave-group":
      case "kafka.offset-commit":
      case "kafka.offset-fetch":
        return this.groups.handle(from, request);
      case "kafka.produce": return this.replicas.handleProduce(from, request);
      case "kafka.fetch": return this.replicas.handleFetch(from, request);
      case "kafka.list-offsets": return this.replicas.handleListOffsets(from, request);
      case "kafka.offsets-for-leader-epoch": return this.replicas.handleOffsetsForLeaderEpoch(from, request);
      case "kafka.metadata": return this.respond(from, this.metadata.answer(request.correlationId, request.topics), 256);
      case "kafka.init-producer-id": return this.initProducerId(from, request.correlationId);
      case "kafka.leader-and-isr": return this.onLeaderAndIsr(from, request);
      case "kafka.update-metadata": return this.onUpdateMetadata(from, request);
    }
  }

  private onLeaderAndIsr(from: string, request: LeaderAndIsrRequest): void {
    const error = this.replicas.becomeLeaderOrFollower(request);
    this.respond(from, { type: "kafka.leader-and-isr.response", correlationId: request.correlationId, error }, 32);
  }

  private onUpdateMetadata(from: string, request: UpdateMetadataRequest): void {
    const ok = this.metadata.update(request);
    this.respond(from, { type: "kafka.update-metadata.response", correlationId: request.correlationId, error: ok ? "NONE" : "STALE_CONTROLLER_EPOCH" }, 32);
  }

  private initProducerId(from: string, correlationId: number): void {
    const producerId = (this.brokerId * 1000 + this.ctx.incarnation) * PRODUCER_IDS_PER_INCARNATION + this.nextProducerId++;
    this.respond(from, { type: "kafka.init-producer-id.response", correlationId, error: "NONE", producerId, producerEpoch: 0 }, 32);
  }

  private onResponse(from: string, response: KafkaResponse): void {
    const broker = brokerIdOf(from);
    if (broker < 0) return;
    // Only the replica fetchers wait for answers. The controller does not wait for those to its
    // requests, whose correlation ids count on their own and may equal a fetcher's in flight.
    if (response.type === "kafka.leader-and-isr.response" || response.type === "kafka.update-metadata.response") return;
    const costs = this.options.requestCosts;
    if (this.requests !== null && costs !== undefined && response.type === "kafka.fetch.response") {
      // The follower's fetcher appends what it fetched (the same per-record checks as a leader's append) before it fetches again.
      const appendMicros = costs.requestMicros + fetchedRecords(response) * costs.recordMicros;
      this.ctx.setTimer(Math.round(appendMicros), "broker.follower-append", () => this.fetchers.onResponse(broker, response.correlationId, response));
      return;
    }
    this.fetchers.onResponse(broker, response.correlationId, response);
  }

  /** Sends a response; one addressed to ourselves (the controller's own broker) is handled locally. */
  /**
   * FindCoordinator: the leader of the group's __consumer_offsets partition. The first
   * request for a group creates the topic (as Kafka does on demand); until it has a leader
   * the answer is COORDINATOR_NOT_AVAILABLE and the client asks again.
   */
  private findCoordinator(from: string, req: FindCoordinatorRequest): void {
    const partition = offsetsPartitionFor(req.groupId, this.options.offsetsTopicPartitions);
    const leader = this.metadata.liveLeaderOf(CONSUMER_OFFSETS_TOPIC, partition);
    if (leader < 0 && !this.metadata.hasTopic(CONSUMER_OFFSETS_TOPIC)) this.createOffsetsTopic();
    const error = leader < 0 ? "COORDINATOR_NOT_AVAILABLE" : "NONE";
    this.respond(from, { type: "kafka.find-coordinator.response", correlationId: req.correlationId, error, nodeId: leader }, 32);
  }

  private createOffsetsTopic(): void {
    if (this.creatingOffsetsTopic) return;
    this.creatingOffsetsTopic = true;
    const { offsetsTopicPartitions: partitions, offsetsTopicReplicationFactor: rf } = this.options;
    this.zk.getChildren(ZK.brokerIds, null, (ids) => {
      const brokers = ids.map(Number).sort((a, b) => a - b);
      if (brokers.length < rf) {
        // Kafka refuses until enough brokers are alive (offsets.topic.replication.factor).
        this.ctx.record("broker.offsets-topic-deferred", { live: brokers.length, replicationFactor: rf });
        this.creatingOffsetsTopic = false;
        return;
      }
      const replicas = assignReplicasToBrokers(brokers, partitions, rf, this.ctx.random);
      const assignment = { partitions: Object.fromEntries(replicas.map((r, p) => [String(p), r])) };
      // As Kafka's AdminZkClient validates a topic creation: a read of the topic's znode first
      // (another broker may have made it, this broker's metadata cache not knowing yet), and
      // no write at all when it is there.
      this.zk.exists(ZK.topic(CONSUMER_OFFSETS_TOPIC), null, (existing) => {
        if (existing !== null) {
          this.creatingOffsetsTopic = false;
          return;
        }
        this.ctx.record("broker.create-offsets-topic", { partitions, replicationFactor: rf });
        this.zk.create(ZK.topic(CONSUMER_OFFSETS_TOPIC), encode(assignment), {}, () => {
          this.creatingOffsetsTopic = false;
        });
      });
    });
  }

  private respond(to: string, response: KafkaResponse | GroupResponse, sizeBytes: number): void {
    if (to === this.ctx.name) return; // the controller does not wait for its own broker's answer
    this.ctx.send(to, response, sizeBytes);
    if (this.requests !== null && response.type === "kafka.produce.response") this.requests.answered(to);
  }

  // ---- the coordination session: registration and the controller -------------------------

  private newSession(): CoordClient {
    const generation = ++this.sessionGeneration;
    return new CoordClient(this.ctx, {
      members: this.options.ensembleMembers,
      sessionTimeoutMicros: this.options.zkSessionTimeoutMicros,
      onStateChange: (state) => {
        if (generation === this.sessionGeneration) this.onSessionState(state);
      },
    });
  }

  private registered = false;

  private onSessionState(state: ClientState): void {
    this.ctx.record("broker.zk-session", { state });
    if (state === "connected" && !this.registered) {
      this.registered = true;
      this.createRoots(() => this.register());
    } else if (state === "expired") {
      // Everything tied to the old session is gone: our registration and, if held, the controller.
      this.controller?.resign();
      this.controller = null;
      this.registered = false;
      this.zkClient = this.newSession();
      this.zkClient.start();
    }
  }

  private createRoots(done: () => void): void {
    const roots = [...ZK_ROOTS];
    const next = (): void => {
      const path = roots.shift();
      if (path === undefined) return done();
      this.zk.create(path, "", {}, () => next());
    };
    next();
  }

  private register(): void {
    // KIP-966 (4.x): the registration names the process that makes it; a new one follows an unclean shutdown.
    const data = encode(this.options.behaviour.eligibleLeaderReplicas ? { id: this.brokerId, node: this.ctx.name, incarnation: this.ctx.incarnation } : { id: this.brokerId, node: this.ctx.name });
    this.zk.createEphemeral(ZK.brokerId(this.brokerId), data, (r) => {
      if (r.ok) {
        this.ctx.record("broker.registered", { id: this.brokerId });
        this.electController();
      } else {
        // The previous session's node lingers until that session expires: try again.
        this.ctx.setTimer(REGISTRATION_RETRY_MICROS, "kafka.register-retry", () => this.register());
      }
    });
  }

  private electController(): void {
    this.zk.exists(ZK.controller, () => this.onControllerChange(), (node) => {
      if (node) {
        this.activeControllerId = decode<ControllerZnode>(node.data).brokerid;
        return;
      }
      const data = encode({ brokerid: this.brokerId } satisfies ControllerZnode);
      this.zk.createEphemeral(ZK.controller, data, (r) => {
        if (r.ok) this.becomeController();
        else this.zk.getData(ZK.controller, null, (n) => (this.activeControllerId = n ? decode<ControllerZnode>(n.data).brokerid : -1));
      });
    });
  }

  private onControllerChange(): void {
    if (this.controller && this.activeControllerId === this.brokerId) {
      this.controller.resign();
      this.controller = null;
    }
    this.electController();
  }

  private becomeController(): void {
    this.activeControllerId = this.brokerId;
    this.zk.getData(ZK.controllerEpoch, null, (node) => {
      const write = (epoch: number, done: (version: number | null) => void) => {
        if (!node) this.zk.create(ZK.controllerEpoch, String(epoch), {}, (r) => done(r.ok ? 0 : null));
        else this.zk.setData(ZK.controllerEpoch, String(epoch), node.version, (r) => done(r.ok ? r.version : null));
      };
      const epoch = node ? Number(node.data) + 1 : 1;
      write(epoch, (version) => {
        if (version === null) this.confirmEpochWrite(epoch, (confirmed) => this.startController(epoch, confirmed));
        else this.startController(epoch, version);
      });
    });
  }

  /**
   * A failed epoch write may be our own write retried after a lost connection: it is ours if
   * we still hold /controller and the epoch reads as the one we wrote, since any later
   * election writes a larger one (Kafka's checkControllerAndEpoch). Otherwise another
   * election raced us: we give /controller up, as Kafka's triggerControllerMove does, so that
   * its deletion starts a new election instead of leaving a controller znode nobody serves.
   */
  private confirmEpochWrite(epoch: number, confirmed: (version: number) => void): void {
    const session = this.zkClient.sessionId;
    this.zk.getData(ZK.controller, null, (holder) => {
      if (holder === null || holder.ephemeralOwner !== session) return this.ctx.record("controller.epoch-race", { epoch });
      this.zk.getData(ZK.controllerEpoch, null, (node) => {
        if (node !== null && Number(node.data) === epoch) return confirmed(node.version);
        this.ctx.record("controller.epoch-race", { epoch });
        this.activeControllerId = -1;
        this.zk.delete(ZK.controller, holder.version, () => {});
      });
    });
  }

  private startController(epoch: number, version: number): void {
    this.controller = new Controller(
      {
        ctx: this.ctx,
        zk: this.zk,
        brokerId: this.brokerId,
        sendToBroker: (broker, request) => this.sendControllerRequest(broker, request),
        uncleanLeaderElectionEnabled: (topic) => topicOptions(this.options, topic).uncleanLeaderElectionEnable,
        brokerEpochs: this.options.behaviour.brokerEpochs,
        pipelinedStateWrites: this.options.behaviour.pipelinedStateWrites,
        eligibleLeaderReplicas: this.options.behaviour.eligibleLeaderReplicas,
        minInsyncReplicas: (topic) => topicOptions(this.options, topic).minInsyncReplicas,
      },
      epoch,
      version,
    );
    this.controller.start();
  }

  private sendControllerRequest(broker: number, request: LeaderAndIsrRequest | UpdateMetadataRequest): void {
    if (broker === this.brokerId) {
      this.ctx.setTimer(0, "kafka.controller-local", () => this.handle(this.ctx.name, request));
      return;
    }
    this.ctx.send(brokerNode(broker), request, 128 + 64 * request.partitionStates.length);
  }
}
