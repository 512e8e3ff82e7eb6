import { sendPeer } from "./send.ts";
import { assert } from "../../sim/index.ts";
import { quorumSize } from "./config.ts";
import type { MemberCore, Role, Submission } from "./MemberCore.ts";
import type { LogEntry, NewLeader, PeerMessage } from "./messages.ts";
import { SessionTracker } from "./SessionTracker.ts";
import type { Txn } from "./ZnodeTree.ts";
import { counterOf, epochOf, makeZxid, type Zxid } from "./zxid.ts";

type FollowerPhase = "info" | "epoch-sent" | "syncing" | "synced";

interface FollowerLink {
  phase: FollowerPhase;
  /** The last zxid the follower received in its sync: acknowledging NEWLEADER acknowledges up to it. */
  syncedUpTo: Zxid;
  acceptedEpoch: number;
  lastHeardMicros: number;
}

/**
 * The leader's side of ZAB. Discovery: collect FOLLOWERINFO from a quorum, choose a new
 * epoch above every accepted one, and have a quorum acknowledge it. Synchronisation: bring
 * each follower to the leader's history (DIFF when the follower's last zxid is in the
 * leader's log, else SNAP), then NEWLEADER; once a quorum has acknowledged NEWLEADER the
 * leader's whole history is committed and it starts broadcasting. Broadcast: a proposal
 * commits, in zxid order, once a quorum (the leader included) has it fsynced.
 */
export class LeaderRole implements Role {
  readonly kind = "leading" as const;
  readonly leader: string;
  private readonly followers = new Map<string, FollowerLink>();
  private epoch = -1;
  private epochAcked = new Set<string>();
  private newLeaderAcked = new Set<string>();
  private established = false;
  private becomingCurrent = false;
  private counter = 0;
  private committedZxid: Zxid = 0;
  private readonly acks = new Map<Zxid, Set<string>>();
  private readonly pendingSyncs: { afterZxid: Zxid; id: number; origin: string }[] = [];
  private readonly sessions = new SessionTracker();
  private active = true;
  private readonly startedMicros: number;

  constructor(private readonly core: MemberCore) {
    this.leader = core.ctx.name;
    this.startedMicros = core.ctx.now;
    this.core.ctx.record("zab.leading", {});
    this.tick();
    this.maybeProposeEpoch();
  }

  receive(from: string, m: PeerMessage): void {
    if (!this.active || !this.core.config.members.includes(from)) return;
    const link = this.followers.get(from);
    if (link) link.lastHeardMicros = this.core.ctx.now;
    switch (m.type) {
      case "zab.followerinfo": return this.onFollowerInfo(from, m.acceptedEpoch);
      case "zab.ackepoch": return this.onAckEpoch(from, m.epoch, m.currentEpoch, m.lastZxid);
      case "zab.acknewleader": return this.onAckNewLeader(from, m.epoch);
      case "zab.ack": return m.epoch === this.epoch ? this.onAck(from, m.zxid) : undefined;
      case "zab.pong": return this.onPong(m.touched);
      case "zab.request": return m.epoch === this.epoch && this.established ? this.propose(m.txn, from, m.xid) : undefined;
      case "zab.revalidate": return this.answerRevalidate(from, m.sessionId);
      case "zab.sync": return this.queueSync(from, m.id);
      default: return; // messages for followers, or stale ones
    }
  }

  peerReset(peer: string): void {
    if (this.followers.delete(peer)) this.core.ctx.record("zab.follower-lost", { follower: peer });
  }

  stop(): void {
    this.active = false;
    for (const follower of this.followers.keys()) this.core.ctx.closeConnection(follower);
    this.followers.clear();
  }

  submit(txn: Submission, xid: number): void {
    assert(this.established, "client write at a leader that is not established");
    this.propose(txn, this.core.ctx.name, xid);
  }

  requestSync(id: number): void {
    this.queueSync(this.core.ctx.name, id);
  }

  revalidate(sessionId: number): void {
    this.core.clients.revalidated(sessionId, this.sessions.touch(sessionId, this.core.ctx.now));
  }

  touch(sessionId: number): void {
    this.sessions.touch(sessionId, this.core.ctx.now);
  }

  // ---- discovery and synchronisation ---------------------------------------------------

  private onFollowerInfo(from: string, acceptedEpoch: number): void {
    const known = this.followers.get(from);
    if (known) {
      // A repeated FOLLOWERINFO (the follower retries until it hears NEWEPOCH).
      if (known.phase === "epoch-sent") sendPeer(this.core.ctx, from, { type: "zab.newepoch", epoch: this.epoch }, 32);
      return;
    }
    this.followers.set(from, { phase: "info", syncedUpTo: 0, acceptedEpoch, lastHeardMicros: this.core.ctx.now });
    if (this.epoch >= 0) {
      this.sendNewEpoch(from);
      return;
    }
    this.maybeProposeEpoch();
  }

