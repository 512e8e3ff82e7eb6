import type { Micros, NodeContext } from "../../../../sim/index.ts";
import type { KafkaError } from "../../../protocol/errors.ts";
import {
  NO_GENERATION,
  UNKNOWN_MEMBER_ID,
  type CommittedOffset,
  type JoinGroupMember,
  type JoinGroupRequest,
  type Subscription,
  type SyncGroupRequest,
} from "../../../protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";
import type { MetadataCache } from "../../metadata/MetadataCache.ts";
import type { NetworkClient } from "../../network/NetworkClient.ts";
import { assignorFor, compareTopicPartitions } from "../assignors/index.ts";
import { CoordinatorLink } from "./CoordinatorLink.ts";
import type { Generation } from "./Generation.ts";
import type { CommitKind, CommitResult, GroupConsumerObserver } from "./GroupConsumerObserver.ts";
import type { GroupConsumerOptions } from "./GroupConsumerOptions.ts";
import { GroupMembership } from "./GroupMembership.ts";
import { OffsetCommitter } from "./OffsetCommitter.ts";
import type { SubscriptionState } from "./SubscriptionState.ts";

/**
 * The application's rebalance callbacks (Kafka's ConsumerRebalanceListener). Revocation
 * runs before the member rejoins and may commit (commitSync) before calling `done`.
 */
export interface RebalanceListener {
  onPartitionsRevoked?(partitions: readonly TopicPartition[], done: () => void): void;
  onPartitionsAssigned?(partitions: readonly TopicPartition[], generation: number): void;
  onPartitionsLost?(partitions: readonly TopicPartition[]): void;
}

/** What the consumer does for its coordinator. */
export interface CoordinatorHost {
  /** Something a waiting poll() may act on happened. */
  readonly wakeup: () => void;
  /** True while the application is inside poll(). */
  polling(): boolean;
  /** The assignment is gone (revoked or lost): drop fetch positions and buffered records. */
  assignmentCleared(): void;
  /** OffsetFetch answered for `tp`: fetch from `committed`, or (null) from where auto.offset.reset says. */
  /** `epoch`: the committed leader epoch (-1: none), for the fetcher to validate the position against. */
  startFetching(tp: TopicPartition, committed: number | null, epoch: number): void;
  fatal(error: KafkaError): void;
}

/**
 * The consumer's side of the group protocol (Kafka's ConsumerCoordinator), eager
 * rebalancing: before each rejoin, auto-commit (waited for, retried within the rebalance
 * timeout) then revoke every partition; the leader runs the assignor the group agreed on
 * over every member's subscription (with fresh metadata for all their topics, whose
 * partition counts it then watches: a change makes it rejoin); after SyncGroup, the
 * committed offsets of the new partitions (OffsetFetch) are where fetching starts. From
 * poll() it also auto-commits the position every auto.commit.interval.ms.
 */
export class ConsumerCoordinator {
  readonly link: CoordinatorLink;
  readonly membership: GroupMembership;
  readonly committer: OffsetCommitter;
  /** The assignor's protocol name (Kafka's spelling). */
  readonly protocolName: string;
  listener: RebalanceListener = {};
  private isLeader = false;
  /** The partition counts the leader assigned from; null when not the leader. */
  private assignmentSnapshot: ReadonlyMap<string, number> | null = null;
  /** What the member owned in its last generation: the sticky assignors' memory across eager revocations. */
  private owned: { partitions: readonly TopicPartition[]; generation: number } = { partitions: [], generation: NO_GENERATION };
  private nextAutoCommitMicros: Micros;
  private joinPrepareDeadlineMicros = -1;
  /** The last poll() found the member in a stable generation with a known coordinator. */
  private active = false;
  private offsetFetchInFlight = false;
  private offsetFetchRetryMicros = 0;
  private metadataWaits: { topics: readonly string[]; minVersion: number; then: () => void }[] = [];

  constructor(
    private readonly ctx: NodeContext,
    network: NetworkClient,
    private readonly metadata: MetadataCache,
    private readonly subscriptions: SubscriptionState,
    private readonly options: GroupConsumerOptions,
    private readonly observer: GroupConsumerObserver,
    private readonly host: CoordinatorHost,
  ) {
    this.protocolName = assignorFor(options.partitionAssignmentStrategy).name;
    this.link = new CoordinatorLink(ctx, network, metadata, options, {
      discovered: () => this.membership.heartbeat.resetSessionTimeout(ctx.now),
      lost: () => host.wakeup(),
    });
    this.membership = new GroupMembership(ctx, this.link, options, {
      protocols: () => this.protocols(),
      onJoinPrepare: (previous, done) => this.onJoinPrepare(previous, done),
      onLeaderElected: (protocol, members, done) => this.onLeaderElected(protocol, members, done),
      onJoinComplete: (generation, partitions, started) => this.onJoinComplete(generation, partitions, started),
      wakeup: host.wakeup,
      fatal: (error) => host.fatal(error),
      left: (memberId, reason) => this.observer.leftGroup?.(memberId, reason, ctx.now),
      polling: () => host.polling(),
    });
    this.committer = new OffsetCommitter(ctx, this.link, this.membership, subscriptions, options, observer);
    this.nextAutoCommitMicros = ctx.now + options.autoCommitIntervalMicros;
  }

