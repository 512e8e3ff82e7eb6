import type { NodeContext } from "../../../sim/index.ts";
import type { KafkaError } from "../../protocol/errors.ts";
import {
  NO_GENERATION,
  UNKNOWN_MEMBER_ID,
  offsetsPartitionFor,
  type GroupRequest,
  type GroupResponse,
  type HeartbeatRequest,
  type JoinGroupRequest,
  type LeaveGroupRequest,
  type OffsetCommitRequest,
  type OffsetFetchRequest,
  type SyncGroupRequest,
} from "../../protocol/groups.ts";
import type { KafkaRecord } from "../../protocol/records.ts";
import { GroupMetadata, type JoinCallback, type MemberMetadata } from "./GroupMetadata.ts";
import { groupRecord, loadGroups, offsetRecord, type InternalRecord } from "./offsetsLog.ts";

export interface GroupCoordinatorOptions {
  /** offsets.topic.num.partitions */
  readonly offsetsTopicPartitions: number;
  /** group.initial.rebalance.delay.ms: an empty group waits this long for more members. */
  readonly initialRebalanceDelayMicros: number;
  /** group.min.session.timeout.ms / group.max.session.timeout.ms */
  readonly minSessionTimeoutMicros: number;
  readonly maxSessionTimeoutMicros: number;
}

export interface GroupCoordinatorHost {
  readonly ctx: NodeContext;
  readonly options: GroupCoordinatorOptions;
  /** Appends to an offsets partition this broker leads, with acks=all; `done` once committed or failed. */
  appendToOffsetsPartition(partition: number, records: readonly InternalRecord[], done: (error: KafkaError) => void): void;
  /** Every record of an offsets partition this broker leads, in offset order. */
  readOffsetsPartition(partition: number): readonly KafkaRecord[];
  respond(to: string, response: GroupResponse, sizeBytes: number): void;
}

type Reply<T extends GroupResponse> = Omit<T, "type" | "correlationId">;

/**
 * Kafka's classic GroupCoordinator (eager rebalancing) for the groups whose offsets
 * partition this broker leads. Members join; once every known member has rejoined (or the
 * rebalance timeout has passed) the generation advances and the leader member gets the
 * membership to assign; SyncGroup hands out its assignment; heartbeats keep sessions alive
 * and tell members of a rebalance. Offsets and the group's state are written to
 * __consumer_offsets with acks=all and answered once committed, so a new coordinator
 * reloads them when leadership of the partition moves.
 */
export class GroupCoordinator {
  private readonly owned = new Set<number>();
  private readonly groups = new Map<string, GroupMetadata>();
  private nextMemberSuffix = 0;

  constructor(private readonly host: GroupCoordinatorHost) {}

  get ownedPartitions(): number[] {
    return [...this.owned].sort((a, b) => a - b);
  }

  group(groupId: string): GroupMetadata | undefined {
    return this.groups.get(groupId);
  }

  partitionFor(groupId: string): number {
    return offsetsPartitionFor(groupId, this.host.options.offsetsTopicPartitions);
  }

  /** This broker now leads offsets partition `p`: load its groups and offsets (GroupMetadataManager). */
  onElection(partition: number): void {
    this.onResignation(partition);
    const loaded = loadGroups(this.host.readOffsetsPartition(partition));
    for (const group of loaded) {
      this.groups.set(group.groupId, group);
      for (const m of group.members.values()) this.scheduleHeartbeatExpiry(group, m);
    }
    this.owned.add(partition);
    this.host.ctx.record("group.coordinator-loaded", { partition, groups: loaded.map((g) => g.groupId) });
  }

  /** Leadership of `p` moved away: its groups are no longer ours; waiting members get NOT_COORDINATOR. */
  onResignation(partition: number): void {
    if (!this.owned.delete(partition)) return;
    for (const [id, group] of [...this.groups]) {
      if (this.partitionFor(id) !== partition) continue;
      for (const m of group.members.values()) {
        this.host.ctx.cancelTimer(m.heartbeatTimer);
        m.awaitingJoin?.(joinError("NOT_COORDINATOR", m.memberId));
        m.awaitingSync?.({ error: "NOT_COORDINATOR", partitions: [] });
      }
      this.host.ctx.cancelTimer(group.joinTimer);
      group.state = "Dead";
      this.groups.delete(id);
    }
  }

