import type { Micros, NodeContext } from "../../../../sim/index.ts";
import type { KafkaError } from "../../../protocol/errors.ts";
import {
  NO_GENERATION,
  UNKNOWN_MEMBER_ID,
  type JoinGroupMember,
  type JoinGroupRequest,
  type JoinGroupResponse,
  type SyncGroupRequest,
  type SyncGroupResponse,
} from "../../../protocol/groups.ts";
import type { TopicPartition } from "../../../protocol/records.ts";
import type { CoordinatorLink, CoordinatorOutcome } from "./CoordinatorLink.ts";
import { generationReset, NO_GENERATION_YET, sameGeneration, type Generation, type MemberState } from "./Generation.ts";
import { Heartbeat } from "./Heartbeat.ts";
import { HeartbeatThread } from "./HeartbeatThread.ts";

export interface MembershipOptions {
  readonly groupId: string;
  readonly sessionTimeoutMicros: Micros;
  readonly heartbeatIntervalMicros: Micros;
  /** Also the rebalance timeout the member joins with. */
  readonly maxPollIntervalMicros: Micros;
  readonly requestTimeoutMicros: Micros;
  readonly retryBackoffMicros: Micros;
}

/** What the consumer side of the protocol does at each step (ConsumerCoordinator's overrides). */
export interface MembershipHooks {
  /** The assignors this member proposes, preferred first, each with its subscription. */
  protocols(): JoinGroupRequest["protocols"];
  /**
   * Before each (re)join: commit, then revoke (Kafka's onJoinPrepare). `done(true)` to join
   * now, `done(false)` to try again after the retry back-off (a commit still retrying).
   */
  onJoinPrepare(previous: Generation, done: (ready: boolean) => void): void;
  /** As the leader: the assignment of every member, handed to `done` (it may wait for metadata first). */
  onLeaderElected(protocolName: string, members: readonly JoinGroupMember[], done: (assignments: SyncGroupRequest["assignments"]) => void): void;
  /** SyncGroup answered: the new generation and this member's partitions. */
  onJoinComplete(generation: Generation, partitions: readonly TopicPartition[], rebalanceStartedMicros: Micros): void;
  /** Something a waiting poll() may act on happened (a join step ended, a rejoin is needed). */
  wakeup(): void;
  /** An error Kafka throws from poll() and does not retry. */
  fatal(error: KafkaError): void;
  /** The member `memberId` left the group on its own (poll timeout, close). */
  left(memberId: string, reason: string): void;
  /** True while the application is inside poll() (it cannot be late for its next poll then). */
  polling(): boolean;
}

/** How soon a failed join step is tried again: at once (the protocol asks to), or after the retry back-off. */
type Retry = "now" | "backoff";

/** JoinGroup waits at the coordinator for up to the rebalance timeout; Kafka allows 5 more seconds. */
const JOIN_GROUP_TIMEOUT_LAPSE_MICROS = 5_000_000;
const JOIN_BYTES = 96;
const SYNC_BYTES = 64;
const LEAVE_BYTES = 48;

/**
 * Group membership (Kafka's AbstractCoordinator): the JoinGroup / SyncGroup handshake that
 * makes a generation, the heartbeat thread that keeps the member in it (HeartbeatThread),
 * and leaving.
 *
 * The join runs only from poll() (`poll` here, one step per call, driven by the consumer's
 * loop), as in Kafka: a member busy processing records joins a rebalance only when it
 * polls again. Heartbeats run on their own timer from the JoinGroup answer on (see
 * HeartbeatThread), also while the application processes.
 */
export class GroupMembership {
  private memberState: MemberState = "unjoined";
  private current: Generation = NO_GENERATION_YET;
  private rejoinNeeded = true;
  private needsJoinPrepare = true;
  /** A JoinGroup, the leader's assignment or a SyncGroup is under way (Kafka's joinFuture). */
  private joining = false;
  private preparing = false;
  private retryAtMicros = 0;
  private rebalanceStartedMicros = -1;
  private closed = false;
  private readonly thread: HeartbeatThread;
  readonly heartbeat: Heartbeat;
  /** Rebalances completed (SyncGroup answered) and failed join attempts, for the summary. */
  readonly stats = { rebalances: 0, failedJoins: 0, heartbeats: 0 };

  constructor(
    private readonly ctx: NodeContext,
    private readonly link: CoordinatorLink,
    private readonly options: MembershipOptions,
    private readonly hooks: MembershipHooks,
  ) {
    this.heartbeat = new Heartbeat(options);
    this.thread = new HeartbeatThread(ctx, link, options, this.heartbeat, {
      state: () => this.memberState,
      generation: () => this.current,
      polling: () => hooks.polling(),
      requestRejoin: (reason) => this.requestRejoin(reason),
      resetStateAndRejoin: (reason, resetMemberId) => this.resetStateAndRejoin(reason, resetMemberId),
      pollTimeoutExpired: () => this.maybeLeaveGroup("consumer poll timeout has expired"),
      heartbeatSent: () => this.stats.heartbeats++,
    });
  }

