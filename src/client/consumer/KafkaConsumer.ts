import { assert, type Message, type Micros, type NodeContext } from "../../../sim/index.ts";
import { PLANTED } from "../../protocol/plantedBugs.ts";
import type { KafkaError } from "../../protocol/errors.ts";
import type { CommittedOffset } from "../../protocol/groups.ts";
import type { TopicPartition } from "../../protocol/records.ts";
import { brokerIdOf } from "../../protocol/requests.ts";
import { MetadataCache } from "../metadata/MetadataCache.ts";
import { NetworkClient, type CorrelationIds } from "../network/NetworkClient.ts";
import { WakeTimer } from "../WakeTimer.ts";
import { Fetcher } from "./Fetcher.ts";
import { ConsumerRecords } from "./ConsumerRecords.ts";
import type { FetchedRecords } from "./FetchedRecords.ts";
import { ConsumerCoordinator, type RebalanceListener } from "./group/ConsumerCoordinator.ts";
import { FetchBuffer } from "./group/FetchBuffer.ts";
import type { Generation, MemberState } from "./group/Generation.ts";
import type { CommitResult, GroupConsumerObserver } from "./group/GroupConsumerObserver.ts";
import { groupConsumerOptions, type GroupConsumerOptions } from "./group/GroupConsumerOptions.ts";
import { SubscriptionState } from "./group/SubscriptionState.ts";

export interface KafkaConsumerExtras {
  readonly observer?: GroupConsumerObserver;
  /** Shared with the other clients of the same process (see CorrelationIds). */
  readonly correlationIds?: CorrelationIds;
}

export interface KafkaConsumerStats {
  polls: number;
  /** Records poll() returned. */
  records: number;
}

interface PendingPoll {
  readonly deadlineMicros: Micros;
  readonly callback: (records: ConsumerRecords) => void;
}

/**
 * Kafka's KafkaConsumer with subscribe(): a member of a consumer group, as a library hosted
 * in a process (the hosting contract is the producer's: `start`, then every message for
 * which `handles` is true to `receive`, every connection reset to `connectionReset`).
 *
 * The kernel has no threads, so the calls that block in Kafka take a callback: the caller
 * is the application thread, blocked until its callback runs, and must not call poll() or
 * commitSync() again meanwhile. What Kafka's background threads do (heartbeats, the
 * network) goes on in between.
 *
 * - poll(timeout, cb): finds the coordinator, joins or rejoins the group when needed
 *   (revoking everything first: eager rebalancing), auto-commits when due, looks up the
 *   committed offsets of new partitions, and hands `cb` up to max.poll.records fetched
 *   records as soon as there are any, or none when the timeout passes. Positions move past
 *   what poll() returns; fetching happens while the application polls (plus one request
 *   sent as poll() returns, as Kafka's fetcher pipelines), never into a non-empty buffer.
 * - commitSync / commitAsync: the positions (or given offsets) with the member's generation.
 * - close: auto-commit, revoke, LeaveGroup.
 */
export class KafkaConsumer {
  readonly options: GroupConsumerOptions;
  readonly metadata: MetadataCache;
  readonly stats: KafkaConsumerStats = { polls: 0, records: 0 };
  private readonly network: NetworkClient;
  private readonly subscriptions = new SubscriptionState();
  private readonly buffer = new FetchBuffer();
  private readonly fetcher: Fetcher;
  private readonly coordinator: ConsumerCoordinator;
  private readonly pollWake: WakeTimer;
  private readonly observer: GroupConsumerObserver;
  private pending: PendingPoll | null = null;
  /** True while the fetches that pipeline the next poll() go out, as poll() returns. */
  private prefetching = false;
  private closing = false;
  private closed = false;
  private fatalError: KafkaError | null = null;

  constructor(
    private readonly ctx: NodeContext,
    options: Partial<GroupConsumerOptions> & { readonly groupId: string },
    extras: KafkaConsumerExtras = {},
  ) {
    this.options = groupConsumerOptions(options);
    const o = this.options;
    this.observer = extras.observer ?? {};
    this.network = new NetworkClient(ctx, {
      requestTimeoutMicros: o.requestTimeoutMicros,
      reconnectBackoffMicros: o.reconnectBackoffMicros,
      correlationIds: extras.correlationIds,
      label: "consumer",
    });
    this.metadata = new MetadataCache(ctx, this.network, o, () => this.metadataUpdated());
    this.fetcher = new Fetcher(ctx, o, this.network, this.metadata, {
      fetched: (tp, records, nextOffset) => this.fetched(tp, records, nextOffset),
      positionReset: (tp, offset, epoch) => this.subscriptions.setPosition(tp, offset, epoch),
      stopped: (tp, reason) => this.observer.fetchStopped?.(tp, reason, ctx.now),
      fetchable: (tp) => this.polling() && !this.buffer.has(tp),
    }, "consumer.fetch");
    this.coordinator = new ConsumerCoordinator(ctx, this.network, this.metadata, this.subscriptions, o, this.observer, {
      wakeup: this.wakeup,
      polling: () => this.polling(),
      assignmentCleared: () => this.assignmentCleared(),
      startFetching: (tp, committed, epoch) => this.fetcher.add(tp, committed, epoch),
      fatal: (error) => this.fatal(error),
    });
    this.pollWake = new WakeTimer(ctx, "consumer.poll", () => this.step());
  }

