import type { Message } from "../../sim/index.ts";
import type { KafkaError } from "./errors.ts";
import type { TopicPartition } from "./records.ts";

/**
 * The consumer group protocol (KIP-62 era, eager rebalancing, as Kafka's classic
 * GroupCoordinator speaks it): FindCoordinator, JoinGroup, SyncGroup, Heartbeat,
 * LeaveGroup, OffsetCommit and OffsetFetch. A group's coordinator is the leader of the
 * `__consumer_offsets` partition its id hashes to.
 */
interface GroupRequestBase extends Message {
  readonly correlationId: number;
}

export const CONSUMER_OFFSETS_TOPIC = "__consumer_offsets";
/** No generation yet (a member that has not joined) / no member id yet. */
export const NO_GENERATION = -1;
export const UNKNOWN_MEMBER_ID = "";

/** What a member tells the leader through JoinGroup (ConsumerProtocolSubscription). */
export interface Subscription {
  readonly topics: readonly string[];
  /** Partitions the member owned in the last generation (sticky assignors use it). */
  readonly ownedPartitions: readonly TopicPartition[];
  /** The generation `ownedPartitions` belong to, for the sticky assignor's tie-breaks. */
  readonly generation: number;
}

export interface FindCoordinatorRequest extends GroupRequestBase {
  readonly type: "kafka.find-coordinator";
  readonly groupId: string;
}
export interface FindCoordinatorResponse extends GroupRequestBase {
  readonly type: "kafka.find-coordinator.response";
  readonly error: KafkaError;
  /** The coordinator broker's id, or -1. */
  readonly nodeId: number;
}

export interface JoinGroupRequest extends GroupRequestBase {
  readonly type: "kafka.join-group";
  readonly groupId: string;
  readonly memberId: string;
  readonly sessionTimeoutMicros: number;
  /** max.poll.interval.ms: how long the coordinator waits for members to rejoin. */
  readonly rebalanceTimeoutMicros: number;
  /** Assignor names in the member's order of preference, each with its subscription. */
  readonly protocols: readonly { readonly name: string; readonly subscription: Subscription }[];
}
export interface JoinGroupMember {
  readonly memberId: string;
  readonly subscription: Subscription;
}
export interface JoinGroupResponse extends GroupRequestBase {
  readonly type: "kafka.join-group.response";
  readonly error: KafkaError;
  readonly generationId: number;
  /** The assignor the group agreed on. */
  readonly protocolName: string;
  readonly leader: string;
  readonly memberId: string;
  /** Every member and its subscription: for the leader only (empty for the others). */
  readonly members: readonly JoinGroupMember[];
}

export interface SyncGroupRequest extends GroupRequestBase {
  readonly type: "kafka.sync-group";
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
  /** The leader's assignment for every member; empty from the other members. */
  readonly assignments: readonly { readonly memberId: string; readonly partitions: readonly TopicPartition[] }[];
}
export interface SyncGroupResponse extends GroupRequestBase {
  readonly type: "kafka.sync-group.response";
  readonly error: KafkaError;
  readonly partitions: readonly TopicPartition[];
}

export interface HeartbeatRequest extends GroupRequestBase {
  readonly type: "kafka.heartbeat";
  readonly groupId: string;
  readonly generationId: number;
  readonly memberId: string;
}
export interface HeartbeatResponse extends GroupRequestBase {
  readonly type: "kafka.heartbeat.response";
  readonly error: KafkaError;
}

export interface LeaveGroupRequest extends GroupRequestBase {
  readonly type: "kafka.leave-group";
  readonly groupId: string;
  readonly memberId: string;
}
export interface LeaveGroupResponse extends GroupRequestBase {
  readonly type: "kafka.leave-group.response";
  readonly error: KafkaError;
}

export interface CommittedOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to consume (Kafka commits the position, not the last record). */
  readonly offset: number;
  /**
   * The leader epoch of the last record consumed before `offset` (OffsetCommit v6+, KIP-320),
   * so a member that starts from the commit can check it against the leader; absent if unknown.
   */
  readonly leaderEpoch?: number;
}

export interface OffsetCommitRequest extends GroupRequestBase {
  readonly type: "kafka.offset-commit";
  readonly groupId: string;
  /** NO_GENERATION and UNKNOWN_MEMBER_ID for a consumer outside any group (manual assignment). */
  readonly generationId: number;
  readonly memberId: string;
  readonly offsets: readonly CommittedOffset[];
}
export interface OffsetCommitResponse extends GroupRequestBase {
  readonly type: "kafka.offset-commit.response";
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly error: KafkaError }[];
}

export interface OffsetFetchRequest extends GroupRequestBase {
  readonly type: "kafka.offset-fetch";
  readonly groupId: string;
  readonly partitions: readonly TopicPartition[];
}
export interface OffsetFetchResponse extends GroupRequestBase {
  readonly type: "kafka.offset-fetch.response";
  readonly error: KafkaError;
  /** offset -1: nothing committed for that partition. */
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly offset: number; readonly leaderEpoch: number; readonly error: KafkaError }[];
}

export type GroupRequest =
  | FindCoordinatorRequest
  | JoinGroupRequest
  | SyncGroupRequest
  | HeartbeatRequest
  | LeaveGroupRequest
  | OffsetCommitRequest
  | OffsetFetchRequest;

export type GroupResponse =
  | FindCoordinatorResponse
  | JoinGroupResponse
  | SyncGroupResponse
  | HeartbeatResponse
  | LeaveGroupResponse
  | OffsetCommitResponse
  | OffsetFetchResponse;

/** Java's String.hashCode, so a group id maps to the same offsets partition as in Kafka. */
export function javaStringHashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h;
}

/** Kafka's partitionFor(groupId): Utils.abs(groupId.hashCode) % offsets.topic.num.partitions. */
export function offsetsPartitionFor(groupId: string, offsetsTopicPartitions: number): number {
  const h = javaStringHashCode(groupId);
  // Utils.abs maps Integer.MIN_VALUE to 0, unlike Math.abs.
  const abs = h === -2147483648 ? 0 : Math.abs(h);
  return abs % offsetsTopicPartitions;
}
