import type { Message } from "../../sim/index.ts";
import type { OpResult, Op, TreeState, Txn, WatchEventType, Znode } from "./ZnodeTree.ts";
import type { ZkError } from "./errors.ts";
import type { Zxid } from "./zxid.ts";

/** One entry of a member's transaction log. `origin` and `xid` route the answer back to the client. */
export interface LogEntry {
  readonly zxid: Zxid;
  readonly txn: Txn;
  /** The member the client sent the request to, and the request's id there (or "" / 0). */
  readonly origin: string;
  readonly xid: number;
  readonly sizeBytes: number;
}

export type PeerState = "looking" | "following" | "leading";

// ---- between ensemble members (ZAB) ---------------------------------------------------

/** Fast leader election notification: "in round `round` I vote for `leader` at (epoch, zxid)". */
export interface Vote extends Message {
  readonly type: "zab.vote";
  readonly round: number;
  readonly leader: string;
  readonly epoch: number;
  readonly zxid: Zxid;
  readonly state: PeerState;
}
export interface FollowerInfo extends Message { readonly type: "zab.followerinfo"; readonly acceptedEpoch: number; readonly lastZxid: Zxid }
export interface NewEpoch extends Message { readonly type: "zab.newepoch"; readonly epoch: number }
export interface AckEpoch extends Message { readonly type: "zab.ackepoch"; readonly epoch: number; readonly currentEpoch: number; readonly lastZxid: Zxid }
/**
 * Synchronisation and NEWLEADER in one: `diff` sends the entries after the follower's last
 * zxid; `snap` replaces the follower's whole log (and hands over the committed snapshot).
 */
export interface NewLeader extends Message {
  readonly type: "zab.newleader";
  readonly epoch: number;
  readonly mode: "diff" | "snap";
  readonly entries: readonly LogEntry[];
  readonly snapshot: TreeState | null;
  readonly committedZxid: Zxid;
}
export interface AckNewLeader extends Message { readonly type: "zab.acknewleader"; readonly epoch: number }
export interface UpToDate extends Message { readonly type: "zab.uptodate"; readonly epoch: number; readonly committedZxid: Zxid }
export interface Proposal extends Message { readonly type: "zab.proposal"; readonly epoch: number; readonly entry: LogEntry }
export interface Ack extends Message { readonly type: "zab.ack"; readonly epoch: number; readonly zxid: Zxid }
export interface Commit extends Message { readonly type: "zab.commit"; readonly epoch: number; readonly zxid: Zxid }
/** The leader's heartbeat; the follower answers with the sessions its clients touched. */
export interface LeaderPing extends Message { readonly type: "zab.ping"; readonly epoch: number }
export interface FollowerPong extends Message { readonly type: "zab.pong"; readonly epoch: number; readonly touched: readonly number[] }
/** A client write forwarded by the member it is connected to. */
export interface ForwardedRequest extends Message {
  readonly type: "zab.request";
  readonly epoch: number;
  readonly txn: Txn | { readonly kind: "newSession"; readonly timeoutMicros: number };
  readonly xid: number;
}
export interface Revalidate extends Message { readonly type: "zab.revalidate"; readonly sessionId: number }
export interface Revalidated extends Message { readonly type: "zab.revalidated"; readonly sessionId: number; readonly valid: boolean }
export interface SyncRequest extends Message { readonly type: "zab.sync"; readonly id: number }
export interface SyncDone extends Message { readonly type: "zab.syncdone"; readonly id: number }

export type PeerMessage =
  | Vote | FollowerInfo | NewEpoch | AckEpoch | NewLeader | AckNewLeader | UpToDate | Proposal | Ack | Commit
  | LeaderPing | FollowerPong | ForwardedRequest | Revalidate | Revalidated | SyncRequest | SyncDone;

// ---- between a client and the member it is connected to -------------------------------

export interface ConnectRequest extends Message {
  readonly type: "zk.connect";
  /** 0 asks for a new session. */
  readonly sessionId: number;
  readonly timeoutMicros: number;
  /** The client never moves to a member that has seen less than it has. */
  readonly lastZxidSeen: Zxid;
}
export interface Connected extends Message { readonly type: "zk.connected"; readonly sessionId: number; readonly timeoutMicros: number }
export interface SessionExpired extends Message { readonly type: "zk.expired"; readonly sessionId: number }
export interface ClientPing extends Message { readonly type: "zk.ping" }
export interface ClientPong extends Message { readonly type: "zk.pong"; readonly zxid: Zxid }

export type ReadOp =
  | { readonly op: "getData"; readonly path: string; readonly watch: boolean }
  | { readonly op: "exists"; readonly path: string; readonly watch: boolean }
  | { readonly op: "getChildren"; readonly path: string; readonly watch: boolean }
  | { readonly op: "sync"; readonly path: string };

export type WriteOp =
  | { readonly op: "write"; readonly ops: readonly Op[]; readonly multi: boolean }
  | { readonly op: "close" };

export interface ClientRequest extends Message {
  readonly type: "zk.request";
  readonly xid: number;
  readonly request: ReadOp | WriteOp;
}

export type ReadResult =
  | { readonly ok: true; readonly node: Znode | null }
  | { readonly ok: false; readonly error: ZkError };

export interface ClientResponse extends Message {
  readonly type: "zk.response";
  readonly xid: number;
  /** The member's last applied zxid when it answered. */
  readonly zxid: Zxid;
  readonly read?: ReadResult;
  readonly write?: readonly OpResult[];
}
export interface WatchNotification extends Message { readonly type: "zk.watch"; readonly path: string; readonly event: WatchEventType }
/** Sent after a reconnect: re-register watches, firing those whose node changed since `relativeZxid`. */
export interface SetWatches extends Message {
  readonly type: "zk.setwatches";
  readonly relativeZxid: Zxid;
  readonly data: readonly string[];
  readonly exist: readonly string[];
  readonly child: readonly string[];
}

export type ClientToMember = ConnectRequest | ClientPing | ClientRequest | SetWatches;
export type MemberToClient = Connected | SessionExpired | ClientPong | ClientResponse | WatchNotification;

export function isPeerMessage(m: Message): m is PeerMessage {
  return m.type.startsWith("zab.");
}
