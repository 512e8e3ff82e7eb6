import { assert, type EventHandle, type Micros, type NodeContext } from "../../../sim/index.ts";
import {
  brokerIdOf,
  brokerNode,
  isKafkaResponse,
  type FetchRequest,
  type FetchResponse,
  type InitProducerIdRequest,
  type KafkaRequest,
  type InitProducerIdResponse,
  type ListOffsetsRequest,
  type ListOffsetsResponse,
  type MetadataRequest,
  type MetadataResponse,
  type OffsetsForLeaderEpochRequest,
  type OffsetsForLeaderEpochResponse,
  type ProduceRequest,
  type ProduceResponse,
} from "../../protocol/requests.ts";
import type { Message } from "../../../sim/index.ts";
import type { RequestFailure } from "../errors.ts";

/** The requests a client sends, without the correlation id the network client stamps on them. */
export type ClientRequest =
  | Omit<ProduceRequest, "correlationId">
  | Omit<FetchRequest, "correlationId">
  | Omit<MetadataRequest, "correlationId">
  | Omit<ListOffsetsRequest, "correlationId">
  | Omit<InitProducerIdRequest, "correlationId">
  | Omit<OffsetsForLeaderEpochRequest, "correlationId">;

/** The response type that answers each request type. */
export interface ResponseOf {
  "kafka.produce": ProduceResponse;
  "kafka.fetch": FetchResponse;
  "kafka.metadata": MetadataResponse;
  "kafka.list-offsets": ListOffsetsResponse;
  "kafka.init-producer-id": InitProducerIdResponse;
  "kafka.offsets-for-leader-epoch": OffsetsForLeaderEpochResponse;
}

/** A response, or how the request failed without one. */
export type Outcome<R> = { ok: true; response: R } | { ok: false; error: RequestFailure };

/**
 * Correlation ids, shared by the clients of one process: they share its connections, so
 * their ids must not collide (each ignores ids it did not issue).
 */
export class CorrelationIds {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

export interface NetworkClientOptions {
  /** A request not answered within this fails with REQUEST_TIMED_OUT and its connection is closed (request.timeout.ms). */
  readonly requestTimeoutMicros: Micros;
  /** After a connection to a broker is lost, wait this long before using it again (reconnect.backoff.ms). */
  readonly reconnectBackoffMicros: Micros;
  /**
   * reconnect.backoff.max.ms: each further failure in a row doubles the back-off, up to this
   * (with 20% jitter, as Kafka's ExponentialBackoff), so a dead broker is tried ever less often.
   */
  readonly reconnectBackoffMaxMicros?: Micros;
  /** Shared with the other clients of the same process; by default the client has its own. */
  readonly correlationIds?: CorrelationIds;
  /** Prefix of this client's timer labels in the trace. */
  readonly label: string;
}

interface InFlight {
  readonly correlationId: number;
  readonly broker: number;
  readonly timer: EventHandle;
  readonly complete: (outcome: Outcome<never>) => void;
}

/**
 * Kafka's NetworkClient in short: requests to brokers by id with correlation ids, the
 * requests in flight per broker, request timeouts, and what a lost connection does. A
 * request that times out closes its connection, failing everything in flight on it, as
 * Kafka does; a reset (broker crash, refused connection, TCP give-up) fails what was in
 * flight with NETWORK_EXCEPTION. Either way the broker is not used again for the
 * reconnect back-off. A response that arrives for a request already failed (a late answer
 * on a new connection) is ignored by its correlation id.
 */
export class NetworkClient {
  private readonly ids: CorrelationIds;
  private readonly inFlight = new Map<number, InFlight>();
  private readonly inFlightCount = new Map<number, number>();
  private readonly backoffUntil = new Map<number, Micros>();
  /** Connection failures in a row per broker, for the exponential back-off. */
  private readonly failuresInARow = new Map<number, number>();
  /** Brokers that have answered since their connection was last lost (Kafka's "ready" nodes). */
  private readonly connected = new Set<number>();
  /** Resets this client caused itself (a timeout closes the connection): their notices are already handled. */
  private readonly ownResets = new Map<number, number>();
  /** The request timers' label, made once (a string built per request cost a hash lookup of a fresh string). */
  private readonly timeoutLabel: string;

  constructor(
    private readonly ctx: NodeContext,
    private readonly options: NetworkClientOptions,
  ) {
    this.ids = options.correlationIds ?? new CorrelationIds();
    this.timeoutLabel = `${options.label}.request-timeout`;
  }

  /**
   * Sends `request` to `broker`. With `expectResponse` false (acks=0) nothing is tracked and
   * `complete` is never called. Returns the correlation id.
   */
  send<T extends ClientRequest>(
    broker: number,
    request: T,
    sizeBytes: number,
    complete: ((outcome: Outcome<ResponseOf[T["type"]]>) => void) | null,
    timeoutMicros: Micros = this.options.requestTimeoutMicros,
  ): number {
    const correlationId = this.ids.take();
    const message = { ...(request as ClientRequest), correlationId } satisfies KafkaRequest;
    this.ctx.send(brokerNode(broker), message, sizeBytes);
    if (complete === null) return correlationId;
    const timer = this.ctx.setTimer(timeoutMicros, this.timeoutLabel, () =>
      this.timedOut(correlationId),
    );
    const entry: InFlight = { correlationId, broker, timer, complete: complete as (o: Outcome<never>) => void };
    this.inFlight.set(correlationId, entry);
    this.inFlightCount.set(broker, this.inFlightTo(broker) + 1);
    return correlationId;
  }

