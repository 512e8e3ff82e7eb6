import type { EventHandle } from "../../../sim/index.ts";
import type { TopicPartition } from "../../protocol/records.ts";
import type { JoinGroupResponse, Subscription, SyncGroupResponse } from "../../protocol/groups.ts";

/** Kafka's group states (GroupState): a group waits for members, assigns, then is stable. */
export type GroupState = "Empty" | "PreparingRebalance" | "CompletingRebalance" | "Stable" | "Dead";

export type JoinCallback = (response: Omit<JoinGroupResponse, "type" | "correlationId">) => void;
export type SyncCallback = (response: Omit<SyncGroupResponse, "type" | "correlationId">) => void;

/** One member as the coordinator knows it (MemberMetadata). */
export interface MemberMetadata {
  readonly memberId: string;
  /** The node the member's requests come from (for the trace). */
  readonly clientNode: string;
  sessionTimeoutMicros: number;
  rebalanceTimeoutMicros: number;
  /** Assignor names with the member's subscription, in its order of preference. */
  protocols: readonly { readonly name: string; readonly subscription: Subscription }[];
  assignment: readonly TopicPartition[];
  /** A JoinGroup waiting for the rebalance to complete. */
  awaitingJoin: JoinCallback | null;
  /** A SyncGroup waiting for the leader's assignment. */
  awaitingSync: SyncCallback | null;
  /** The session expiry of this member: re-armed by each heartbeat. */
  heartbeatTimer: EventHandle;
  /** Bumped on each re-arm, so a stale expiry does nothing. */
  heartbeatEpoch: number;
}

/** A group as its coordinator holds it (GroupMetadata), with its committed offsets. */
export class GroupMetadata {
  state: GroupState = "Empty";
  generationId = 0;
  protocolName = "";
  leaderId: string | null = null;
  readonly members = new Map<string, MemberMetadata>();
  /** `topic-partition` -> the committed position. */
  readonly offsets = new Map<string, { topic: string; partition: number; offset: number; leaderEpoch?: number }>();
  /** The pending rebalance's completion timer. */
  joinTimer: EventHandle = -1;
  /** The rebalance started from an empty group: it waits out group.initial.rebalance.delay.ms. */
  initialDelay = false;
  /** When the current rebalance began (for durations in the trace). */
  rebalanceStartedMicros = 0;

  constructor(readonly groupId: string) {}

  /** Every member has sent its JoinGroup for this rebalance. */
  allMembersJoined(): boolean {
    for (const m of this.members.values()) if (m.awaitingJoin === null) return false;
    return true;
  }

  maxRebalanceTimeoutMicros(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMicros);
    return max;
  }

  /**
   * The assignor every member supports, chosen as Kafka does (GroupMetadata.selectProtocol):
   * each member votes for the first protocol of its list that all members support; the most
   * votes win, ties going to the name that sorts first.
   */
  selectProtocol(): string {
    const all = [...this.members.values()];
    const candidates = all[0]!.protocols.map((p) => p.name).filter((name) => all.every((m) => m.protocols.some((p) => p.name === name)));
    const votes = new Map<string, number>();
    for (const m of all) {
      const vote = m.protocols.find((p) => candidates.includes(p.name))?.name;
      if (vote) votes.set(vote, (votes.get(vote) ?? 0) + 1);
    }
    return [...votes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? all[0]!.protocols[0]!.name;
  }

  /** Does every member support at least one of these protocols (INCONSISTENT_GROUP_PROTOCOL otherwise)? */
  supportsProtocols(names: readonly string[]): boolean {
    if (this.members.size === 0) return true;
    return names.some((name) => [...this.members.values()].every((m) => m.protocols.some((p) => p.name === name)));
  }

  subscriptionOf(member: MemberMetadata): Subscription {
    return (member.protocols.find((p) => p.name === this.protocolName) ?? member.protocols[0]!).subscription;
  }
}
