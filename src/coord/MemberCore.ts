import type { NodeContext } from "../../sim/index.ts";
import type { ClientService } from "./ClientService.ts";
import type { EnsembleConfig } from "./config.ts";
import type { ForwardedRequest, PeerMessage } from "./messages.ts";
import type { MemberStore } from "./MemberStore.ts";
import type { EnsembleObserver } from "./observer.ts";
import type { TreeState } from "./ZnodeTree.ts";
import type { Zxid } from "./zxid.ts";

/** A client write as the member that received it hands it to the leader. */
export type Submission = ForwardedRequest["txn"];

/** What a member's roles (leader, follower) and its client service share. */
export interface MemberCore {
  readonly ctx: NodeContext;
  readonly config: EnsembleConfig;
  readonly store: MemberStore;
  readonly clients: ClientService;
  readonly observer: EnsembleObserver;
  readonly tree: TreeState;
  /** Applies committed log entries, in order, up to and including `zxid`. */
  applyUpTo(zxid: Zxid): void;
  /** Starts the applied state over from a snapshot (or empty), before re-applying the log. */
  resetTree(snapshot: TreeState | null): void;
  /** Leaves the current role and starts an election. */
  goLooking(reason: string): void;
}

/** The part a member plays once an election has decided. */
export interface Role {
  readonly kind: "leading" | "following";
  readonly leader: string;
  receive(from: string, message: PeerMessage): void;
  peerReset(peer: string): void;
  stop(): void;
  /** A client write to replicate; `xid` routes the answer back to this member's client. */
  submit(txn: Submission, xid: number): void;
  /** ZooKeeper's sync: answer `id` once everything committed before now has been applied here. */
  requestSync(id: number): void;
  revalidate(sessionId: number): void;
  touch(sessionId: number): void;
}
