/**
 * A fake group coordinator for the client tests, living beside the fake cluster's brokers
 * (fakeBroker.ts): the classic protocol's basic semantics, with none of the storage.
 *
 * - FindCoordinator, to any broker, names `coordinatorId` (or answers
 *   COORDINATOR_NOT_AVAILABLE while `available` is false); group requests to another
 *   broker get NOT_COORDINATOR.
 * - JoinGroup: a member without an id gets one (`<node>-<n>`); a join or a leave starts a
 *   rebalance (PreparingRebalance), which completes when every member rejoined, or when the
 *   longest rebalance timeout passed (members that did not rejoin are removed). The new
 *   generation's leader is the old one if it rejoined, else the first member to join; only
 *   the leader gets the member list.
 * - SyncGroup waits for the leader's assignment, then the group is Stable.
 * - Heartbeat: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, REBALANCE_IN_PROGRESS while preparing
 *   a rebalance, else NONE; each keeps the member's session (session.timeout.ms) alive.
 * - OffsetCommit checks member and generation (REBALANCE_IN_PROGRESS between join and sync)
 *   and stores; OffsetFetch answers what was stored, or -1.
 * State survives `moveTo` (as a new coordinator would load it from __consumer_offsets);
 * joins and syncs waiting at the old coordinator get NOT_COORDINATOR.
 */
import type { EventHandle, Message, Micros } from "../../sim/index.ts";
import type { KafkaError } from "../../src/protocol/errors.ts";
import {
  NO_GENERATION,
  UNKNOWN_MEMBER_ID,
  type CommittedOffset,
  type GroupRequest,
  type GroupResponse,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type Subscription,
  type SyncGroupResponse,
} from "../../src/protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../src/protocol/records.ts";
import { brokerNode } from "../../src/protocol/requests.ts";
import type { FakeCluster } from "./fakeBroker.ts";

type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable";

export interface FakeMember {
  readonly memberId: string;
  readonly node: string;
  protocols: JoinGroupRequest["protocols"];
  sessionTimeoutMicros: Micros;
  rebalanceTimeoutMicros: Micros;
  assignment: readonly TopicPartition[];
  awaitingJoin: ((r: Omit<JoinGroupResponse, "type" | "correlationId">) => void) | null;
  awaitingSync: ((r: Omit<SyncGroupResponse, "type" | "correlationId">) => void) | null;
  sessionTimer: EventHandle;
}

export class FakeGroup {
  state: GroupState = "Empty";
  generationId = 0;
  protocolName = "";
  leaderId: string | null = null;
  readonly members = new Map<string, FakeMember>();
  readonly offsets = new Map<string, number>();
  /** The committed leader epochs (KIP-320), where a commit gave one. */
  readonly leaderEpochs = new Map<string, number>();
  joinTimer: EventHandle = -1;
  /** Every generation made, with its members' assignments, for assertions. */
  readonly history: { generationId: number; assignment: Map<string, readonly TopicPartition[]> }[] = [];

  constructor(readonly groupId: string) {}

  committed(topic: string, partition: number): number {
    return this.offsets.get(`${topic}-${partition}`) ?? -1;
  }
}

export class FakeGroupCoordinator {
  coordinatorId = 1;
  /** While false, FindCoordinator answers COORDINATOR_NOT_AVAILABLE (no leader for __consumer_offsets). */
  available = true;
  readonly groups = new Map<string, FakeGroup>();
  /** Commits stored, in order, with the generation they came with. */
  readonly commits: { atMicros: Micros; generationId: number; memberId: string; offsets: readonly CommittedOffset[] }[] = [];
  /** Commits refused, with the error. */
  readonly rejectedCommits: { atMicros: Micros; generationId: number; memberId: string; error: KafkaError }[] = [];
  private memberSuffix = 0;

  constructor(private readonly cluster: FakeCluster) {}

  group(groupId: string): FakeGroup {
    let g = this.groups.get(groupId);
    if (!g) this.groups.set(groupId, (g = new FakeGroup(groupId)));
    return g;
  }

