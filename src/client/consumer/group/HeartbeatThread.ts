import type { Micros, NodeContext } from "../../../../sim/index.ts";
import type { KafkaError } from "../../../protocol/errors.ts";
import type { HeartbeatResponse } from "../../../protocol/groups.ts";
import { WakeTimer } from "../../WakeTimer.ts";
import type { CoordinatorLink, CoordinatorOutcome } from "./CoordinatorLink.ts";
import { sameGeneration, type Generation, type MemberState } from "./Generation.ts";
import type { Heartbeat } from "./Heartbeat.ts";

export interface HeartbeatThreadOptions {
  readonly groupId: string;
  readonly retryBackoffMicros: Micros;
}

/** What the heartbeat thread sees of, and does to, the membership it keeps alive. */
export interface HeartbeatMember {
  state(): MemberState;
  generation(): Generation;
  /** True while the application is inside poll(). */
  polling(): boolean;
  requestRejoin(reason: string): void;
  resetStateAndRejoin(reason: string, resetMemberId: boolean): void;
  /** max.poll.interval.ms passed without a poll: leave the group. */
  pollTimeoutExpired(): void;
  heartbeatSent(): void;
}

const HEARTBEAT_BYTES = 48;

/**
 * Kafka's HeartbeatThread, as a timer loop: enabled by the JoinGroup answer, it sends a
 * Heartbeat every heartbeat.interval.ms while the member is in a generation (also while
 * the application processes records; a paused node's timers wait, as a GC pause freezes
 * the real thread), and notices what the real thread notices: a coordinator that has not
 * answered a heartbeat for session.timeout.ms is forgotten and looked up again; an
 * application that has not polled for max.poll.interval.ms makes the member leave. The
 * answers: REBALANCE_IN_PROGRESS asks a stable member to rejoin (the heartbeats go on, they
 * keep its session through the rebalance); ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID for the
 * current generation reset it; a moved coordinator is looked up again.
 */
export class HeartbeatThread {
  private enabled = false;
  private closed = false;
  private readonly wake: WakeTimer;

  constructor(
    private readonly ctx: NodeContext,
    private readonly link: CoordinatorLink,
    private readonly options: HeartbeatThreadOptions,
    private readonly heartbeat: Heartbeat,
    private readonly member: HeartbeatMember,
  ) {
    this.wake = new WakeTimer(ctx, "consumer.heartbeat", () => this.loop());
  }

  /** Joined a generation: every clock starts over, and the loop runs. */
  enable(): void {
    this.enabled = true;
    this.heartbeat.resetTimeouts(this.ctx.now);
    this.wake.wakeNow();
  }

  disable(): void {
    this.enabled = false;
  }

  close(): void {
    this.closed = true;
    this.enabled = false;
    this.wake.cancel();
  }

  private loop(): void {
    if (this.closed || !this.enabled) return;
    const state = this.member.state();
    if (state === "unjoined" || state === "preparing-rebalance") {
      this.enabled = false;
      return;
    }
    const now = this.ctx.now;
    const polling = this.member.polling();
    if (this.link.known === null) {
      this.link.ensureKnown(this.wakeNow);
    } else if (this.heartbeat.sessionTimeoutExpired(now)) {
      this.link.markUnknown("session timed out without a heartbeat answer");
      this.link.ensureKnown(this.wakeNow);
    } else if (!polling && this.heartbeat.pollTimeoutExpired(now)) {
      this.ctx.record("consumer.poll-timeout", { group: this.options.groupId, member: this.member.generation().memberId });
      this.member.pollTimeoutExpired();
    } else if (this.heartbeat.shouldHeartbeat(now)) {
      this.send();
    }
    this.schedule(polling);
  }

  private readonly wakeNow = (): void => {
    this.wake.wakeNow();
  };

  private schedule(polling: boolean): void {
    if (!this.enabled || this.link.known === null) return; // the lookup wakes the loop
    const now = this.ctx.now;
    const h = this.heartbeat;
    let next = Math.min(h.timeToNextHeartbeat(now), h.timeToSessionExpiry(now));
    if (!polling) next = Math.min(next, h.timeToPollExpiry(now));
    // Never spin: a deadline reached but not acted on waits for the retry back-off.
    this.wake.wakeAt(now + (next === 0 ? this.options.retryBackoffMicros : next));
  }

  private send(): void {
    const sent = this.member.generation();
    this.heartbeat.sentHeartbeat(this.ctx.now);
    this.member.heartbeatSent();
    const request = { type: "kafka.heartbeat" as const, groupId: this.options.groupId, generationId: sent.generationId, memberId: sent.memberId };
    this.link.send(request, HEARTBEAT_BYTES + sent.memberId.length, (outcome) => this.answered(sent, outcome));
  }

  private answered(sent: Generation, outcome: CoordinatorOutcome<HeartbeatResponse>): void {
    if (this.closed) return;
    const now = this.ctx.now;
    const error: KafkaError | string = outcome.ok ? outcome.response.error : outcome.error;
    switch (error) {
      case "NONE":
        this.heartbeat.receiveHeartbeat(now);
        break;
      case "REBALANCE_IN_PROGRESS":
        this.heartbeat.receiveHeartbeat(now);
        if (this.member.state() === "stable") this.member.requestRejoin("group is already rebalancing");
        break;
      case "ILLEGAL_GENERATION":
      case "UNKNOWN_MEMBER_ID":
        if (sameGeneration(this.member.generation(), sent)) {
          this.heartbeat.failHeartbeat(now);
          // The member id survives an ILLEGAL_GENERATION: it may still be valid.
          this.member.resetStateAndRejoin(`heartbeat: ${error}`, error === "UNKNOWN_MEMBER_ID");
        } else {
          this.heartbeat.receiveHeartbeat(now); // an answer about a generation already left behind
        }
        break;
      case "COORDINATOR_NOT_AVAILABLE":
      case "NOT_COORDINATOR":
        this.link.checkError(error);
        this.heartbeat.failHeartbeat(now);
        break;
      default:
        this.heartbeat.failHeartbeat(now);
    }
    this.wake.wakeNow();
  }
}
