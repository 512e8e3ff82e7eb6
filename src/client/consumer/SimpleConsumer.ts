import type { Message, NodeContext } from "../../../sim/index.ts";
import type { TopicPartition } from "../../protocol/records.ts";
import { brokerIdOf } from "../../protocol/requests.ts";
import { MetadataCache } from "../metadata/MetadataCache.ts";
import { NetworkClient, type CorrelationIds } from "../network/NetworkClient.ts";
import { consumerOptions, type ConsumerOptions } from "./ConsumerOptions.ts";
import { Fetcher, type ConsumedRecord, type FetcherStats, type FetchStopReason } from "./Fetcher.ts";

export type { ConsumedRecord } from "./Fetcher.ts";

export interface ConsumerHandlers {
  /** Records of one partition, in offset order, as one fetch returned them. */
  readonly onRecords: (records: readonly ConsumedRecord[]) => void;
  /** A partition stopped: no position and auto.offset.reset=none, or an error the consumer does not retry. */
  readonly onError?: (tp: TopicPartition, error: FetchStopReason) => void;
}

export type ConsumerStats = FetcherStats;

/**
 * A consumer with a fixed assignment and no group (Kafka's consumer with assign() and no
 * commits): the shared Fetcher, delivering each fetch's records as they arrive (the
 * position moves on when a fetch answers, not when the application is done with them).
 */
export class SimpleConsumer {
  readonly options: ConsumerOptions;
  readonly metadata: MetadataCache;
  private readonly network: NetworkClient;
  private readonly fetcher: Fetcher;

  constructor(
    ctx: NodeContext,
    options: Partial<ConsumerOptions>,
    private readonly assignment: readonly TopicPartition[],
    private readonly handlers: ConsumerHandlers,
    extras: { readonly correlationIds?: CorrelationIds } = {},
  ) {
    this.options = consumerOptions(options);
    const o = this.options;
    this.network = new NetworkClient(ctx, {
      requestTimeoutMicros: o.requestTimeoutMicros,
      reconnectBackoffMicros: o.reconnectBackoffMicros,
      correlationIds: extras.correlationIds,
      label: "consumer",
    });
    this.metadata = new MetadataCache(ctx, this.network, o, () => this.fetcher.wakeup());
    this.fetcher = new Fetcher(ctx, o, this.network, this.metadata, {
      fetched: (_tp, records) => {
        if (records.length > 0) this.handlers.onRecords(records.takeAll());
      },
      stopped: (tp, reason) => this.handlers.onError?.(tp, reason),
    });
  }

  get stats(): ConsumerStats {
    return this.fetcher.stats;
  }

  start(): void {
    for (const tp of this.assignment) this.fetcher.add(tp, null);
  }

  /** Stops fetching; answers still in flight are dropped. */
  close(): void {
    this.fetcher.close();
  }

  position(tp: TopicPartition): number | null {
    return this.fetcher.position(tp);
  }

  /** The high watermark the last fetch of the partition reported (-1 before any). */
  highWatermark(tp: TopicPartition): number {
    return this.fetcher.highWatermark(tp);
  }

  /** Sets the next offset to fetch (a fetch already out for the partition is then ignored). */
  seek(tp: TopicPartition, offset: number): void {
    this.fetcher.seek(tp, offset);
  }

  // ---- from the host ----------------------------------------------------------------------

  handles(from: string, message: Message): boolean {
    return brokerIdOf(from) >= 0 && this.network.owns(message);
  }

  receive(from: string, message: Message): void {
    this.network.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.network.connectionReset(peer);
  }
}
