import type { KafkaRecord, TopicPartition } from "../../protocol/records.ts";
import type { Subscription } from "../../protocol/groups.ts";
import { GroupMetadata, type MemberMetadata } from "./GroupMetadata.ts";

/** A record for __consumer_offsets: a key (compaction keeps the latest per key) and its content. */
export interface InternalRecord {
  readonly key: string;
  readonly payload: OffsetPayload | GroupPayload;
  readonly sizeBytes: number;
}

export interface OffsetPayload {
  readonly kind: "offset";
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** The committed leader epoch (-1: none given). */
  readonly leaderEpoch: number;
}

export interface GroupPayload {
  readonly kind: "group";
  readonly group: string;
  readonly generation: number;
  readonly protocol: string;
  readonly leader: string | null;
  readonly state: "Empty" | "Stable";
  readonly members: readonly {
    readonly memberId: string;
    readonly clientNode: string;
    readonly sessionTimeoutMicros: number;
    readonly rebalanceTimeoutMicros: number;
    readonly subscription: Subscription;
    readonly protocolName: string;
    readonly assignment: readonly TopicPartition[];
  }[];
}

export function offsetRecord(group: string, topic: string, partition: number, offset: number, leaderEpoch = -1): InternalRecord {
  return { key: `offset:${group}:${topic}:${partition}`, payload: { kind: "offset", group, topic, partition, offset, leaderEpoch }, sizeBytes: 64 + group.length + topic.length };
}

export function groupRecord(group: GroupMetadata): InternalRecord {
  const members = [...group.members.values()].map((m) => ({
    memberId: m.memberId,
    clientNode: m.clientNode,
    sessionTimeoutMicros: m.sessionTimeoutMicros,
    rebalanceTimeoutMicros: m.rebalanceTimeoutMicros,
    subscription: group.subscriptionOf(m),
    protocolName: group.protocolName,
    assignment: m.assignment,
  }));
  return {
    key: `group:${group.groupId}`,
    payload: { kind: "group", group: group.groupId, generation: group.generationId, protocol: group.protocolName, leader: group.leaderId, state: members.length === 0 ? "Empty" : "Stable", members },
    sizeBytes: 64 + 64 * members.length,
  };
}

/**
 * Rebuilds groups and their committed offsets from an offsets partition, as a new
 * coordinator does (GroupMetadataManager.loadGroupsAndOffsets): the latest record per key
 * wins. A loaded group with members is Stable in its stored generation; its members keep
 * their assignment if they heartbeat before their session runs out.
 */
export function loadGroups(records: readonly KafkaRecord[]): GroupMetadata[] {
  const groups = new Map<string, GroupMetadata>();
  const get = (id: string) => {
    let g = groups.get(id);
    if (!g) groups.set(id, (g = new GroupMetadata(id)));
    return g;
  };
  for (const r of records) {
    const p = r.payload as OffsetPayload | GroupPayload | undefined;
    if (!p) continue;
    if (p.kind === "offset") {
      get(p.group).offsets.set(`${p.topic}-${p.partition}`, { topic: p.topic, partition: p.partition, offset: p.offset, leaderEpoch: p.leaderEpoch });
      continue;
    }
    const g = get(p.group);
    g.generationId = p.generation;
    g.protocolName = p.protocol;
    g.leaderId = p.leader;
    g.state = p.members.length === 0 ? "Empty" : "Stable";
    g.members.clear();
    for (const m of p.members) {
      const member: MemberMetadata = {
        memberId: m.memberId,
        clientNode: m.clientNode,
        sessionTimeoutMicros: m.sessionTimeoutMicros,
        rebalanceTimeoutMicros: m.rebalanceTimeoutMicros,
        protocols: [{ name: m.protocolName, subscription: m.subscription }],
        assignment: m.assignment,
        awaitingJoin: null,
        awaitingSync: null,
        heartbeatTimer: -1,
        heartbeatEpoch: 0,
      };
      g.members.set(m.memberId, member);
    }
  }
  return [...groups.values()].sort((a, b) => (a.groupId < b.groupId ? -1 : 1));
}