  // ---- from poll() ----------------------------------------------------------------------------

  /**
   * Kafka's ConsumerCoordinator.poll: find the coordinator, (re)join when needed, then
   * auto-commit when due. True when the member is in a stable generation.
   */
  poll(now: Micros): boolean {
    this.membership.pollHeartbeat(now);
    this.checkLeaderMetadata();
    this.active = this.membership.poll();
    if (!this.active) return false;
    this.maybeAutoCommit(now);
    this.updateFetchPositions(now);
    return true;
  }

  /**
   * How long a waiting poll() may sleep before the coordinator has something to do: the
   * retry back-off of a join step, the next auto-commit (only while in a stable group: a
   * lookup or a join under way wakes the poll itself when it ends).
   */
  timeToNextPoll(now: Micros): Micros {
    let next = Math.max(0, this.membership.retryAt - now);
    if (next === 0) next = Infinity;
    if (this.options.enableAutoCommit && this.active) next = Math.min(next, Math.max(0, this.nextAutoCommitMicros - now));
    if (this.offsetFetchRetryMicros > now) next = Math.min(next, this.offsetFetchRetryMicros - now);
    return next;
  }

  commitSync(offsets: readonly CommittedOffset[], done: (r: CommitResult) => void, kind: CommitKind = "sync"): void {
    this.committer.commitSync(offsets, kind, done);
  }

  commitAsync(offsets: readonly CommittedOffset[], done?: (r: CommitResult) => void, kind: CommitKind = "async"): void {
    this.committer.commitAsync(offsets, kind, done);
  }

  /** The metadata changed: leader waits may be over, and the leader checks its partition counts. */
  metadataUpdated(): void {
    const ready = this.metadataWaits.filter((w) => this.metadataReady(w));
    this.metadataWaits = this.metadataWaits.filter((w) => !ready.includes(w));
    if (this.metadataWaits.length > 0) this.metadata.requestUpdate(); // the answer lacked a topic: ask again
    for (const w of ready) w.then();
    this.checkLeaderMetadata();
  }

  close(): void {
    this.membership.close();
    this.committer.close();
    this.link.close();
    this.metadataWaits = [];
  }

  // ---- auto-commit and positions ------------------------------------------------------------

  private maybeAutoCommit(now: Micros): void {
    if (!this.options.enableAutoCommit) return;
    if (this.link.known === null) {
      this.nextAutoCommitMicros = now + this.options.retryBackoffMicros;
      return;
    }
    if (now < this.nextAutoCommitMicros) return;
    this.nextAutoCommitMicros = now + this.options.autoCommitIntervalMicros;
    this.committer.commitAsync(this.subscriptions.allConsumed(), "auto", (r) => {
      if (!r.ok && r.retriable) this.nextAutoCommitMicros = Math.min(this.ctx.now + this.options.retryBackoffMicros, this.nextAutoCommitMicros);
    });
  }

  /** Kafka's refreshCommittedOffsetsIfNeeded: one OffsetFetch for the partitions still without a position. */
  private updateFetchPositions(now: Micros): void {
    if (this.offsetFetchInFlight || now < this.offsetFetchRetryMicros) return;
    const partitions = this.subscriptions.awaitingCommitted();
    if (partitions.length === 0) return;
    const version = this.subscriptions.assignmentVersion;
    this.offsetFetchInFlight = true;
    this.committer.fetchCommitted(partitions, (result) => {
      this.offsetFetchInFlight = false;
      if (version !== this.subscriptions.assignmentVersion) return this.host.wakeup();
      if (!result.ok) {
        this.offsetFetchRetryMicros = this.ctx.now + this.options.retryBackoffMicros;
        if (!result.retriable) this.ctx.record("consumer.offset-fetch-failed", { group: this.options.groupId, error: result.error });
        return this.host.wakeup();
      }
      for (const tp of partitions) {
        const committed = result.offsets.get(tpKey(tp)) ?? -1;
        const epoch = committed >= 0 ? (result.leaderEpochs.get(tpKey(tp)) ?? -1) : -1;
        this.subscriptions.committedAsked(tp);
        if (committed >= 0) {
          this.subscriptions.setCommitted(tp, committed);
          this.subscriptions.setPosition(tp, committed, epoch);
        }
        this.host.startFetching(tp, committed >= 0 ? committed : null, epoch);
      }
      this.host.wakeup();
    });
  }

  // ---- the rebalance --------------------------------------------------------------------------

  private protocols(): JoinGroupRequest["protocols"] {
    const subscription: Subscription = {
      topics: this.subscriptions.topics,
      ownedPartitions: this.owned.partitions,
      generation: this.owned.generation,
    };
    return [{ name: this.protocolName, subscription }];
  }