  /** Once a quorum (the leader included) has sent FOLLOWERINFO, choose the new epoch. */
  private maybeProposeEpoch(): void {
    const infos = [...this.followers.values()].filter((f) => f.phase === "info");
    if (infos.length + 1 < quorumSize(this.core.config)) return;
    const highest = Math.max(this.core.store.acceptedEpoch, ...infos.map((f) => f.acceptedEpoch));
    const epoch = highest + 1;
    this.epoch = epoch;
    this.core.store.setAcceptedEpoch(epoch, () => {
      if (!this.active) return;
      this.epochAcked.add(this.core.ctx.name);
      for (const [name, f] of this.followers) if (f.phase === "info") this.sendNewEpoch(name);
      this.maybeBecomeCurrent();
    });
  }

  private sendNewEpoch(to: string): void {
    this.followers.get(to)!.phase = "epoch-sent";
    sendPeer(this.core.ctx, to, { type: "zab.newepoch", epoch: this.epoch }, 32);
  }

  private onAckEpoch(from: string, epoch: number, currentEpoch: number, lastZxid: Zxid): void {
    const link = this.followers.get(from);
    if (!link || epoch !== this.epoch || link.phase !== "epoch-sent") return;
    const store = this.core.store;
    if (currentEpoch > store.currentEpoch || (currentEpoch === store.currentEpoch && lastZxid > store.lastZxid)) {
      // A follower knows more than we do: we must not lead (ZooKeeper's check in Leader.waitForEpochAck).
      this.core.goLooking(`follower ${from} is ahead`);
      return;
    }
    this.epochAcked.add(from);
    link.phase = "syncing";
    link.syncedUpTo = store.lastZxid;
    sendPeer(this.core.ctx, from, this.syncMessage(lastZxid), this.syncBytes(lastZxid));
    this.maybeBecomeCurrent();
  }

  private maybeBecomeCurrent(): void {
    if (this.becomingCurrent || this.epochAcked.size < quorumSize(this.core.config)) return;
    this.becomingCurrent = true;
    this.becomeCurrent();
  }

  /** The leader's own NEWLEADER acknowledgement: its currentEpoch is the new one. */
  private becomeCurrent(): void {
    this.core.store.setCurrentEpoch(this.epoch, () => {
      if (!this.active) return;
      this.newLeaderAcked.add(this.core.ctx.name);
      this.maybeEstablish();
    });
  }

  private syncMessage(followerLastZxid: Zxid): NewLeader {
    const store = this.core.store;
    const entries = store.entries;
    const index = followerLastZxid === 0 ? -1 : store.indexOfZxid(followerLastZxid);
    const diff = followerLastZxid === 0 || index >= 0;
    return {
      type: "zab.newleader",
      epoch: this.epoch,
      mode: diff ? "diff" : "snap",
      entries: entries.slice(index + 1),
      snapshot: diff ? null : this.core.tree.lastZxid === this.committedZxid ? this.core.tree : null,
      committedZxid: this.committedZxid,
    };
  }

  private syncBytes(followerLastZxid: Zxid): number {
    const index = followerLastZxid === 0 ? -1 : this.core.store.indexOfZxid(followerLastZxid);
    return 64 + (this.core.store.entries.length - index - 1) * this.core.config.entryBytes;
  }

  private onAckNewLeader(from: string, epoch: number): void {
    const link = this.followers.get(from);
    if (!link || epoch !== this.epoch || link.phase !== "syncing") return;
    link.phase = "synced";
    this.newLeaderAcked.add(from);
    // The follower flushed everything its sync carried, proposals still outstanding included.
    for (const [zxid, acked] of this.acks) if (zxid <= link.syncedUpTo) acked.add(from);
    if (this.established) {
      this.tryCommit();
      sendPeer(this.core.ctx, from, { type: "zab.uptodate", epoch: this.epoch, committedZxid: this.committedZxid }, 32);
    } else {
      this.maybeEstablish();
    }
  }

  private maybeEstablish(): void {
    if (this.established || !this.newLeaderAcked.has(this.core.ctx.name)) return;
    if (this.newLeaderAcked.size < quorumSize(this.core.config)) return;
    this.established = true;
    const store = this.core.store;
    const last = store.lastZxid;
    this.counter = epochOf(last) === this.epoch ? counterOf(last) : 0;
    this.commitUpTo(last);
    this.core.ctx.record("zab.established", { epoch: this.epoch, lastZxid: last });
    this.core.observer.leaderEstablished?.(this.core.ctx.name, this.epoch, this.core.ctx.now);
    for (const [id, info] of Object.entries(this.core.tree.sessions)) {
      this.sessions.add(Number(id), info.timeoutMicros, this.core.ctx.now);
    }
    for (const [name, f] of this.followers) {
      if (f.phase === "synced") sendPeer(this.core.ctx, name, { type: "zab.uptodate", epoch: this.epoch, committedZxid: last }, 32);
    }
    this.core.clients.startServing();
  }

  // ---- broadcast -----------------------------------------------------------------------