  handle(from: string, request: GroupRequest): void {
    switch (request.type) {
      case "kafka.join-group": return this.onJoin(from, request);
      case "kafka.sync-group": return this.onSync(from, request);
      case "kafka.heartbeat": return this.onHeartbeat(from, request);
      case "kafka.leave-group": return this.onLeave(from, request);
      case "kafka.offset-commit": return this.onCommit(from, request);
      case "kafka.offset-fetch": return this.onFetch(from, request);
      case "kafka.find-coordinator": return; // answered by the broker, which knows the metadata
    }
  }

  /** NOT_COORDINATOR unless this broker leads the group's offsets partition. */
  private coordinatorError(groupId: string): KafkaError {
    return this.owned.has(this.partitionFor(groupId)) ? "NONE" : "NOT_COORDINATOR";
  }

  // ---- JoinGroup ------------------------------------------------------------------------

  private onJoin(from: string, req: JoinGroupRequest): void {
    const reply = (r: Reply<import("../../protocol/groups.ts").JoinGroupResponse>) =>
      this.host.respond(from, { type: "kafka.join-group.response", correlationId: req.correlationId, ...r }, 64 + 64 * r.members.length);
    const error = this.coordinatorError(req.groupId);
    if (error !== "NONE") return reply(joinError(error, req.memberId));
    const o = this.host.options;
    if (req.sessionTimeoutMicros < o.minSessionTimeoutMicros || req.sessionTimeoutMicros > o.maxSessionTimeoutMicros) {
      return reply(joinError("INVALID_REQUEST", req.memberId));
    }
    let group = this.groups.get(req.groupId);
    if (!group) {
      group = new GroupMetadata(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (!group.supportsProtocols(req.protocols.map((p) => p.name))) return reply(joinError("INCONSISTENT_GROUP_PROTOCOL", req.memberId));
    if (req.memberId === UNKNOWN_MEMBER_ID) return this.addMember(group, from, req, reply);
    const member = group.members.get(req.memberId);
    if (!member) return reply(joinError("UNKNOWN_MEMBER_ID", req.memberId));
    member.protocols = req.protocols;
    member.sessionTimeoutMicros = req.sessionTimeoutMicros;
    member.rebalanceTimeoutMicros = req.rebalanceTimeoutMicros;
    member.awaitingJoin = reply;
    if (group.state === "PreparingRebalance") return this.maybeCompleteJoin(group);
    // A known member rejoining a stable or completing group starts a new rebalance.
    this.prepareRebalance(group, `member ${member.memberId} rejoined`);
  }

  private addMember(group: GroupMetadata, from: string, req: JoinGroupRequest, reply: JoinCallback): void {
    const memberId = `${from}-${++this.nextMemberSuffix}`;
    const member: MemberMetadata = {
      memberId,
      clientNode: from,
      sessionTimeoutMicros: req.sessionTimeoutMicros,
      rebalanceTimeoutMicros: req.rebalanceTimeoutMicros,
      protocols: req.protocols,
      assignment: [],
      awaitingJoin: reply,
      awaitingSync: null,
      heartbeatTimer: -1,
      heartbeatEpoch: 0,
    };
    group.members.set(memberId, member);
    // Until the rebalance completes, the member's session is the rebalance (Kafka's new-member timeout).
    this.scheduleHeartbeatExpiry(group, member, Math.max(req.sessionTimeoutMicros, req.rebalanceTimeoutMicros));
    if (group.state === "PreparingRebalance") return this.maybeCompleteJoin(group);
    this.prepareRebalance(group, `member ${memberId} joined`);
  }

  private prepareRebalance(group: GroupMetadata, reason: string): void {
    const ctx = this.host.ctx;
    // Members waiting on SyncGroup of an abandoned generation must rejoin.
    for (const m of group.members.values()) {
      if (m.awaitingSync) {
        m.awaitingSync({ error: "REBALANCE_IN_PROGRESS", partitions: [] });
        m.awaitingSync = null;
      }
    }
    const wasEmpty = group.state === "Empty";
    group.state = "PreparingRebalance";
    group.initialDelay = wasEmpty;
    group.rebalanceStartedMicros = ctx.now;
    ctx.record("group.rebalance", { group: group.groupId, generation: group.generationId, reason });
    ctx.cancelTimer(group.joinTimer);
    // An empty group waits group.initial.rebalance.delay.ms for more members (KIP-134).
    const delay = wasEmpty ? Math.min(this.host.options.initialRebalanceDelayMicros, group.maxRebalanceTimeoutMicros()) : group.maxRebalanceTimeoutMicros();
    group.joinTimer = ctx.setTimer(delay, "group.join-timeout", () => this.completeJoin(group));
    if (!wasEmpty) this.maybeCompleteJoin(group);
  }

  private maybeCompleteJoin(group: GroupMetadata): void {
    if (group.state !== "PreparingRebalance" || !group.allMembersJoined()) return;
    // While an empty group's initial delay runs, newcomers keep joining; the timer completes it.
    if (group.initialDelay && this.host.ctx.isTimerPending(group.joinTimer)) return;
    this.completeJoin(group);
  }

  /** The rebalance's join phase ends: members that did not rejoin are gone; a new generation begins. */
  private completeJoin(group: GroupMetadata): void {
    const ctx = this.host.ctx;
    if (group.state !== "PreparingRebalance") return;
    ctx.cancelTimer(group.joinTimer);
    for (const m of [...group.members.values()]) {
      if (m.awaitingJoin === null) this.removeMember(group, m, "did not rejoin in time");
    }
    group.generationId++;
    if (group.members.size === 0) {
      group.state = "Empty";
      group.protocolName = "";
      group.leaderId = null;
      this.persistGroup(group, () => {});
      ctx.record("group.empty", { group: group.groupId, generation: group.generationId });
      return;
    }
    group.protocolName = group.selectProtocol();
    if (group.leaderId === null || !group.members.has(group.leaderId)) group.leaderId = [...group.members.keys()][0]!;
    group.state = "CompletingRebalance";
    ctx.record("group.generation", { group: group.groupId, generation: group.generationId, leader: group.leaderId, members: [...group.members.keys()], protocol: group.protocolName });
    const everyone = [...group.members.values()].map((m) => ({ memberId: m.memberId, subscription: group.subscriptionOf(m) }));
    for (const m of group.members.values()) {
      const answer = m.awaitingJoin!;
      m.awaitingJoin = null;
      answer({
        error: "NONE",
        generationId: group.generationId,
        protocolName: group.protocolName,
        leader: group.leaderId,
        memberId: m.memberId,
        members: m.memberId === group.leaderId ? everyone : [],
      });
      this.scheduleHeartbeatExpiry(group, m);
    }
  }

  // ---- SyncGroup ------------------------------------------------------------------------

  private onSync(from: string, req: SyncGroupRequest): void {
    const reply = (r: Reply<import("../../protocol/groups.ts").SyncGroupResponse>) =>
      this.host.respond(from, { type: "kafka.sync-group.response", correlationId: req.correlationId, ...r }, 64 + 16 * r.partitions.length);
    const error = this.coordinatorError(req.groupId);
    if (error !== "NONE") return reply({ error, partitions: [] });
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return reply({ error: "UNKNOWN_MEMBER_ID", partitions: [] });
    if (req.generationId !== group.generationId) return reply({ error: "ILLEGAL_GENERATION", partitions: [] });
    switch (group.state) {
      case "PreparingRebalance":
      case "Empty":
      case "Dead":
        return reply({ error: "REBALANCE_IN_PROGRESS", partitions: [] });
      case "Stable":
        return reply({ error: "NONE", partitions: member.assignment });
      case "CompletingRebalance":
        member.awaitingSync = reply;
        this.scheduleHeartbeatExpiry(group, member);
        if (req.memberId === group.leaderId) this.applyAssignment(group, req.assignments);
        return;
    }
  }

  /** The leader's assignment: persisted with the group, then handed to every waiting member. */
  private applyAssignment(group: GroupMetadata, assignments: SyncGroupRequest["assignments"]): void {
    const generation = group.generationId;
    const byMember = new Map(assignments.map((a) => [a.memberId, a.partitions]));
    for (const m of group.members.values()) m.assignment = byMember.get(m.memberId) ?? [];
    this.persistGroup(group, (error) => {
      if (group.state !== "CompletingRebalance" || group.generationId !== generation) return;
      if (error !== "NONE") {
        for (const m of group.members.values()) {
          m.awaitingSync?.({ error: "COORDINATOR_NOT_AVAILABLE", partitions: [] });
          m.awaitingSync = null;
          m.assignment = [];
        }
        this.prepareRebalance(group, `storing the assignment failed (${error})`);
        return;
      }
      group.state = "Stable";
      this.host.ctx.record("group.stable", {
        group: group.groupId,
        generation,
        rebalanceMicros: this.host.ctx.now - group.rebalanceStartedMicros,
        assignment: Object.fromEntries([...group.members.values()].map((m) => [m.memberId, m.assignment.map((tp) => `${tp.topic}-${tp.partition}`)])),
      });
      for (const m of group.members.values()) {
        m.awaitingSync?.({ error: "NONE", partitions: m.assignment });
        m.awaitingSync = null;
      }
    });
  }

  // ---- Heartbeat, LeaveGroup, session expiry ------------------------------------------------

  private onHeartbeat(from: string, req: HeartbeatRequest): void {
    const reply = (error: KafkaError) => this.host.respond(from, { type: "kafka.heartbeat.response", correlationId: req.correlationId, error }, 32);
    const error = this.coordinatorError(req.groupId);
    if (error !== "NONE") return reply(error);
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return reply("UNKNOWN_MEMBER_ID");
    if (req.generationId !== group.generationId) return reply("ILLEGAL_GENERATION");
    this.scheduleHeartbeatExpiry(group, member);
    reply(group.state === "PreparingRebalance" ? "REBALANCE_IN_PROGRESS" : "NONE");
  }

  private onLeave(from: string, req: LeaveGroupRequest): void {
    const reply = (error: KafkaError) => this.host.respond(from, { type: "kafka.leave-group.response", correlationId: req.correlationId, error }, 32);
    const error = this.coordinatorError(req.groupId);
    if (error !== "NONE") return reply(error);
    const group = this.groups.get(req.groupId);
    const member = group?.members.get(req.memberId);
    if (!group || !member) return reply("UNKNOWN_MEMBER_ID");
    this.removeMember(group, member, "left the group");
    this.memberGone(group);
    reply("NONE");
  }

  private scheduleHeartbeatExpiry(group: GroupMetadata, member: MemberMetadata, timeoutMicros = member.sessionTimeoutMicros): void {
    const ctx = this.host.ctx;
    ctx.cancelTimer(member.heartbeatTimer);
    const epoch = ++member.heartbeatEpoch;
    member.heartbeatTimer = ctx.setTimer(timeoutMicros, "group.session-expiry", () => {
      if (member.heartbeatEpoch !== epoch || group.members.get(member.memberId) !== member) return;
      // A member still waiting in a join is not expired by its session (Kafka waits for the join).
      if (member.awaitingJoin !== null) return;
      this.removeMember(group, member, "session timed out");
      this.memberGone(group);
    });
  }

  private removeMember(group: GroupMetadata, member: MemberMetadata, reason: string): void {
    this.host.ctx.cancelTimer(member.heartbeatTimer);
    group.members.delete(member.memberId);
    member.awaitingJoin?.(joinError("UNKNOWN_MEMBER_ID", member.memberId));
    member.awaitingSync?.({ error: "UNKNOWN_MEMBER_ID", partitions: [] });
    this.host.ctx.record("group.member-removed", { group: group.groupId, member: member.memberId, reason, generation: group.generationId });
  }

  private memberGone(group: GroupMetadata): void {
    if (group.state === "Stable" || group.state === "CompletingRebalance") this.prepareRebalance(group, "a member left");
    else if (group.state === "PreparingRebalance") this.maybeCompleteJoin(group);
  }

  // ---- offsets ------------------------------------------------------------------------

  private onCommit(from: string, req: OffsetCommitRequest): void {
    const reply = (error: KafkaError) =>
      this.host.respond(from, {
        type: "kafka.offset-commit.response",
        correlationId: req.correlationId,
        partitions: req.offsets.map((o) => ({ topic: o.topic, partition: o.partition, error })),
      }, 32 + 16 * req.offsets.length);
    const error = this.coordinatorError(req.groupId);
    if (error !== "NONE") return reply(error);
    let group = this.groups.get(req.groupId);
    const standalone = req.generationId === NO_GENERATION && req.memberId === UNKNOWN_MEMBER_ID;
    if (!group) {
      if (!standalone) return reply("ILLEGAL_GENERATION");
      group = new GroupMetadata(req.groupId);
      this.groups.set(req.groupId, group);
    }
    if (!standalone) {
      const member = group.members.get(req.memberId);
      if (!member) return reply("UNKNOWN_MEMBER_ID");
      if (req.generationId !== group.generationId) return reply("ILLEGAL_GENERATION");
      // Between JoinGroup and SyncGroup the assignment is in flux: the commit must wait for it.
      if (group.state === "CompletingRebalance") return reply("REBALANCE_IN_PROGRESS");
      this.scheduleHeartbeatExpiry(group, member);
    } else if (group.members.size > 0) {
      return reply("UNKNOWN_MEMBER_ID");
    }
    const target = group;
    const records = req.offsets.map((o) => offsetRecord(req.groupId, o.topic, o.partition, o.offset, o.leaderEpoch ?? -1));
    this.host.appendToOffsetsPartition(this.partitionFor(req.groupId), records, (appendError) => {
      if (appendError === "NONE") for (const o of req.offsets) target.offsets.set(`${o.topic}-${o.partition}`, { ...o });
      reply(commitError(appendError));
    });
  }

  private onFetch(from: string, req: OffsetFetchRequest): void {
    const error = this.coordinatorError(req.groupId);
    const offsets = this.groups.get(req.groupId)?.offsets;
    this.host.respond(from, {
      type: "kafka.offset-fetch.response",
      correlationId: req.correlationId,
      error,
      partitions: req.partitions.map((tp) => ({
        topic: tp.topic,
        partition: tp.partition,
        offset: error === "NONE" ? (offsets?.get(`${tp.topic}-${tp.partition}`)?.offset ?? -1) : -1,
        leaderEpoch: error === "NONE" ? (offsets?.get(`${tp.topic}-${tp.partition}`)?.leaderEpoch ?? -1) : -1,
        error,
      })),
    }, 32 + 16 * req.partitions.length);
  }

  private persistGroup(group: GroupMetadata, done: (error: KafkaError) => void): void {
    this.host.appendToOffsetsPartition(this.partitionFor(group.groupId), [groupRecord(group)], done);
  }
}

function joinError(error: KafkaError, memberId: string): Reply<import("../../protocol/groups.ts").JoinGroupResponse> {
  return { error, generationId: NO_GENERATION, protocolName: "", leader: "", memberId, members: [] };
}

/** How Kafka maps an append's failure to a commit's answer (GroupMetadataManager.storeOffsets). */
function commitError(error: KafkaError): KafkaError {
  switch (error) {
    case "NONE":
      return "NONE";
    case "UNKNOWN_TOPIC_OR_PARTITION":
    case "NOT_ENOUGH_REPLICAS":
    case "NOT_ENOUGH_REPLICAS_AFTER_APPEND":
    case "REQUEST_TIMED_OUT":
      return "COORDINATOR_NOT_AVAILABLE";
    case "NOT_LEADER_OR_FOLLOWER":
    case "KAFKA_STORAGE_ERROR":
      return "NOT_COORDINATOR";
    default:
      return error;
  }
}