  /** Nothing runs before subscribe() and the first poll(); kept for the hosting contract. */
  start(): void {}

  // ---- the API ----------------------------------------------------------------------------

  /** Subscribes to `topics` (replacing any earlier subscription; a change makes the member rejoin). */
  subscribe(topics: readonly string[], listener: RebalanceListener = {}): void {
    assert(topics.length > 0, "consumer: subscribe to at least one topic");
    const before = this.subscriptions.topics.join(",");
    this.subscriptions.subscribe(topics);
    this.coordinator.listener = listener;
    for (const t of this.subscriptions.topics) this.metadata.addTopic(t);
    if (before !== "" && before !== this.subscriptions.topics.join(",")) this.coordinator.membership.requestRejoin("subscription changed");
  }

  /**
   * Waits up to `timeoutMicros` for records and hands them to `callback` (possibly none).
   * One poll at a time: the callback must run before the next poll() (or a commit) starts.
   */
  poll(timeoutMicros: Micros, callback: (records: ConsumerRecords) => void): void {
    assert(!this.closed && !this.closing, "consumer: poll() after close()");
    assert(this.pending === null, "consumer: poll() while another poll() is waiting");
    assert(this.subscriptions.topics.length > 0, "consumer: poll() before subscribe()");
    this.stats.polls++;
    this.pending = { deadlineMicros: this.ctx.now + Math.max(0, timeoutMicros), callback };
    this.coordinator.membership.pollHeartbeat(this.ctx.now);
    this.pollWake.wakeNow();
  }

  /** Commits `offsets` (default: every position, Kafka's allConsumed), retrying retriable errors until default.api.timeout.ms. */
  commitSync(done: (result: CommitResult) => void, offsets: readonly CommittedOffset[] = this.subscriptions.allConsumed()): void {
    this.coordinator.commitSync(offsets, done);
  }

  /** Commits `offsets` (default: every position) once, without retries. */
  commitAsync(done?: (result: CommitResult) => void, offsets: readonly CommittedOffset[] = this.subscriptions.allConsumed()): void {
    this.coordinator.commitAsync(offsets, done);
  }

  /** Moves the position of an assigned partition; what was fetched for it is dropped. */
  seek(tp: TopicPartition, offset: number): void {
    assert(this.subscriptions.isAssigned(tp), () => `consumer: seek on ${tp.topic}-${tp.partition}, which is not assigned`);
    this.buffer.remove(tp);
    this.subscriptions.setPosition(tp, offset, -1);
    if (this.fetcher.has(tp)) this.fetcher.seek(tp, offset);
  }

  /**
   * Kafka's close(): an auto-committing consumer commits its positions (synchronously), the
   * partitions are revoked, the member leaves its group (LeaveGroup); `done` runs when all
   * of that finished.
   */
  close(done: () => void = () => {}): void {
    if (this.closed || this.closing) return done();
    this.closing = true;
    this.finishPoll(ConsumerRecords.EMPTY);
    const leave = () => {
      if (this.closed) return done();
      this.coordinator.membership.maybeLeaveGroup("the consumer is being closed", () => {
        this.shutdown();
        done();
      });
    };
    const revoke = () => this.revokeOnClose(leave);
    const stable = this.coordinator.membership.generationIfStable !== null;
    if (this.options.enableAutoCommit && stable) {
      this.coordinator.commitSync(this.subscriptions.allConsumed(), () => revoke(), "auto");
    } else revoke();
  }

  // ---- what the application may look at ----------------------------------------------------------

  assignment(): TopicPartition[] {
    return this.subscriptions.assignedPartitions();
  }

  /** The offset of the next record poll() returns for `tp` (null when unknown or not assigned). */
  position(tp: TopicPartition): number | null {
    return this.subscriptions.position(tp);
  }