  /** Moves the coordinator to another broker; waiting joins and syncs get NOT_COORDINATOR. */
  moveTo(brokerId: number): void {
    this.coordinatorId = brokerId;
    for (const g of this.groups.values()) {
      for (const m of g.members.values()) {
        this.answerJoin(m, joinError("NOT_COORDINATOR", m.memberId));
        this.answerSync(m, { error: "NOT_COORDINATOR", partitions: [] });
      }
    }
  }

  /**
   * Answers `request` arriving at `broker` from `from` (now, or later for a join or sync
   * that waits); with `answer` false it acts on the request but the answer is lost.
   */
  handle(broker: number, from: string, request: GroupRequest, answer = true): void {
    const reply = (body: Record<string, unknown>) => {
      if (answer) this.send(broker, from, { type: `${request.type}.response`, correlationId: request.correlationId, ...body });
    };
    if (request.type === "kafka.find-coordinator") {
      return reply(this.available ? { error: "NONE", nodeId: this.coordinatorId } : { error: "COORDINATOR_NOT_AVAILABLE", nodeId: -1 });
    }
    if (broker !== this.coordinatorId || !this.available) return reply(errorBody(request, "NOT_COORDINATOR"));
    switch (request.type) {
      case "kafka.join-group":
        return this.join(from, request, (r) => reply(r));
      case "kafka.sync-group":
        return this.sync(request, (r) => reply(r));
      case "kafka.heartbeat":
        return reply({ error: this.heartbeat(request) });
      case "kafka.leave-group":
        return reply({ error: this.leave(request.groupId, request.memberId) });
      case "kafka.offset-commit":
        return reply(this.commit(request));
      case "kafka.offset-fetch": {
        const g = this.groups.get(request.groupId);
        const partitions = request.partitions.map((tp) => ({ ...tp, offset: g?.offsets.get(tpKey(tp)) ?? -1, leaderEpoch: g?.leaderEpochs.get(tpKey(tp)) ?? -1, error: "NONE" }));
        return reply({ error: "NONE", partitions });
      }
    }
  }

  /** The error answer a rule asks for. */
  errorAnswer(request: GroupRequest, error: KafkaError): Message {
    return { type: `${request.type}.response`, correlationId: request.correlationId, ...errorBody(request, error) } as Message;
  }

  // ---- join and sync ------------------------------------------------------------------------

  private join(from: string, req: JoinGroupRequest, reply: NonNullable<FakeMember["awaitingJoin"]>): void {
    const g = this.group(req.groupId);
    if (g.protocolName !== "" && g.members.size > 0 && !req.protocols.some((p) => p.name === g.protocolName)) {
      return reply(joinError("INCONSISTENT_GROUP_PROTOCOL", req.memberId));
    }
    let member: FakeMember | undefined;
    if (req.memberId === UNKNOWN_MEMBER_ID) {
      member = {
        memberId: `${from}-${++this.memberSuffix}`,
        node: from,
        protocols: req.protocols,
        sessionTimeoutMicros: req.sessionTimeoutMicros,
        rebalanceTimeoutMicros: req.rebalanceTimeoutMicros,
        assignment: [],
        awaitingJoin: null,
        awaitingSync: null,
        sessionTimer: -1,
      };
      g.members.set(member.memberId, member);
    } else {
      member = g.members.get(req.memberId);
      if (!member) return reply(joinError("UNKNOWN_MEMBER_ID", req.memberId));
      member.protocols = req.protocols;
    }
    this.answerJoin(member, joinError("REBALANCE_IN_PROGRESS", member.memberId)); // a join replaced by a newer one
    member.awaitingJoin = reply;
    this.keepAlive(g, member, Math.max(member.sessionTimeoutMicros, member.rebalanceTimeoutMicros));
    if (g.state !== "PreparingRebalance") this.prepareRebalance(g);
    else this.maybeCompleteJoin(g);
  }

  private prepareRebalance(g: FakeGroup): void {
    for (const m of g.members.values()) this.answerSync(m, { error: "REBALANCE_IN_PROGRESS", partitions: [] });
    g.state = "PreparingRebalance";
    this.cluster.sim.cancel(g.joinTimer);
    const timeout = Math.max(0, ...[...g.members.values()].map((m) => m.rebalanceTimeoutMicros));
    g.joinTimer = this.cluster.sim.schedule(timeout, this.cluster.sim.label("fake.group-join-timeout"), () => this.completeJoin(g));
    this.maybeCompleteJoin(g);
  }

