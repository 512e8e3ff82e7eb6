import { sendPeer } from "./send.ts";
import type { MemberCore, Role, Submission } from "./MemberCore.ts";
import type { LogEntry, NewLeader, PeerMessage } from "./messages.ts";
import type { TreeState } from "./ZnodeTree.ts";
import type { Zxid } from "./zxid.ts";

type Phase = "connecting" | "epoch-acked" | "synced-not-uptodate" | "uptodate";

/**
 * The follower's side of ZAB: FOLLOWERINFO, accept the new epoch (persisting it before
 * acknowledging), take the leader's history (DIFF or SNAP) and persist it with the new
 * currentEpoch before acknowledging NEWLEADER, then serve once UPTODATE arrives. Every
 * proposal is fsynced before it is acknowledged; commits are applied in zxid order.
 * A leader silent for syncLimit ticks (initLimit while syncing), or a reset connection,
 * sends the follower back to an election.
 */
export class FollowerRole implements Role {
  readonly kind = "following" as const;
  private phase: Phase = "connecting";
  private epoch = -1;
  private committedZxid: Zxid = 0;
  private snapshot: TreeState | null = null;
  private lastHeardMicros: number;
  private touched = new Set<number>();
  private active = true;

  constructor(
    private readonly core: MemberCore,
    readonly leader: string,
  ) {
    const { ctx } = core;
    this.lastHeardMicros = ctx.now;
    ctx.record("zab.following", { leader });
    this.sendFollowerInfo();
    this.tick();
  }

  /**
   * The leader may not have finished its own election yet and drops what it receives
   * meanwhile, so the follower repeats FOLLOWERINFO until NEWEPOCH comes (ZooKeeper's
   * learner likewise retries its connection to the leader).
   */
  private sendFollowerInfo(): void {
    if (!this.active || this.phase !== "connecting" || this.epoch >= 0) return;
    const { ctx, store, config } = this.core;
    sendPeer(ctx, this.leader, { type: "zab.followerinfo", acceptedEpoch: store.acceptedEpoch, lastZxid: store.lastZxid }, 64);
    ctx.setTimer(config.finalizeWaitMicros, "zab.followerinfo-retry", () => this.sendFollowerInfo());
  }

  receive(from: string, m: PeerMessage): void {
    if (!this.active || from !== this.leader) return;
    this.lastHeardMicros = this.core.ctx.now;
    switch (m.type) {
      case "zab.newepoch": return this.onNewEpoch(m.epoch);
      case "zab.newleader": return this.onNewLeader(m);
      case "zab.uptodate": return m.epoch === this.epoch ? this.onUpToDate(m.committedZxid) : undefined;
      case "zab.proposal": return m.epoch === this.epoch ? this.onProposal(m.entry) : undefined;
      case "zab.commit": return m.epoch === this.epoch ? this.onCommit(m.zxid) : undefined;
      case "zab.ping": return this.onPing();
      case "zab.revalidated": return this.core.clients.revalidated(m.sessionId, m.valid);
      case "zab.syncdone": return this.core.clients.syncDone(m.id);
      default: return;
    }
  }

  peerReset(peer: string): void {
    if (peer === this.leader && this.active) this.core.goLooking(`connection to leader ${peer} reset`);
  }

  stop(): void {
    this.active = false;
    this.core.ctx.closeConnection(this.leader);
  }

  submit(txn: Submission, xid: number): void {
    sendPeer(this.core.ctx, this.leader, { type: "zab.request", epoch: this.epoch, txn, xid }, this.core.config.entryBytes);
  }

  requestSync(id: number): void {
    sendPeer(this.core.ctx, this.leader, { type: "zab.sync", id }, 32);
  }

  revalidate(sessionId: number): void {
    sendPeer(this.core.ctx, this.leader, { type: "zab.revalidate", sessionId }, 32);
  }

  touch(sessionId: number): void {
    this.touched.add(sessionId);
  }

  private onNewEpoch(epoch: number): void {
    // The leader answers each repeated FOLLOWERINFO with NEWEPOCH again: only the first one
    // counts. Handling a repeat would acknowledge the epoch before it is on disk (the page
    // cache already reads it), and its late callback would set the phase back after NEWLEADER.
    if (this.phase !== "connecting" || this.epoch >= 0) return;
    const store = this.core.store;
    if (epoch < store.acceptedEpoch) {
      this.core.goLooking(`leader proposed epoch ${epoch} below accepted ${store.acceptedEpoch}`);
      return;
    }
    this.epoch = epoch;
    const ack = () => {
      if (!this.active || this.phase !== "connecting") return;
      this.phase = "epoch-acked";
      sendPeer(this.core.ctx, this.leader, { type: "zab.ackepoch", epoch, currentEpoch: store.currentEpoch, lastZxid: store.lastZxid }, 64);
    };
    if (epoch > store.acceptedEpoch) store.setAcceptedEpoch(epoch, ack);
    else ack();
  }

  private onNewLeader(m: NewLeader): void {
    if (m.epoch !== this.epoch || this.phase !== "epoch-acked") return;
    const store = this.core.store;
    if (m.mode === "snap") {
      store.replace(m.entries);
      this.snapshot = m.snapshot;
    } else {
      for (const entry of m.entries) {
        if (!store.appendUnflushed(entry)) {
          this.core.goLooking("transaction log write failed (disk full)");
          return;
        }
      }
    }
    this.committedZxid = Math.max(this.committedZxid, m.committedZxid);
    this.phase = "synced-not-uptodate";
    store.setCurrentEpoch(m.epoch, () =>
      store.flush(() => {
        if (this.active) sendPeer(this.core.ctx, this.leader, { type: "zab.acknewleader", epoch: m.epoch }, 32);
      }),
    );
  }

  private onUpToDate(committedZxid: Zxid): void {
    if (this.phase !== "synced-not-uptodate") return;
    this.phase = "uptodate";
    this.committedZxid = Math.max(this.committedZxid, committedZxid);
    // The applied tree starts over: the log may have been truncated or replaced by the sync.
    this.core.resetTree(this.snapshot);
    this.snapshot = null;
    this.core.applyUpTo(this.committedZxid);
    this.core.ctx.record("zab.uptodate", { epoch: this.epoch, committedZxid: this.committedZxid });
    this.core.clients.startServing();
  }

  private onProposal(entry: LogEntry): void {
    const appended = this.core.store.append(entry, () => {
      if (this.active) sendPeer(this.core.ctx, this.leader, { type: "zab.ack", epoch: this.epoch, zxid: entry.zxid }, 32);
    });
    if (!appended) this.core.goLooking("transaction log write failed (disk full)");
  }

  private onCommit(zxid: Zxid): void {
    this.committedZxid = Math.max(this.committedZxid, zxid);
    if (this.phase === "uptodate") this.core.applyUpTo(zxid);
  }

  private onPing(): void {
    const touched = [...this.touched].sort((a, b) => a - b);
    this.touched.clear();
    sendPeer(this.core.ctx, this.leader, { type: "zab.pong", epoch: this.epoch, touched }, 32 + 8 * touched.length);
  }

  private tick(): void {
    const { ctx, config } = this.core;
    ctx.setTimer(config.tickMicros, "zab.follower-tick", () => {
      if (!this.active) return;
      const limitTicks = this.phase === "uptodate" ? config.syncLimitTicks : config.initLimitTicks;
      if (ctx.now - this.lastHeardMicros > limitTicks * config.tickMicros) {
        this.core.goLooking(`leader ${this.leader} silent for ${limitTicks} ticks`);
        return;
      }
      this.tick();
    });
  }
}