  get state(): MemberState {
    return this.memberState;
  }

  get generation(): Generation {
    return this.current;
  }

  /** The generation when stable, else null (what a commit is sent with). */
  get generationIfStable(): Generation | null {
    return this.memberState === "stable" ? this.current : null;
  }

  get rebalanceInProgress(): boolean {
    return this.memberState === "preparing-rebalance" || this.memberState === "completing-rebalance";
  }

  get rejoinNeededOrPending(): boolean {
    return this.rejoinNeeded || this.joining;
  }

  /** When a step that waits on the retry back-off may run again (0: not waiting). */
  get retryAt(): Micros {
    return this.retryAtMicros;
  }

  /** Kafka's pollHeartbeat: the application polled. */
  pollHeartbeat(now: Micros): void {
    this.heartbeat.poll(now);
  }

  requestRejoin(reason: string): void {
    if (!this.rejoinNeeded) this.ctx.record("consumer.rejoin-needed", { group: this.options.groupId, reason });
    this.rejoinNeeded = true;
    this.hooks.wakeup();
  }

  /**
   * One step of ensureActiveGroup from poll(): find the coordinator, prepare, join, sync.
   * True when the member is in a stable generation with nothing left to do.
   */
  poll(): boolean {
    if (this.closed) return false;
    if (this.link.known === null) {
      this.link.ensureKnown(this.hooks.wakeup);
      return false;
    }
    if (!this.rejoinNeededOrPending) return this.memberState === "stable";
    if (this.preparing || this.joining || this.ctx.now < this.retryAtMicros) return false;
    if (this.needsJoinPrepare) {
      this.needsJoinPrepare = false;
      this.preparing = true;
      let finishedNow = false;
      this.hooks.onJoinPrepare(this.current, (ready) => {
        this.preparing = false;
        finishedNow = true;
        if (!ready) {
          this.needsJoinPrepare = true;
          this.retryAtMicros = this.ctx.now + this.options.retryBackoffMicros;
        }
        this.hooks.wakeup();
      });
      if (!finishedNow || this.needsJoinPrepare || this.closed) return false;
    }
    if (this.link.known === null) return false;
    this.initiateJoinGroup();
    return false;
  }

  // ---- JoinGroup ----------------------------------------------------------------------------

  private initiateJoinGroup(): void {
    this.memberState = "preparing-rebalance";
    this.thread.disable();
    if (this.rebalanceStartedMicros < 0) this.rebalanceStartedMicros = this.ctx.now;
    this.joining = true;
    const sent = this.current;
    const o = this.options;
    const request = {
      type: "kafka.join-group" as const,
      groupId: o.groupId,
      memberId: sent.memberId,
      sessionTimeoutMicros: o.sessionTimeoutMicros,
      rebalanceTimeoutMicros: o.maxPollIntervalMicros,
      protocols: this.hooks.protocols(),
    };
    const timeout = Math.max(o.requestTimeoutMicros, o.maxPollIntervalMicros + JOIN_GROUP_TIMEOUT_LAPSE_MICROS);
    this.link.send(request, JOIN_BYTES + o.groupId.length, (outcome) => this.joinAnswered(sent, outcome), timeout);
  }

  private joinAnswered(sent: Generation, outcome: CoordinatorOutcome<JoinGroupResponse>): void {
    if (this.closed) return;
    if (!outcome.ok) return this.joinFailed(outcome.error, "backoff");
    const r = outcome.response;
    switch (r.error) {
      case "NONE":
        return this.joined(r);
      case "MEMBER_ID_REQUIRED":
        // KIP-394: the coordinator hands out the member id first; join again with it.
        this.current = { generationId: NO_GENERATION, memberId: r.memberId, protocolName: null };
        return this.joinFailed(r.error, "now");
      case "UNKNOWN_MEMBER_ID":
        if (sameGeneration(this.current, sent)) this.resetStateAndRejoin(r.error, true);
        return this.joinFailed(r.error, "now");
      case "REBALANCE_IN_PROGRESS":
        return this.joinFailed(r.error, "now");
      case "COORDINATOR_NOT_AVAILABLE":
      case "NOT_COORDINATOR":
        this.link.checkError(r.error);
        return this.joinFailed(r.error, "backoff");
      case "COORDINATOR_LOAD_IN_PROGRESS":
        return this.joinFailed(r.error, "backoff");
      default:
        return this.fatal(r.error);
    }
  }