  private maybeCompleteJoin(g: FakeGroup): void {
    if (g.state !== "PreparingRebalance") return;
    if ([...g.members.values()].every((m) => m.awaitingJoin !== null)) this.completeJoin(g);
  }

  private completeJoin(g: FakeGroup): void {
    if (g.state !== "PreparingRebalance") return;
    this.cluster.sim.cancel(g.joinTimer);
    for (const m of [...g.members.values()]) if (m.awaitingJoin === null) this.remove(g, m);
    g.generationId++;
    if (g.members.size === 0) {
      g.state = "Empty";
      g.leaderId = null;
      return;
    }
    g.protocolName = [...g.members.values()][0]!.protocols[0]!.name;
    if (g.leaderId === null || !g.members.has(g.leaderId)) g.leaderId = [...g.members.keys()][0]!;
    g.state = "CompletingRebalance";
    const everyone = [...g.members.values()].map((m) => ({ memberId: m.memberId, subscription: subscriptionOf(m, g.protocolName) }));
    for (const m of g.members.values()) {
      this.answerJoin(m, {
        error: "NONE",
        generationId: g.generationId,
        protocolName: g.protocolName,
        leader: g.leaderId,
        memberId: m.memberId,
        members: m.memberId === g.leaderId ? everyone : [],
      });
      this.keepAlive(g, m);
    }
  }

  private sync(req: Extract<GroupRequest, { type: "kafka.sync-group" }>, reply: NonNullable<FakeMember["awaitingSync"]>): void {
    const g = this.groups.get(req.groupId);
    const m = g?.members.get(req.memberId);
    if (!g || !m) return reply({ error: "UNKNOWN_MEMBER_ID", partitions: [] });
    if (req.generationId !== g.generationId) return reply({ error: "ILLEGAL_GENERATION", partitions: [] });
    if (g.state === "PreparingRebalance" || g.state === "Empty") return reply({ error: "REBALANCE_IN_PROGRESS", partitions: [] });
    if (g.state === "Stable") return reply({ error: "NONE", partitions: m.assignment });
    m.awaitingSync = reply;
    this.keepAlive(g, m);
    if (req.memberId !== g.leaderId) return;
    const byMember = new Map(req.assignments.map((a) => [a.memberId, a.partitions]));
    for (const member of g.members.values()) member.assignment = byMember.get(member.memberId) ?? [];
    g.history.push({ generationId: g.generationId, assignment: new Map([...g.members.values()].map((x) => [x.memberId, x.assignment])) });
    g.state = "Stable";
    for (const member of g.members.values()) this.answerSync(member, { error: "NONE", partitions: member.assignment });
  }

  // ---- heartbeats, sessions, leaving ----------------------------------------------------------

  private heartbeat(req: Extract<GroupRequest, { type: "kafka.heartbeat" }>): KafkaError {
    const g = this.groups.get(req.groupId);
    const m = g?.members.get(req.memberId);
    if (!g || !m) return "UNKNOWN_MEMBER_ID";
    if (req.generationId !== g.generationId) return "ILLEGAL_GENERATION";
    this.keepAlive(g, m);
    return g.state === "PreparingRebalance" ? "REBALANCE_IN_PROGRESS" : "NONE";
  }

  private keepAlive(g: FakeGroup, m: FakeMember, timeoutMicros = m.sessionTimeoutMicros): void {
    this.cluster.sim.cancel(m.sessionTimer);
    m.sessionTimer = this.cluster.sim.schedule(timeoutMicros, this.cluster.sim.label("fake.group-session"), () => {
      if (g.members.get(m.memberId) !== m || m.awaitingJoin !== null) return;
      this.remove(g, m);
      this.memberGone(g);
    });
  }

  private leave(groupId: string, memberId: string): KafkaError {
    const g = this.groups.get(groupId);
    const m = g?.members.get(memberId);
    if (!g || !m) return "UNKNOWN_MEMBER_ID";
    this.remove(g, m);
    this.memberGone(g);
    return "NONE";
  }

