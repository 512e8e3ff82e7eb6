import type { EventHandle, Micros, NodeContext } from "../../../../sim/index.ts";
import type { KafkaError } from "../../../protocol/errors.ts";
import type { FindCoordinatorResponse } from "../../../protocol/groups.ts";
import type { RequestFailure } from "../../errors.ts";
import type { MetadataCache } from "../../metadata/MetadataCache.ts";
import type { NetworkClient, Outcome } from "../../network/NetworkClient.ts";
import { sendGroupRequest, type GroupClientRequest, type GroupResponseOf } from "./groupRequests.ts";

/** How a request to the coordinator failed without an answer. */
export type CoordinatorFailure = RequestFailure | "COORDINATOR_UNKNOWN";

export type CoordinatorOutcome<R> = { ok: true; response: R } | { ok: false; error: CoordinatorFailure };

export interface CoordinatorLinkOptions {
  readonly groupId: string;
  readonly retryBackoffMicros: Micros;
}

export interface CoordinatorLinkEvents {
  /** A coordinator was found (Kafka then restarts the session timer of the heartbeat). */
  discovered(brokerId: number): void;
  /** The coordinator became unknown: an error answer, a lost connection, a session without heartbeats. */
  lost(brokerId: number, reason: string): void;
}

/** FindCoordinator's request and answer sizes besides the group id. */
const FIND_COORDINATOR_BYTES = 48;

/**
 * Which broker coordinates the group (AbstractCoordinator's coordinator discovery). A
 * FindCoordinator goes to the least loaded known broker, one at a time; a failed lookup
 * (COORDINATOR_NOT_AVAILABLE while `__consumer_offsets` has no leader, a lost answer)
 * refreshes metadata and is retried after retry.backoff.ms for as long as someone waits.
 * NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE from the coordinator, or a lost connection
 * to it, makes it unknown: the next request rediscovers it.
 *
 * Kafka opens a second connection to the coordinator's broker and drops it when it marks
 * the coordinator unknown. Here a process has one connection per broker, shared with the
 * fetches, so it is left open: requests already out to the old coordinator get their
 * answers (NOT_COORDINATOR) or time out.
 */
export class CoordinatorLink {
  private coordinator: number | null = null;
  private findInFlight = false;
  private nextAttemptMicros = 0;
  private retryTimer: EventHandle = -1;
  private readonly waiters = new Set<() => void>();
  /** Brokers whose connection failed since they last answered: asked only when no other is left. */
  private readonly unreachable = new Set<number>();
  private closed = false;
  /** Lookups sent, for tests and the summary. */
  lookups = 0;

  constructor(
    private readonly ctx: NodeContext,
    private readonly network: NetworkClient,
    private readonly metadata: MetadataCache,
    private readonly options: CoordinatorLinkOptions,
    private readonly events: CoordinatorLinkEvents,
  ) {}

  /** The coordinator's broker id, or null when unknown (a coordinator whose connection failed is forgotten here, as Kafka's checkAndGetCoordinator does). */
  get known(): number | null {
    const c = this.coordinator;
    if (c !== null && this.network.backoffRemaining(c) > 0) {
      this.unreachable.add(c);
      this.markUnknown("coordinator unavailable");
    }
    return this.coordinator;
  }

  /** Calls `then` once a coordinator is known: now, if it is. The same callback waits once however often it asks. */
  ensureKnown(then: () => void): void {
    if (this.known !== null) return then();
    this.waiters.add(then);
    this.attempt();
  }

  /** Forgets a callback given to `ensureKnown` (its caller stopped waiting). */
  cancelWait(then: () => void): void {
    this.waiters.delete(then);
  }

  markUnknown(reason: string): void {
    const old = this.coordinator;
    if (old === null) return;
    this.coordinator = null;
    this.ctx.record("consumer.coordinator-unknown", { group: this.options.groupId, coordinator: old, reason });
    this.events.lost(old, reason);
  }

