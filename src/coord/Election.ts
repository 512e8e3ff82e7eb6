import { sendPeer } from "./send.ts";
import type { EventHandle, NodeContext } from "../../sim/index.ts";
import { quorumSize, serverId, type EnsembleConfig } from "./config.ts";
import type { PeerState, Vote } from "./messages.ts";
import type { Zxid } from "./zxid.ts";

export interface Ballot {
  readonly leader: string;
  readonly epoch: number;
  readonly zxid: Zxid;
}

/**
 * ZooKeeper's fast leader election (FastLeaderElection.lookForLeader), one round at a
 * time. Every looking member votes for the most up-to-date member it has heard of,
 * ordered by (currentEpoch, last zxid, server id), and re-broadcasts when it changes its
 * mind. Once a quorum of the votes of its round agree with its own, it waits
 * `finalizeWait` for a better vote and then decides. A member that is already following
 * or leading answers with the vote it decided on, so a returning member joins the
 * established leader instead of starting a new epoch.
 */
export class Election {
  private round: number;
  private ballot: Ballot;
  private readonly received = new Map<string, Ballot>();
  private readonly outOfElection = new Map<string, Ballot & { state: PeerState }>();
  private finalizeTimer: EventHandle = -1;
  private resendTimer: EventHandle = -1;
  private resendIntervalMicros: number;
  private done = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly config: EnsembleConfig,
    previousRound: number,
    private readonly self: Ballot,
    private readonly decide: (leader: string, round: number, ballot: Ballot) => void,
  ) {
    this.round = previousRound + 1;
    this.ballot = self;
    this.resendIntervalMicros = config.notificationIntervalMicros;
  }

  get currentRound(): number {
    return this.round;
  }

  start(): void {
    this.received.set(this.ctx.name, this.ballot);
    this.broadcast();
    this.scheduleResend();
    // An ensemble of one is its own quorum.
    if (this.hasQuorumFor(this.received, this.ballot)) this.armFinalize();
  }

  stop(): void {
    this.done = true;
    this.ctx.cancelTimer(this.finalizeTimer);
    this.ctx.cancelTimer(this.resendTimer);
  }

  onVote(from: string, vote: Vote): void {
    if (this.done) return;
    if (vote.state === "looking") this.onLookingVote(from, vote);
    else this.onSettledVote(from, vote);
  }

  private onLookingVote(from: string, vote: Vote): void {
    const theirs: Ballot = { leader: vote.leader, epoch: vote.epoch, zxid: vote.zxid };
    if (vote.round > this.round) {
      this.round = vote.round;
      this.received.clear();
      this.ballot = better(theirs, this.self, this.config) ? theirs : this.self;
      this.received.set(this.ctx.name, this.ballot);
      this.broadcast();
    } else if (vote.round < this.round) {
      // A member behind us: tell it where we are so it catches up.
      this.sendVote(from);
      return;
    } else if (better(theirs, this.ballot, this.config)) {
      this.ballot = theirs;
      this.received.set(this.ctx.name, this.ballot);
      this.broadcast();
    }
    this.received.set(from, theirs);
    if (this.hasQuorumFor(this.received, this.ballot)) this.armFinalize();
  }

  /** A vote from a member that is following or leading: join its leader if a quorum does. */
  private onSettledVote(from: string, vote: Vote): void {
    const theirs = { leader: vote.leader, epoch: vote.epoch, zxid: vote.zxid, state: vote.state };
    this.outOfElection.set(from, theirs);
    if (vote.round === this.round) this.received.set(from, theirs);
    const supporters = new Map<string, Ballot>(this.outOfElection);
    supporters.set(this.ctx.name, theirs);
    if (this.hasQuorumFor(supporters, theirs) && this.leaderConfirmed(theirs.leader)) {
      this.round = Math.max(this.round, vote.round);
      this.finish(theirs.leader, theirs);
    }
  }

  /** The leader itself must have told us it leads (ZooKeeper's checkLeader). */
  private leaderConfirmed(leader: string): boolean {
    if (leader === this.ctx.name) return false;
    return this.outOfElection.get(leader)?.state === "leading";
  }

  private armFinalize(): void {
    if (this.finalizeTimer !== -1 && this.ctx.isTimerPending(this.finalizeTimer)) return;
    this.finalizeTimer = this.ctx.setTimer(this.config.finalizeWaitMicros, "zab.election-finalize", () => {
      if (this.done) return;
      if (this.hasQuorumFor(this.received, this.ballot)) this.finish(this.ballot.leader, this.ballot);
    });
  }

  private finish(leader: string, ballot: Ballot): void {
    this.stop();
    this.decide(leader, this.round, ballot);
  }

  private hasQuorumFor(votes: Map<string, Ballot>, ballot: Ballot): boolean {
    let agreeing = 0;
    for (const v of votes.values()) if (sameBallot(v, ballot)) agreeing++;
    return agreeing >= quorumSize(this.config);
  }

  private broadcast(): void {
    for (const peer of this.config.members) if (peer !== this.ctx.name) this.sendVote(peer);
  }

  private sendVote(peer: string): void {
    const vote: Vote = { type: "zab.vote", round: this.round, state: "looking", ...this.ballot };
    sendPeer(this.ctx, peer, vote, 64);
  }

  private scheduleResend(): void {
    this.resendTimer = this.ctx.setTimer(this.resendIntervalMicros, "zab.election-resend", () => {
      if (this.done) return;
      this.broadcast();
      this.resendIntervalMicros = Math.min(this.resendIntervalMicros * 2, this.config.maxNotificationIntervalMicros);
      this.scheduleResend();
    });
  }
}

/** ZooKeeper's totalOrderPredicate: newer epoch, then newer zxid, then higher server id. */
export function better(a: Ballot, b: Ballot, config: EnsembleConfig): boolean {
  if (a.epoch !== b.epoch) return a.epoch > b.epoch;
  if (a.zxid !== b.zxid) return a.zxid > b.zxid;
  return serverId(config, a.leader) > serverId(config, b.leader);
}

function sameBallot(a: Ballot, b: Ballot): boolean {
  return a.leader === b.leader && a.epoch === b.epoch && a.zxid === b.zxid;
}
