import type { Micros } from "../../../../sim/index.ts";
import type {
  FindCoordinatorRequest,
  FindCoordinatorResponse,
  HeartbeatRequest,
  HeartbeatResponse,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResponse,
  OffsetFetchRequest,
  OffsetFetchResponse,
  SyncGroupRequest,
  SyncGroupResponse,
} from "../../../protocol/groups.ts";
import type { ClientRequest, NetworkClient, Outcome } from "../../network/NetworkClient.ts";

/** The group requests a consumer sends, without the correlation id the network client stamps on them. */
export type GroupClientRequest =
  | Omit<FindCoordinatorRequest, "correlationId">
  | Omit<JoinGroupRequest, "correlationId">
  | Omit<SyncGroupRequest, "correlationId">
  | Omit<HeartbeatRequest, "correlationId">
  | Omit<LeaveGroupRequest, "correlationId">
  | Omit<OffsetCommitRequest, "correlationId">
  | Omit<OffsetFetchRequest, "correlationId">;

/** The response type that answers each group request type. */
export interface GroupResponseOf {
  "kafka.find-coordinator": FindCoordinatorResponse;
  "kafka.join-group": JoinGroupResponse;
  "kafka.sync-group": SyncGroupResponse;
  "kafka.heartbeat": HeartbeatResponse;
  "kafka.leave-group": LeaveGroupResponse;
  "kafka.offset-commit": OffsetCommitResponse;
  "kafka.offset-fetch": OffsetFetchResponse;
}

/**
 * Sends a group request through the shared NetworkClient. The network client's own request
 * union names only the data-path requests; group requests travel the same way (correlation
 * id, timeout, failure on a lost connection), so this is the one place that widens it.
 */
export function sendGroupRequest<T extends GroupClientRequest>(
  network: NetworkClient,
  broker: number,
  request: T,
  sizeBytes: number,
  complete: (outcome: Outcome<GroupResponseOf[T["type"]]>) => void,
  timeoutMicros?: Micros,
): number {
  return network.send(
    broker,
    request as unknown as ClientRequest,
    sizeBytes,
    complete as never,
    timeoutMicros,
  );
}