  private onJoinPrepare(previous: Generation, done: (ready: boolean) => void): void {
    const now = this.ctx.now;
    if (this.joinPrepareDeadlineMicros < 0) this.joinPrepareDeadlineMicros = now + this.options.maxPollIntervalMicros;
    if (!this.options.enableAutoCommit) return this.revoke(previous, done);
    // Commit what the application consumed before giving the partitions up; retriable
    // failures are tried again (the join waits) until the rebalance timeout.
    this.committer.commitAsync(this.subscriptions.allConsumed(), "auto", (r) => {
      if (!r.ok && r.retriable && this.ctx.now < this.joinPrepareDeadlineMicros) return done(false);
      this.revoke(previous, done);
    });
  }

  private revoke(previous: Generation, done: (ready: boolean) => void): void {
    const now = this.ctx.now;
    const partitions = this.subscriptions.assignedPartitions();
    const finish = () => {
      this.subscriptions.clear();
      this.host.assignmentCleared();
      this.isLeader = false;
      this.assignmentSnapshot = null;
      this.joinPrepareDeadlineMicros = -1;
      done(true);
    };
    const lost = previous.generationId === NO_GENERATION || previous.memberId === UNKNOWN_MEMBER_ID;
    if (lost) {
      if (partitions.length > 0) {
        this.observer.partitionsLost?.(partitions, previous.memberId, now);
        this.listener.onPartitionsLost?.(partitions);
      }
      return finish();
    }
    this.observer.partitionsRevoked?.(partitions, previous.generationId, previous.memberId, now);
    if (this.listener.onPartitionsRevoked) return this.listener.onPartitionsRevoked(partitions, finish);
    finish();
  }

  private onLeaderElected(protocolName: string, members: readonly JoinGroupMember[], done: (a: SyncGroupRequest["assignments"]) => void): void {
    this.isLeader = true;
    const subscriptions = new Map(members.map((m) => [m.memberId, m.subscription]));
    const topics = [...new Set(members.flatMap((m) => m.subscription.topics))].sort();
    this.awaitMetadata(topics, () => {
      const counts = new Map<string, number>();
      for (const t of topics) {
        const n = this.metadata.partitionCount(t);
        if (n !== undefined) counts.set(t, n);
      }
      // Kafka's MetadataSnapshot: a topic without metadata counts as none, so its arrival is a change too.
      this.assignmentSnapshot = new Map(topics.map((t) => [t, counts.get(t) ?? 0]));
      const assignment = assignorFor(protocolName).assign(counts, subscriptions);
      const ids = [...subscriptions.keys()].sort();
      done(ids.map((memberId) => ({ memberId, partitions: [...(assignment.get(memberId) ?? [])].sort(compareTopicPartitions) })));
    });
  }

  private onJoinComplete(generation: Generation, partitions: readonly TopicPartition[], startedMicros: Micros): void {
    if (!this.isLeader) this.assignmentSnapshot = null;
    this.subscriptions.assignFromSubscribed(partitions);
    this.owned = { partitions, generation: generation.generationId };
    this.nextAutoCommitMicros = this.ctx.now + this.options.autoCommitIntervalMicros;
    for (const tp of partitions) this.metadata.addTopic(tp.topic);
    this.observer.partitionsAssigned?.(partitions, generation.generationId, generation.memberId, startedMicros, this.ctx.now);
    this.listener.onPartitionsAssigned?.(partitions, generation.generationId);
  }

  /**
   * The leader's metadata for every member's topics (Kafka's updateGroupSubscription and
   * ensureFreshMetadata): at once when all are known; otherwise the new topics are tracked
   * and the assignment waits until an answer names them all (or two answers did not: a
   * topic that does not exist gets no partitions).
   */
  private awaitMetadata(topics: readonly string[], then: () => void): void {
    if (this.knowsPartitions(topics)) return then();
    for (const t of topics) this.metadata.addTopic(t);
    this.metadata.requestUpdate();
    this.metadataWaits.push({ topics, minVersion: this.metadata.version + 1, then });
  }

  private metadataReady(w: { topics: readonly string[]; minVersion: number }): boolean {
    const v = this.metadata.version;
    return v >= w.minVersion + 1 || (v >= w.minVersion && this.knowsPartitions(w.topics));
  }

  private knowsPartitions(topics: readonly string[]): boolean {
    return topics.every((t) => this.metadata.partitionCount(t) !== undefined);
  }

  /** The leader rejoins when a subscribed topic's known partition count changed since it assigned. */
  private checkLeaderMetadata(): void {
    const snapshot = this.assignmentSnapshot;
    if (!this.isLeader || snapshot === null || this.membership.state !== "stable") return;
    let unknown = false;
    for (const [topic, count] of snapshot) {
      // A topic missing from an answer (a restarted broker without metadata yet) is no change,
      // but the leader keeps asking until it knows the topic again (as Kafka's Metadata does
      // after a topic error).
      const now = this.metadata.partitionCount(topic);
      if (now === undefined) unknown = true;
      else if (now !== count) {
        this.assignmentSnapshot = null;
        return this.membership.requestRejoin(`partitions of ${topic} changed from ${count} to ${now}`);
      }
    }
    if (unknown) this.metadata.requestUpdate();
  }
}
