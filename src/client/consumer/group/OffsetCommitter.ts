import type { EventHandle, Micros, NodeContext } from "../../../../sim/index.ts";
import type { KafkaError } from "../../../protocol/errors.ts";
import { type CommittedOffset, type OffsetCommitResponse, type OffsetFetchResponse } from "../../../protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";
import type { CoordinatorLink, CoordinatorOutcome } from "./CoordinatorLink.ts";
import { sameGeneration, type Generation } from "./Generation.ts";
import type { CommitError, CommitKind, CommitResult, GroupConsumerObserver } from "./GroupConsumerObserver.ts";
import type { GroupMembership } from "./GroupMembership.ts";
import type { SubscriptionState } from "./SubscriptionState.ts";

export interface CommitterOptions {
  readonly groupId: string;
  readonly retryBackoffMicros: Micros;
  readonly requestTimeoutMicros: Micros;
  readonly defaultApiTimeoutMicros: Micros;
}

/** The committed offsets OffsetFetch found (key = tpKey; -1: nothing committed), or why it failed. */
export type CommittedResult =
  | { readonly ok: true; readonly offsets: ReadonlyMap<string, number>; readonly leaderEpochs: ReadonlyMap<string, number> }
  | { readonly ok: false; readonly error: KafkaError | string; readonly retriable: boolean };

type Attempt = { ok: true } | { ok: false; error: CommitError; retriable: boolean };

const COMMIT_BYTES = 64;
const PER_PARTITION_BYTES = 24;

/**
 * Offset commits and committed-offset lookups (ConsumerCoordinator's OffsetCommit and
 * OffsetFetch). A commit carries the member's generation and member id; one made outside
 * a stable generation fails without a request (Kafka's CommitFailedException, or
 * RebalanceInProgressException during a rebalance). The coordinator's answer decides:
 * a moved or loading coordinator, a lost answer or an unknown partition are retriable
 * (commitSync retries them until default.api.timeout.ms, with the retry back-off; an
 * async commit reports them); ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID reset the
 * generation and fail the commit; REBALANCE_IN_PROGRESS asks for a rejoin and fails it.
 */
export class OffsetCommitter {
  private closed = false;
  private readonly timers = new Set<EventHandle>();
  readonly stats = { commits: 0, failed: 0 };

  constructor(
    private readonly ctx: NodeContext,
    private readonly link: CoordinatorLink,
    private readonly membership: GroupMembership,
    private readonly subscriptions: SubscriptionState,
    private readonly options: CommitterOptions,
    private readonly observer: GroupConsumerObserver,
  ) {}

  /** Commits once, waiting up to request.timeout.ms for a coordinator; no retries. */
  commitAsync(offsets: readonly CommittedOffset[], kind: CommitKind, done: (result: CommitResult) => void = () => {}): void {
    const generationId = this.membership.generation.generationId;
    const finish = (a: Attempt) => this.finish(offsets, generationId, kind, a, done);
    this.withCoordinator(this.ctx.now + this.options.requestTimeoutMicros, () => this.send(offsets, finish), () =>
      finish({ ok: false, error: "COORDINATOR_UNKNOWN", retriable: true }),
    );
  }

  /** Commits, retrying retriable failures until default.api.timeout.ms (then TIMEOUT). */
  commitSync(offsets: readonly CommittedOffset[], kind: CommitKind, done: (result: CommitResult) => void): void {
    const generationId = this.membership.generation.generationId;
    const deadline = this.ctx.now + this.options.defaultApiTimeoutMicros;
    const finish = (a: Attempt) => this.finish(offsets, generationId, kind, a, done);
    const timedOut = () => finish({ ok: false, error: "TIMEOUT", retriable: true });
    const attempt = (): void => {
      if (this.closed) return finish({ ok: false, error: "CONSUMER_CLOSED", retriable: false });
      this.withCoordinator(deadline, () =>
        this.send(offsets, (a) => {
          if (a.ok || !a.retriable) return finish(a);
          if (this.ctx.now + this.options.retryBackoffMicros >= deadline) return timedOut();
          this.after(this.options.retryBackoffMicros, attempt);
        }), timedOut);
    };
    attempt();
  }

