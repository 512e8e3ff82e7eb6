import type { Partition } from "./Partition.ts";
import { ReplicaFetcher, type FetcherHost } from "./ReplicaFetcher.ts";

/**
 * One fetcher per leader broker (Kafka's ReplicaFetcherManager with one fetcher thread
 * per source broker): a partition follows exactly one leader at a time.
 */
export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  private readonly leaderOf = new Map<Partition, number>();

  constructor(private readonly host: FetcherHost) {}

  addPartition(p: Partition, leader: number): void {
    this.removePartition(p);
    let fetcher = this.fetchers.get(leader);
    if (!fetcher) {
      fetcher = new ReplicaFetcher(this.host, leader);
      this.fetchers.set(leader, fetcher);
    }
    this.leaderOf.set(p, leader);
    fetcher.add(p);
  }

  removePartition(p: Partition): void {
    const leader = this.leaderOf.get(p);
    if (leader === undefined) return;
    this.leaderOf.delete(p);
    this.fetchers.get(leader)?.remove(p);
  }

  /** A response from a leader broker, routed by its correlation id. */
  onResponse(leader: number, correlationId: number, response: unknown): void {
    this.fetchers.get(leader)?.onResponse(correlationId, response);
  }

  connectionReset(leader: number): void {
    this.fetchers.get(leader)?.connectionReset();
  }
}