  /**
   * Sends `request` to the coordinator. Without one known it fails at once with
   * COORDINATOR_UNKNOWN; a lost connection or a timeout makes the coordinator unknown.
   */
  send<T extends GroupClientRequest>(
    request: T,
    sizeBytes: number,
    complete: (outcome: CoordinatorOutcome<GroupResponseOf[T["type"]]>) => void,
    timeoutMicros?: Micros,
  ): void {
    const coordinator = this.known;
    if (coordinator === null) return complete({ ok: false, error: "COORDINATOR_UNKNOWN" });
    sendGroupRequest(this.network, coordinator, request, sizeBytes, (outcome: Outcome<GroupResponseOf[T["type"]]>) => {
      if (!outcome.ok) this.unreachable.add(coordinator);
      if (!outcome.ok && this.coordinator === coordinator) this.markUnknown(`${request.type} failed: ${outcome.error}`);
      complete(outcome);
    }, timeoutMicros);
  }

  /** Marks the coordinator unknown if `error` says it moved or is not ready (the answer came from `coordinator`). */
  checkError(error: KafkaError): void {
    if (error === "NOT_COORDINATOR" || error === "COORDINATOR_NOT_AVAILABLE") this.markUnknown(`error answer ${error}`);
  }

  close(): void {
    this.closed = true;
    this.waiters.clear();
    if (this.retryTimer !== -1) this.ctx.cancelTimer(this.retryTimer);
    this.retryTimer = -1;
  }

  // ---- FindCoordinator ------------------------------------------------------------------

  private attempt(): void {
    if (this.closed || this.findInFlight || this.retryTimer !== -1 || this.waiters.size === 0) return;
    const wait = this.nextAttemptMicros - this.ctx.now;
    if (wait > 0) return this.retryIn(wait);
    const candidates = this.candidates();
    const broker = this.network.leastLoaded(candidates);
    if (broker === null) return this.retryIn(Math.max(1, this.network.shortestBackoff(candidates)));
    this.findInFlight = true;
    this.lookups++;
    const request = { type: "kafka.find-coordinator" as const, groupId: this.options.groupId };
    sendGroupRequest(this.network, broker, request, FIND_COORDINATOR_BYTES + this.options.groupId.length, (outcome) =>
      this.answered(broker, outcome),
    );
  }

  /**
   * The brokers to ask, those that lost their connection lately left out while others
   * remain: the least loaded broker is otherwise a dead one (no requests in flight there),
   * while every live broker holds a long-polling fetch. Kafka's leastLoadedNode avoids
   * it by preferring brokers with a ready connection.
   */
  private candidates(): readonly number[] {
    const all = this.metadata.brokers;
    const reachable = all.filter((b) => !this.unreachable.has(b));
    return reachable.length > 0 ? reachable : all;
  }

  private retryIn(micros: Micros): void {
    this.retryTimer = this.ctx.setTimer(micros, "consumer.find-coordinator-backoff", () => {
      this.retryTimer = -1;
      this.attempt();
    });
  }

  private answered(broker: number, outcome: Outcome<FindCoordinatorResponse>): void {
    this.findInFlight = false;
    if (this.closed) return;
    if (outcome.ok) this.unreachable.delete(broker);
    else this.unreachable.add(broker);
    const found = outcome.ok && outcome.response.error === "NONE" ? outcome.response.nodeId : -1;
    // A coordinator whose connection just failed (a crashed broker the cluster has not noticed
    // yet) is no use: back off and ask again, as Kafka's ensureCoordinatorReady does.
    if (found >= 0 && this.network.backoffRemaining(found) === 0) {
      this.coordinator = found;
      this.ctx.record("consumer.coordinator", { group: this.options.groupId, coordinator: this.coordinator });
      this.events.discovered(this.coordinator);
      const waiting = [...this.waiters];
      this.waiters.clear();
      for (const then of waiting) then();
      return;
    }
    // Kafka's ensureCoordinatorReady: back off, and wait for fresh metadata (the brokers may have changed).
    this.nextAttemptMicros = this.ctx.now + this.options.retryBackoffMicros;
    this.metadata.requestUpdate();
    this.attempt();
  }
}