  /** The committed offsets of `partitions` (one OffsetFetch; the caller retries). */
  fetchCommitted(partitions: readonly TopicPartition[], done: (result: CommittedResult) => void): void {
    const request = { type: "kafka.offset-fetch" as const, groupId: this.options.groupId, partitions };
    this.link.send(request, COMMIT_BYTES + PER_PARTITION_BYTES * partitions.length, (outcome) => {
      if (!this.closed) done(this.committedFrom(outcome));
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) this.ctx.cancelTimer(t);
    this.timers.clear();
  }

  // ---- OffsetCommit ---------------------------------------------------------------------------

  private send(offsets: readonly CommittedOffset[], done: (a: Attempt) => void): void {
    if (offsets.length === 0) return done({ ok: true });
    const generation = this.membership.generationIfStable;
    if (generation === null) {
      const error = this.membership.rebalanceInProgress ? "REBALANCE_IN_PROGRESS" : "NOT_IN_GROUP";
      return done({ ok: false, error, retriable: false });
    }
    const request = {
      type: "kafka.offset-commit" as const,
      groupId: this.options.groupId,
      generationId: generation.generationId,
      memberId: generation.memberId,
      offsets,
    };
    this.link.send(request, COMMIT_BYTES + PER_PARTITION_BYTES * offsets.length, (outcome) =>
      done(this.commitAnswered(generation, offsets, outcome)),
    );
  }

  private commitAnswered(sent: Generation, offsets: readonly CommittedOffset[], outcome: CoordinatorOutcome<OffsetCommitResponse>): Attempt {
    if (!outcome.ok) return { ok: false, error: outcome.error, retriable: true };
    for (const p of outcome.response.partitions) {
      if (p.error === "NONE") continue;
      return this.commitError(sent, p.error);
    }
    for (const o of offsets) this.subscriptions.setCommitted(o, o.offset);
    return { ok: true };
  }

  private commitError(sent: Generation, error: KafkaError): Attempt {
    switch (error) {
      case "COORDINATOR_LOAD_IN_PROGRESS":
      case "UNKNOWN_TOPIC_OR_PARTITION":
        return { ok: false, error, retriable: true };
      case "COORDINATOR_NOT_AVAILABLE":
      case "NOT_COORDINATOR":
      case "REQUEST_TIMED_OUT":
        this.link.markUnknown(`offset commit: ${error}`);
        return { ok: false, error, retriable: true };
      case "REBALANCE_IN_PROGRESS":
        // Between JoinGroup and SyncGroup: the member must finish the rebalance (poll) first.
        this.membership.requestRejoin("offset commit failed since group is already rebalancing");
        return { ok: false, error, retriable: false };
      case "ILLEGAL_GENERATION":
      case "UNKNOWN_MEMBER_ID":
        // A member already rejoining under a newer generation only learns the rebalance goes on.
        if (!sameGeneration(this.membership.generation, sent) && this.membership.state === "preparing-rebalance") {
          return { ok: false, error: "REBALANCE_IN_PROGRESS", retriable: false };
        }
        // The member id survives an ILLEGAL_GENERATION: it may still be valid (Kafka 3.2+).
        this.membership.resetStateAndRejoin(`offset commit: ${error}`, error === "UNKNOWN_MEMBER_ID");
        return { ok: false, error, retriable: false };
      default:
        return { ok: false, error, retriable: false };
    }
  }

  private finish(offsets: readonly CommittedOffset[], generationId: number, kind: CommitKind, a: Attempt, done: (r: CommitResult) => void): void {
    const now = this.ctx.now;
    if (a.ok) {
      if (offsets.length > 0) {
        this.stats.commits++;
        this.observer.commitSucceeded?.(offsets, generationId, kind, now);
      }
      return done({ ok: true, offsets, generationId });
    }
    this.stats.failed++;
    this.ctx.record("consumer.commit-failed", { group: this.options.groupId, generation: generationId, error: a.error, kind });
    this.observer.commitFailed?.(offsets, generationId, a.error, kind, now);
    done({ ok: false, offsets, generationId, error: a.error, retriable: a.retriable });
  }

  // ---- OffsetFetch ----------------------------------------------------------------------------

  private committedFrom(outcome: CoordinatorOutcome<OffsetFetchResponse>): CommittedResult {
    if (!outcome.ok) return { ok: false, error: outcome.error, retriable: true };
    const r = outcome.response;
    if (r.error !== "NONE") {
      this.link.checkError(r.error);
      const retriable = r.error === "COORDINATOR_LOAD_IN_PROGRESS" || r.error === "NOT_COORDINATOR" || r.error === "COORDINATOR_NOT_AVAILABLE";
      return { ok: false, error: r.error, retriable };
    }
    const offsets = new Map<string, number>();
    const leaderEpochs = new Map<string, number>();
    for (const p of r.partitions) {
      if (p.error === "UNKNOWN_TOPIC_OR_PARTITION") return { ok: false, error: p.error, retriable: true };
      if (p.error !== "NONE") return { ok: false, error: p.error, retriable: false };
      offsets.set(tpKey(p), p.offset);
      leaderEpochs.set(tpKey(p), p.leaderEpoch ?? -1);
    }
    return { ok: true, offsets, leaderEpochs };
  }

  // ---- waiting --------------------------------------------------------------------------------

  /** Runs `go` once a coordinator is known, or `giveUp` at `deadlineMicros`, whichever comes first. */
  private withCoordinator(deadlineMicros: Micros, go: () => void, giveUp: () => void): void {
    if (this.link.known !== null) return go();
    let settled = false;
    const found = () => {
      if (settled) return;
      settled = true;
      this.cancel(timer);
      go();
    };
    const timer = this.after(Math.max(0, deadlineMicros - this.ctx.now), () => {
      if (settled) return;
      settled = true;
      this.link.cancelWait(found);
      giveUp();
    });
    this.link.ensureKnown(found);
  }

  private after(micros: Micros, run: () => void): EventHandle {
    const handle: EventHandle = this.ctx.setTimer(micros, "consumer.commit-retry", () => {
      this.timers.delete(handle);
      if (!this.closed) run();
    });
    this.timers.add(handle);
    return handle;
  }

  private cancel(handle: EventHandle): void {
    if (this.timers.delete(handle)) this.ctx.cancelTimer(handle);
  }
}