  private propose(submission: Submission, origin: string, xid: number): void {
    const zxid = makeZxid(this.epoch, ++this.counter);
    const txn: Txn =
      submission.kind === "newSession"
        ? { kind: "createSession", sessionId: zxid, timeoutMicros: submission.timeoutMicros }
        : submission;
    if (txn.kind === "createSession") this.sessions.add(txn.sessionId, txn.timeoutMicros, this.core.ctx.now);
    if (txn.kind === "closeSession") this.sessions.markClosing(txn.sessionId);
    const entry: LogEntry = { zxid, txn, origin, xid, sizeBytes: this.core.config.entryBytes };
    this.acks.set(zxid, new Set());
    const appended = this.core.store.append(entry, () => {
      if (this.active) this.onAck(this.core.ctx.name, zxid);
    });
    if (!appended) {
      this.core.goLooking("transaction log write failed (disk full)");
      return;
    }
    for (const [name, f] of this.followers) {
      if (f.phase === "syncing" || f.phase === "synced") {
        sendPeer(this.core.ctx, name, { type: "zab.proposal", epoch: this.epoch, entry }, entry.sizeBytes);
      }
    }
  }

  private onAck(from: string, zxid: Zxid): void {
    const acked = this.acks.get(zxid);
    if (!acked) return; // already committed
    acked.add(from);
    this.tryCommit();
  }

  /** Commits proposals strictly in zxid order, each once a quorum has it on disk. */
  private tryCommit(): void {
    const quorum = quorumSize(this.core.config);
    let next = this.committedZxid;
    for (const [zxid, acked] of this.acks) {
      if (acked.size < quorum) break;
      assert(acked.size >= quorum, "commit without a quorum");
      next = zxid;
    }
    if (next > this.committedZxid) this.commitUpTo(next);
  }

  private commitUpTo(zxid: Zxid): void {
    for (const z of [...this.acks.keys()]) if (z <= zxid) this.acks.delete(z);
    this.committedZxid = zxid;
    for (const [name, f] of this.followers) {
      if (f.phase === "synced" || f.phase === "syncing") {
        sendPeer(this.core.ctx, name, { type: "zab.commit", epoch: this.epoch, zxid }, 32);
      }
    }
    this.core.applyUpTo(zxid);
    // A committed closeSession leaves the tree's session table; the tracker follows it.
    this.sessions.retainOnly(this.core.tree.sessions);
    this.answerSyncs();
  }

  private onPong(touched: readonly number[]): void {
    for (const id of touched) this.sessions.touch(id, this.core.ctx.now);
  }

  private answerRevalidate(from: string, sessionId: number): void {
    const valid = this.established && this.sessions.touch(sessionId, this.core.ctx.now);
    sendPeer(this.core.ctx, from, { type: "zab.revalidated", sessionId, valid }, 32);
  }

  private queueSync(origin: string, id: number): void {
    const lastProposed = makeZxid(this.epoch, this.counter);
    this.pendingSyncs.push({ afterZxid: Math.max(lastProposed, this.committedZxid), id, origin });
    this.answerSyncs();
  }

  private answerSyncs(): void {
    while (this.pendingSyncs.length > 0 && this.pendingSyncs[0]!.afterZxid <= this.committedZxid) {
      const s = this.pendingSyncs.shift()!;
      if (s.origin === this.core.ctx.name) this.core.clients.syncDone(s.id);
      else sendPeer(this.core.ctx, s.origin, { type: "zab.syncdone", id: s.id }, 32);
    }
  }

  // ---- ticks: heartbeats, follower liveness, session expiry ------------------------------

  private tick(): void {
    const { ctx, config } = this.core;
    ctx.setTimer(config.tickMicros, "zab.leader-tick", () => {
      if (!this.active) return;
      const now = ctx.now;
      if (!this.established && now - this.startedMicros > config.initLimitTicks * config.tickMicros) {
        this.core.goLooking("no quorum synced within initLimit");
        return;
      }
      const silentLimit = config.syncLimitTicks * config.tickMicros;
      for (const [name, f] of [...this.followers]) {
        if (now - f.lastHeardMicros > silentLimit) {
          this.followers.delete(name);
          ctx.closeConnection(name);
          ctx.record("zab.follower-dropped", { follower: name });
        }
      }
      const synced = [...this.followers.values()].filter((f) => f.phase === "synced").length + 1;
      if (this.established && synced < quorumSize(config)) {
        this.core.goLooking("lost quorum of synced followers");
        return;
      }
      for (const name of this.followers.keys()) sendPeer(ctx, name, { type: "zab.ping", epoch: this.epoch }, 32);
      if (this.established) this.expireSessions();
      this.tick();
    });
  }

  private expireSessions(): void {
    for (const sessionId of this.sessions.takeExpired(this.core.ctx.now)) {
      this.core.ctx.record("zab.session-expired", { sessionId });
      this.propose({ kind: "closeSession", sessionId, reason: "expired" }, "", 0);
    }
  }
}