  private remove(g: FakeGroup, m: FakeMember): void {
    this.cluster.sim.cancel(m.sessionTimer);
    g.members.delete(m.memberId);
    this.answerJoin(m, joinError("UNKNOWN_MEMBER_ID", m.memberId));
    this.answerSync(m, { error: "UNKNOWN_MEMBER_ID", partitions: [] });
  }

  private memberGone(g: FakeGroup): void {
    if (g.state === "Stable" || g.state === "CompletingRebalance") this.prepareRebalance(g);
    else this.maybeCompleteJoin(g);
  }

  // ---- offsets --------------------------------------------------------------------------------

  private commit(req: Extract<GroupRequest, { type: "kafka.offset-commit" }>): Record<string, unknown> {
    const answer = (error: KafkaError) => {
      if (error === "NONE") {
        for (const o of req.offsets) {
          g.offsets.set(tpKey(o), o.offset);
          g.leaderEpochs.set(tpKey(o), o.leaderEpoch ?? -1);
        }
        this.commits.push({ atMicros: this.cluster.sim.now, generationId: req.generationId, memberId: req.memberId, offsets: req.offsets });
      } else {
        this.rejectedCommits.push({ atMicros: this.cluster.sim.now, generationId: req.generationId, memberId: req.memberId, error });
      }
      return { partitions: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })) };
    };
    const g = this.group(req.groupId);
    if (req.generationId === NO_GENERATION && req.memberId === UNKNOWN_MEMBER_ID) {
      return answer(g.members.size === 0 ? "NONE" : "UNKNOWN_MEMBER_ID");
    }
    const m = g.members.get(req.memberId);
    if (!m) return answer("UNKNOWN_MEMBER_ID");
    if (req.generationId !== g.generationId) return answer("ILLEGAL_GENERATION");
    if (g.state === "CompletingRebalance") return answer("REBALANCE_IN_PROGRESS");
    this.keepAlive(g, m);
    return answer("NONE");
  }

  // ---- plumbing -------------------------------------------------------------------------------

  private answerJoin(m: FakeMember, r: Omit<JoinGroupResponse, "type" | "correlationId">): void {
    const answer = m.awaitingJoin;
    m.awaitingJoin = null;
    answer?.(r);
  }

  private answerSync(m: FakeMember, r: Omit<SyncGroupResponse, "type" | "correlationId">): void {
    const answer = m.awaitingSync;
    m.awaitingSync = null;
    answer?.(r);
  }

  private send(broker: number, to: string, message: Record<string, unknown>): void {
    const node = this.cluster.sim.node(brokerNode(broker));
    if (!node.isUp) return; // a crashed coordinator answers nothing
    node.context.send(to, message as unknown as GroupResponse, 64);
  }
}

export function isGroupRequest(m: Message): m is GroupRequest {
  return (
    m.type === "kafka.find-coordinator" ||
    m.type === "kafka.join-group" ||
    m.type === "kafka.sync-group" ||
    m.type === "kafka.heartbeat" ||
    m.type === "kafka.leave-group" ||
    m.type === "kafka.offset-commit" ||
    m.type === "kafka.offset-fetch"
  );
}

/** Matches requests of one type, for the fake cluster's rules. */
export const requestOf = (type: string) => (m: Message): boolean => m.type === type;

function joinError(error: KafkaError, memberId: string): Omit<JoinGroupResponse, "type" | "correlationId"> {
  return { error, generationId: NO_GENERATION, protocolName: "", leader: "", memberId, members: [] };
}

function subscriptionOf(m: FakeMember, protocol: string): Subscription {
  return (m.protocols.find((p) => p.name === protocol) ?? m.protocols[0]!).subscription;
}

function errorBody(request: GroupRequest, error: KafkaError): Record<string, unknown> {
  switch (request.type) {
    case "kafka.find-coordinator":
      return { error, nodeId: -1 };
    case "kafka.join-group":
      return joinError(error, request.memberId);
    case "kafka.sync-group":
      return { error, partitions: [] };
    case "kafka.heartbeat":
    case "kafka.leave-group":
      return { error };
    case "kafka.offset-commit":
      return { partitions: request.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })) };
    case "kafka.offset-fetch":
      return { error, partitions: request.partitions.map((tp) => ({ ...tp, offset: -1, error })) };
  }
}