  /** The last committed offset this member knows for `tp` (its own commits and OffsetFetch). */
  committed(tp: TopicPartition): number | null {
    return this.subscriptions.committed(tp);
  }

  /** The high watermark the last fetch of `tp` reported (-1 before any). */
  highWatermark(tp: TopicPartition): number {
    return this.fetcher.highWatermark(tp);
  }

  get generation(): Generation {
    return this.coordinator.membership.generation;
  }

  get memberState(): MemberState {
    return this.coordinator.membership.state;
  }

  get coordinatorId(): number | null {
    return this.coordinator.link.known;
  }

  /** An error Kafka would have thrown from poll() (the consumer stopped), or null. */
  get failure(): KafkaError | null {
    return this.fatalError;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Counters of the group protocol, for tests and the run summary. */
  get groupStats(): { rebalances: number; failedJoins: number; heartbeats: number; commits: number; failedCommits: number; fetches: number } {
    const m = this.coordinator.membership.stats;
    const c = this.coordinator.committer.stats;
    return { ...m, commits: c.commits, failedCommits: c.failed, fetches: this.fetcher.stats.fetches };
  }

  // ---- from the host ----------------------------------------------------------------------

  /** True for the messages the host must hand to `receive`: answers from broker nodes. */
  handles(from: string, message: Message): boolean {
    return brokerIdOf(from) >= 0 && this.network.owns(message);
  }

  receive(from: string, message: Message): void {
    this.network.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.network.connectionReset(peer);
  }

  // ---- the poll loop ------------------------------------------------------------------------

  private readonly wakeup = (): void => {
    if (this.pending !== null && !this.closed) this.pollWake.wakeNow();
  };

  private polling(): boolean {
    return this.pending !== null || this.prefetching;
  }

  private step(): void {
    const p = this.pending;
    if (p === null || this.closed) return;
    const now = this.ctx.now;
    if (this.fatalError !== null) return this.finishPoll(ConsumerRecords.EMPTY);
    this.coordinator.poll(now);
    const records = this.buffer.drain(this.options.maxPollRecords, this.subscriptions);
    if (records.length > 0 || now >= p.deadlineMicros) return this.finishPoll(records);
    this.fetcher.wakeup();
    this.pollWake.wakeAt(Math.min(p.deadlineMicros, now + this.coordinator.timeToNextPoll(now)));
  }

  private plantedCounter = 0;

  private finishPoll(records: ConsumerRecords): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    this.pollWake.cancel();
    this.coordinator.membership.pollHeartbeat(this.ctx.now);
    if (!this.closing && !this.closed) {
      // Kafka sends the next fetches before poll() returns, so they run while the records are processed.
      this.prefetching = true;
      this.fetcher.sendNow();
      this.prefetching = false;
    }
    // Planted bug (tests only): now and then poll() loses the first record it drained (the position moved past it).
    if (PLANTED.consumerSkips && records.length > 0 && ++this.plantedCounter % 10 === 0) records = records.withoutFirst();
    this.stats.records += records.length;
    if (records.length > 0) {
      const g = this.generation;
      this.observer.polled?.(records, g.generationId, g.memberId, this.ctx.now);
    }
    p.callback(records);
  }

  // ---- fetching and assignment ------------------------------------------------------------------

  private fetched(tp: TopicPartition, records: FetchedRecords, nextOffset: number): void {
    const position = this.subscriptions.position(tp);
    if (position === null) return; // not assigned any more
    this.buffer.add(tp, records, nextOffset, position);
    this.wakeup();
  }

  private assignmentCleared(): void {
    this.fetcher.clear();
    this.buffer.clear();
  }

  private metadataUpdated(): void {
    this.coordinator.metadataUpdated();
    this.fetcher.wakeup();
    this.wakeup();
  }

  private revokeOnClose(then: () => void): void {
    const partitions = this.subscriptions.assignedPartitions();
    const g = this.generation;
    const finish = () => {
      this.subscriptions.clear();
      this.assignmentCleared();
      then();
    };
    if (partitions.length === 0 || g.generationId < 0) return finish();
    this.observer.partitionsRevoked?.(partitions, g.generationId, g.memberId, this.ctx.now);
    const listener = this.coordinator.listener;
    if (listener.onPartitionsRevoked) return listener.onPartitionsRevoked(partitions, finish);
    finish();
  }

  private fatal(error: KafkaError): void {
    this.fatalError = error;
    this.observer.failed?.(error, this.ctx.now);
    this.wakeup();
  }

  private shutdown(): void {
    this.closed = true;
    this.closing = false;
    this.pollWake.cancel();
    this.coordinator.close();
    this.fetcher.close();
  }
}
