import type { Micros } from "../../../../sim/index.ts";
import type { KafkaError } from "../../../protocol/errors.ts";
import type { CommittedOffset } from "../../../protocol/groups.ts";
import type { TopicPartition } from "../../../protocol/records.ts";
import type { ConsumedRecord, FetchStopReason } from "../Fetcher.ts";
import type { ConsumerRecords } from "../ConsumerRecords.ts";
import type { CoordinatorFailure } from "./CoordinatorLink.ts";

/** Who asked for a commit: the application (commitSync / commitAsync), auto-commit in poll(), or the rejoin (onJoinPrepare, close). */
export type CommitKind = "sync" | "async" | "auto";

/**
 * Why a commit failed. The coordinator's errors, a request that got no answer, and the
 * client's own:
 * - ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID (Kafka's CommitFailedException) and
 *   REBALANCE_IN_PROGRESS: the member's generation is over; the partitions now belong to
 *   another member, which starts from the last successful commit;
 * - NOT_IN_GROUP: the member is not in a generation (it left after a poll timeout, or a
 *   heartbeat found it fenced), so nothing was sent (also a CommitFailedException);
 * - TIMEOUT: commitSync kept meeting retriable errors for default.api.timeout.ms;
 * - CONSUMER_CLOSED: the consumer closed first.
 */
export type CommitError = KafkaError | CoordinatorFailure | "NOT_IN_GROUP" | "TIMEOUT" | "CONSUMER_CLOSED";

/** The errors Kafka reports as CommitFailedException or RebalanceInProgressException: the generation is gone. */
export function isFencedCommit(error: CommitError): boolean {
  return error === "ILLEGAL_GENERATION" || error === "UNKNOWN_MEMBER_ID" || error === "REBALANCE_IN_PROGRESS" || error === "NOT_IN_GROUP";
}

export type CommitResult =
  | { readonly ok: true; readonly offsets: readonly CommittedOffset[]; readonly generationId: number }
  | {
      readonly ok: false;
      readonly offsets: readonly CommittedOffset[];
      readonly generationId: number;
      readonly error: CommitError;
      /** Kafka's RetriableCommitFailedException: trying again may succeed. */
      readonly retriable: boolean;
    };

/**
 * What a group consumer and its host report, for the run's record: which member processed
 * which record in which generation, commits and their fate, and the rebalances with their
 * times. All optional; times are simulated microseconds.
 */
export interface GroupConsumerObserver {
  /** poll() returned `records` (before the host processes them), in `generation` of `memberId`. */
  polled?(records: ConsumerRecords, generation: number, memberId: string, atMicros: Micros): void;
  /**
   * The host finished processing a record: its side effect happened. `generation` and
   * `memberId` are those of the poll that returned it (a zombie's are stale by now).
   */
  processed?(record: ConsumedRecord, generation: number, memberId: string, atMicros: Micros): void;
  /**
   * The host processed every record of a poll at once (no processing time): as `processed`
   * for each in turn, read from the runs. An observer without it gets `processed` per record.
   */
  processedAll?(records: ConsumerRecords, generation: number, memberId: string, atMicros: Micros): void;
  commitSucceeded?(offsets: readonly CommittedOffset[], generation: number, kind: CommitKind, atMicros: Micros): void;
  commitFailed?(offsets: readonly CommittedOffset[], generation: number, error: CommitError, kind: CommitKind, atMicros: Micros): void;
  /** Before rejoining, the member gave up its partitions (eager protocol: all of them). */
  partitionsRevoked?(partitions: readonly TopicPartition[], generation: number, memberId: string, atMicros: Micros): void;
  /** Like revoked, but the generation was already gone (fenced or left): the partitions may be owned by another member already. */
  partitionsLost?(partitions: readonly TopicPartition[], memberId: string, atMicros: Micros): void;
  /**
   * SyncGroup gave the member its partitions in `generation`. `rebalanceStartedMicros` is
   * when this member sent the first JoinGroup of the rebalance (Kafka's rebalance latency
   * runs from there to now).
   */
  partitionsAssigned?(
    partitions: readonly TopicPartition[],
    generation: number,
    memberId: string,
    rebalanceStartedMicros: Micros,
    atMicros: Micros,
  ): void;
  /** The member left its group: `reason` is the poll timeout or the close. */
  leftGroup?(memberId: string, reason: string, atMicros: Micros): void;
  /** A partition stopped fetching (no committed offset with auto.offset.reset=none). */
  fetchStopped?(tp: TopicPartition, reason: FetchStopReason, atMicros: Micros): void;
  /** An error Kafka throws from poll() and does not retry (INCONSISTENT_GROUP_PROTOCOL, ...): the consumer stops. */
  failed?(error: KafkaError, atMicros: Micros): void;
}