  /** Requests sent to `broker` and not yet answered or failed. */
  inFlightTo(broker: number): number {
    return this.inFlightCount.get(broker) ?? 0;
  }

  get totalInFlight(): number {
    return this.inFlight.size;
  }

  /** True when a request may go to `broker`: not in reconnect back-off and fewer than `maxInFlight` requests out. */
  isReady(broker: number, maxInFlight: number): boolean {
    return this.backoffRemaining(broker) === 0 && this.inFlightTo(broker) < maxInFlight;
  }

  /** Microseconds until the reconnect back-off of `broker` ends (0 when it is usable). */
  backoffRemaining(broker: number): Micros {
    const until = this.backoffUntil.get(broker);
    return until === undefined || until <= this.ctx.now ? 0 : until - this.ctx.now;
  }

  /**
   * Kafka's leastLoadedNode: among `candidates` not in back-off, one with the fewest
   * requests in flight, ties broken at random; null when all are backing off.
   */
  leastLoaded(candidates: readonly number[]): number | null {
    // A broker we are connected to with nothing in flight is the best choice (Kafka returns it at once).
    const idle = candidates.filter((b) => this.connected.has(b) && this.inFlightTo(b) === 0 && this.backoffRemaining(b) === 0);
    if (idle.length > 0) return idle.length === 1 ? idle[0]! : this.ctx.random.pick(idle);
    let best: number[] = [];
    let bestLoad = Infinity;
    for (const b of candidates) {
      if (this.backoffRemaining(b) > 0) continue;
      const load = this.inFlightTo(b);
      if (load < bestLoad) {
        best = [b];
        bestLoad = load;
      } else if (load === bestLoad) best.push(b);
    }
    if (best.length === 0) return null;
    return best.length === 1 ? best[0]! : this.ctx.random.pick(best);
  }

  /** The shortest back-off left among `candidates` (for a wake-up when all are backing off). */
  shortestBackoff(candidates: readonly number[]): Micros {
    let min = Infinity;
    for (const b of candidates) min = Math.min(min, this.backoffRemaining(b));
    return min;
  }

  // ---- from the host ------------------------------------------------------------------

  /** True when `message` answers a request this client has in flight. */
  owns(message: Message): boolean {
    return isKafkaResponse(message) && this.inFlight.has(message.correlationId);
  }

  /** A message from a broker node; returns false if it was not an answer this client waits for. */
  receive(from: string, message: Message): boolean {
    if (!isKafkaResponse(message)) return false;
    const entry = this.inFlight.get(message.correlationId);
    if (!entry || brokerNode(entry.broker) !== from) return false;
    this.connected.add(entry.broker);
    this.failuresInARow.delete(entry.broker);
    this.finish(entry);
    entry.complete({ ok: true, response: message as never });
    return true;
  }

  /** The connection with `peer` was reset: what was in flight to it fails with NETWORK_EXCEPTION. */
  connectionReset(peer: string): void {
    const broker = brokerIdOf(peer);
    if (broker < 0) return;
    const own = this.ownResets.get(broker) ?? 0;
    if (own > 0) {
      this.ownResets.set(broker, own - 1);
      return;
    }
    this.disconnected(broker, "NETWORK_EXCEPTION");
  }

  // ---- internals ------------------------------------------------------------------------

  private timedOut(correlationId: number): void {
    const entry = this.inFlight.get(correlationId);
    assert(entry, () => `request timer fired for ${correlationId}, which is not in flight`);
    // Kafka closes the connection of a request that timed out; everything on it fails.
    this.ownResets.set(entry.broker, (this.ownResets.get(entry.broker) ?? 0) + 1);
    this.ctx.closeConnection(brokerNode(entry.broker));
    this.disconnected(entry.broker, "REQUEST_TIMED_OUT");
  }

  private disconnected(broker: number, error: RequestFailure): void {
    this.connected.delete(broker);
    const failures = (this.failuresInARow.get(broker) ?? 0) + 1;
    this.failuresInARow.set(broker, failures);
    const base = this.options.reconnectBackoffMicros;
    const max = Math.max(base, this.options.reconnectBackoffMaxMicros ?? 1_000_000);
    const backoff = Math.min(max, base * 2 ** Math.min(failures - 1, 30));
    const jittered = Math.round(backoff * (0.8 + 0.4 * this.ctx.random.next()));
    this.backoffUntil.set(broker, this.ctx.now + jittered);
    const failed = [...this.inFlight.values()].filter((e) => e.broker === broker);
    for (const entry of failed) this.finish(entry);
    for (const entry of failed) entry.complete({ ok: false, error });
  }

  private finish(entry: InFlight): void {
    this.inFlight.delete(entry.correlationId);
    this.ctx.cancelTimer(entry.timer);
    const count = this.inFlightTo(entry.broker) - 1;
    assert(count >= 0, () => `negative in-flight count for broker ${entry.broker}`);
    this.inFlightCount.set(entry.broker, count);
  }
}

