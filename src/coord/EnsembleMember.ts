import type { Message, NodeContext, Process } from "../../sim/index.ts";
import { assert } from "../../sim/index.ts";
import { ClientService } from "./ClientService.ts";
import type { EnsembleConfig } from "./config.ts";
import { Election, type Ballot } from "./Election.ts";
import { FollowerRole } from "./FollowerRole.ts";
import { LeaderRole } from "./LeaderRole.ts";
import type { MemberCore, Role } from "./MemberCore.ts";
import { MemberStore } from "./MemberStore.ts";
import { isPeerMessage, type ClientToMember, type PeerMessage, type Vote } from "./messages.ts";
import type { EnsembleObserver } from "./observer.ts";
import { applyTxn, EMPTY_TREE, type TreeState } from "./ZnodeTree.ts";
import type { Zxid } from "./zxid.ts";

/**
 * One member of the coordination ensemble: a process that is looking (electing), following
 * or leading, with a transaction log on its disk and a committed znode tree in memory. It
 * serves clients only while it is a synced follower or an established leader.
 */
export class EnsembleMember implements Process, MemberCore {
  readonly store: MemberStore;
  readonly clients: ClientService;
  private currentTree: TreeState = EMPTY_TREE;
  private election: Election | null = null;
  private role: Role | null = null;
  private electionRound = 0;
  private settledBallot: Ballot | null = null;

  constructor(
    readonly ctx: NodeContext,
    readonly config: EnsembleConfig,
    readonly observer: EnsembleObserver = {},
  ) {
    this.store = new MemberStore(ctx);
    this.clients = new ClientService(this);
  }

  get tree(): TreeState {
    return this.currentTree;
  }

  /** "looking", "following" or "leading" (for tests, checkers and state dumps). */
  get state(): "looking" | "following" | "leading" {
    return this.role?.kind ?? "looking";
  }

  get leaderName(): string | null {
    return this.role?.leader ?? null;
  }

  get serving(): boolean {
    return this.clients.serving;
  }

  start(): void {
    // A new incarnation's applied state starts over, empty, and replays its log as commits
    // arrive: observers must hear of it, or the replay looks like commits going back.
    this.resetTree(null);
    this.startElection("start");
  }

  receive(from: string, message: Message): void {
    if (isPeerMessage(message)) this.onPeerMessage(from, message);
    else this.clients.receive(from, message as ClientToMember);
  }

  connectionReset(peer: string): void {
    if (this.config.members.includes(peer)) this.role?.peerReset(peer);
    else this.clients.clientGone(peer);
  }

  applyUpTo(zxid: Zxid): void {
    const entries = this.store.entries;
    let i = this.currentTree.lastZxid === 0 ? 0 : this.store.indexOfZxid(this.currentTree.lastZxid) + 1;
    assert(i > 0 || this.currentTree.lastZxid === 0, () => `${this.ctx.name}: applied zxid ${this.currentTree.lastZxid} missing from its log`);
    for (; i < entries.length && entries[i]!.zxid <= zxid; i++) {
      const entry = entries[i]!;
      const outcome = applyTxn(this.currentTree, entry.zxid, entry.txn);
      this.currentTree = outcome.state;
      this.observer.committed?.(this.ctx.name, entry, this.ctx.now);
      this.clients.applied(entry, outcome);
    }
  }

  resetTree(snapshot: TreeState | null): void {
    this.currentTree = snapshot ?? EMPTY_TREE;
    this.observer.treeReset?.(this.ctx.name, this.currentTree.lastZxid, this.ctx.now);
  }

  goLooking(reason: string): void {
    this.ctx.record("zab.looking", { reason });
    this.observer.lookingStarted?.(this.ctx.name, reason, this.ctx.now);
    this.role?.stop();
    this.role = null;
    this.settledBallot = null;
    this.clients.stopServing();
    this.startElection(reason);
  }

  // ---- used by the client service ----------------------------------------------------

  /** The role, when there is one; a member without one is not serving. */
  activeRole(): Role | null {
    return this.role;
  }

  private startElection(reason: string): void {
    assert(this.election === null, "election started twice");
    const self: Ballot = { leader: this.ctx.name, epoch: this.store.currentEpoch, zxid: this.store.lastZxid };
    this.ctx.record("zab.election", { reason, epoch: self.epoch, zxid: self.zxid });
    this.election = new Election(this.ctx, this.config, this.electionRound, self, (leader, round, ballot) =>
      this.elected(leader, round, ballot),
    );
    this.election.start();
  }

  private elected(leader: string, round: number, ballot: Ballot): void {
    this.election = null;
    this.electionRound = round;
    this.settledBallot = ballot;
    this.ctx.record("zab.elected", { leader, round });
    this.role = leader === this.ctx.name ? new LeaderRole(this) : new FollowerRole(this, leader);
  }

  private onPeerMessage(from: string, message: PeerMessage): void {
    if (message.type === "zab.vote") {
      this.onVote(from, message);
      return;
    }
    this.role?.receive(from, message);
  }

  private onVote(from: string, vote: Vote): void {
    if (this.election) {
      this.election.onVote(from, vote);
      return;
    }
    // Settled: answer a looking member with the vote we decided on, so it can join us.
    if (vote.state === "looking" && this.settledBallot && this.role) {
      const reply: Vote = { type: "zab.vote", round: this.electionRound, state: this.role.kind, ...this.settledBallot };
      this.ctx.send(from, reply, 64);
    }
  }
}