  private joined(r: JoinGroupResponse): void {
    if (this.memberState !== "preparing-rebalance") {
      // Left the group while the JoinGroup was out (poll timeout, close): join again.
      return this.joinFailed("UNJOINED", "backoff");
    }
    this.memberState = "completing-rebalance";
    this.current = { generationId: r.generationId, memberId: r.memberId, protocolName: r.protocolName };
    this.thread.enable();
    const generation = this.current;
    if (r.leader !== r.memberId) return this.sendSync(generation, []);
    this.hooks.onLeaderElected(r.protocolName, r.members, (assignments) => {
      if (this.closed || !sameGeneration(this.current, generation) || this.memberState !== "completing-rebalance") return;
      this.sendSync(generation, assignments);
    });
  }

  // ---- SyncGroup ----------------------------------------------------------------------------

  private sendSync(generation: Generation, assignments: SyncGroupRequest["assignments"]): void {
    const request = {
      type: "kafka.sync-group" as const,
      groupId: this.options.groupId,
      generationId: generation.generationId,
      memberId: generation.memberId,
      assignments,
    };
    const size = SYNC_BYTES + assignments.reduce((n, a) => n + 16 + 8 * a.partitions.length, 0);
    this.link.send(request, size, (outcome) => this.syncAnswered(generation, outcome));
  }

  private syncAnswered(sent: Generation, outcome: CoordinatorOutcome<SyncGroupResponse>): void {
    if (this.closed) return;
    if (!outcome.ok) return this.joinFailed(outcome.error, "backoff");
    const r = outcome.response;
    switch (r.error) {
      case "NONE":
        if (generationReset(this.current) || this.memberState !== "completing-rebalance") {
          // The heartbeat reset the generation while SyncGroup was out.
          return this.joinFailed("ILLEGAL_GENERATION", "now");
        }
        return this.synced(r.partitions);
      case "REBALANCE_IN_PROGRESS":
        return this.joinFailed(r.error, "now");
      case "UNKNOWN_MEMBER_ID":
      case "ILLEGAL_GENERATION":
        // The member id survives an ILLEGAL_GENERATION: it may still be valid.
        if (sameGeneration(this.current, sent)) this.resetStateAndRejoin(r.error, r.error === "UNKNOWN_MEMBER_ID");
        return this.joinFailed(r.error, "now");
      case "COORDINATOR_NOT_AVAILABLE":
      case "NOT_COORDINATOR":
        this.link.checkError(r.error);
        return this.joinFailed(r.error, "backoff");
      default:
        return this.fatal(r.error);
    }
  }

  private synced(partitions: readonly TopicPartition[]): void {
    this.memberState = "stable";
    this.rejoinNeeded = false;
    this.joining = false;
    this.needsJoinPrepare = true;
    const started = this.rebalanceStartedMicros;
    this.rebalanceStartedMicros = -1;
    this.stats.rebalances++;
    this.ctx.record("consumer.joined", {
      group: this.options.groupId,
      generation: this.current.generationId,
      member: this.current.memberId,
      partitions: partitions.length,
    });
    this.hooks.onJoinComplete(this.current, partitions, started);
    this.hooks.wakeup();
  }

  private joinFailed(reason: string, retry: Retry): void {
    this.joining = false;
    this.stats.failedJoins++;
    if (reason !== "MEMBER_ID_REQUIRED") this.rejoinNeeded = true;
    this.retryAtMicros = retry === "now" ? 0 : this.ctx.now + this.options.retryBackoffMicros;
    this.hooks.wakeup();
  }

  private fatal(error: KafkaError): void {
    this.joining = false;
    this.ctx.record("consumer.fatal", { group: this.options.groupId, error });
    this.hooks.fatal(error);
  }

  // ---- resets and leaving -------------------------------------------------------------------

  /** Kafka's resetStateAndRejoin: out of the generation (keeping the member id unless told), join again with a new prepare. */
  resetStateAndRejoin(reason: string, resetMemberId: boolean): void {
    this.memberState = "unjoined";
    this.thread.disable();
    this.current = resetMemberId
      ? NO_GENERATION_YET
      : { generationId: NO_GENERATION, memberId: this.current.memberId, protocolName: null };
    this.needsJoinPrepare = true;
    this.ctx.record("consumer.generation-reset", { group: this.options.groupId, reason });
    this.requestRejoin(reason);
  }

  /**
   * Kafka's maybeLeaveGroup: a LeaveGroup (not retried) when the member is in a group and
   * the coordinator is known, then out of the generation. `done` runs once the coordinator
   * answered, the request failed, or at once when nothing was sent.
   */
  maybeLeaveGroup(reason: string, done: () => void = () => {}): void {
    const memberId = this.current.memberId;
    const send = memberId !== UNKNOWN_MEMBER_ID && this.memberState !== "unjoined" && this.link.known !== null;
    this.resetStateAndRejoin(reason, true);
    this.hooks.left(memberId, reason);
    if (!send) return done();
    const request = { type: "kafka.leave-group" as const, groupId: this.options.groupId, memberId };
    this.link.send(request, LEAVE_BYTES + memberId.length, () => done());
  }

  /** Stops heartbeats and join steps; answers still in flight are ignored. */
  close(): void {
    this.closed = true;
    this.thread.close();
  }
}
