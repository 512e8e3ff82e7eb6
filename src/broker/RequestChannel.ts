import type { Micros, NodeContext } from "../../sim/index.ts";
import type { FetchResponse, ProduceRequest } from "../protocol/requests.ts";

/**
 * The CPU time a broker spends on a request: a fixed part (reading and parsing it, the log
 * append's system calls, building the answer) and a part per record (checking each record's
 * CRC, assigning its offset). Both 0 unless a scenario's hardware profile sets them; then
 * requests go through the RequestChannel below.
 */
export interface RequestCosts {
  readonly requestMicros: Micros;
  readonly recordMicros: Micros;
}

export const NO_REQUEST_COSTS: RequestCosts = { requestMicros: 0, recordMicros: 0 };

export function chargesRequests(costs: RequestCosts): boolean {
  return costs.requestMicros > 0 || costs.recordMicros > 0;
}

/**
 * Produce requests go through the channel; the rest (fetches, metadata, groups, control) are
 * handled at once as before. A follower's fetch is charged where it matters, at the follower
 * (its append), and leaving fetches out keeps a fetch that waits in purgatory from holding
 * back a newer fetch of the same follower (ksim's fetcher may send one when its partitions change).
 */
export type DataRequest = ProduceRequest;

export function isDataRequest(request: { type: string }): request is DataRequest {
  return request.type === "kafka.produce";
}

/** Records a produce request carries. */
export function produceRecords(request: ProduceRequest): number {
  let records = 0;
  for (const p of request.partitions) records += p.batch.records.length;
  return records;
}

/** Records a fetch response carries (what a follower appends). */
export function fetchedRecords(response: FetchResponse): number {
  let records = 0;
  for (const p of response.partitions) for (const b of p.batches) records += b.records.length;
  return records;
}

interface Queued {
  readonly request: DataRequest;
  readonly costMicros: Micros;
}

/**
 * Kafka's SocketServer and request handlers, as far as throughput needs them: a broker reads
 * one request from a connection and mutes the connection until that request's answer is
 * sent (so answers leave in request order), then reads the next. A produce request with
 * acks=all therefore holds its connection while it waits for the followers, and later
 * requests of that producer wait in the socket behind it. Handling takes the request's CPU
 * time before the request takes effect. An acks=0 produce has no answer: the connection
 * is unmuted once it is handled.
 *
 * Handler threads (num.io.threads) are not a limit here: each connection's requests are
 * handled one at a time anyway, and the calibration runs have far fewer connections than
 * threads.
 */
export class RequestChannel {
  private readonly waiting = new Map<string, Queued[]>();
  /** Connections with a request being handled or waiting for its answer. */
  private readonly muted = new Set<string>();
  /** The request each muted connection is handling (a reset forgets it). */
  private readonly handling = new Map<string, Queued>();
  private readonly label: string;

  constructor(
    private readonly ctx: NodeContext,
    private readonly costs: RequestCosts,
    private readonly dispatch: (from: string, request: DataRequest) => void,
  ) {
    this.label = "broker.handle-request";
  }

  submit(from: string, request: DataRequest): void {
    const costMicros = this.costs.requestMicros + produceRecords(request) * this.costs.recordMicros;
    let queue = this.waiting.get(from);
    if (queue === undefined) {
      queue = [];
      this.waiting.set(from, queue);
    }
    queue.push({ request, costMicros });
    if (!this.muted.has(from)) this.next(from);
  }

  /** The answer to `to`'s request has been sent: its connection reads the next one. */
  answered(to: string): void {
    if (!this.muted.delete(to)) return;
    this.handling.delete(to);
    this.next(to);
  }

  /** The connection is gone, and what waited in it. */
  reset(peer: string): void {
    this.waiting.delete(peer);
    this.muted.delete(peer);
    this.handling.delete(peer);
  }

  private next(from: string): void {
    const queued = this.waiting.get(from)?.shift();
    if (queued === undefined) return;
    this.muted.add(from);
    this.handling.set(from, queued);
    this.ctx.setTimer(Math.round(queued.costMicros), this.label, () => {
      // A reset while it was handled: the request died with its connection.
      if (this.handling.get(from) !== queued) return;
      this.dispatch(from, queued.request);
      if (queued.request.acks === 0) this.answered(from);
    });
  }
}
