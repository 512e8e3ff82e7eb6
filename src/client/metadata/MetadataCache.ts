import { assert, type Micros, type NodeContext } from "../../../sim/index.ts";
import type { KafkaError } from "../../protocol/errors.ts";
import type { TopicPartition } from "../../protocol/records.ts";
import type { MetadataResponse, PartitionMetadata } from "../../protocol/requests.ts";
import type { NetworkClient, Outcome } from "../network/NetworkClient.ts";

export interface MetadataOptions {
  /** Broker ids to ask first, before any answer has named the live brokers (bootstrap.servers). */
  readonly bootstrapBrokers: readonly number[];
  /** Refresh at least this often, even without a reason (metadata.max.age.ms). */
  readonly metadataMaxAgeMicros: Micros;
  /** The least time between two metadata requests (retry.backoff.ms, which Kafka also uses here). */
  readonly retryBackoffMicros: Micros;
}

/** What the client knows of one partition. */
export interface PartitionInfo {
  readonly partition: number;
  /** -1 when the partition has no leader (it is then unavailable). */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly error: KafkaError;
}

interface TopicInfo {
  readonly error: KafkaError;
  readonly partitions: PartitionInfo[];
  /** Partitions with a leader, in partition order (Kafka's availablePartitionsForTopic). */
  readonly available: number[];
}

/**
 * The client-side metadata cache (Kafka's Metadata / ProducerMetadata): the topics the
 * client uses, each partition's leader and leader epoch, and the live brokers. It refreshes
 * when asked (after an error that needs it, or for a new topic), when older than
 * metadata.max.age.ms (checked whenever the owner calls `maybeRefresh`), never more often
 * than the back-off, by a Metadata request to the least loaded known broker.
 *
 * As in Kafka since KIP-320, an answer that carries an older leader epoch for a partition
 * than the one cached is ignored for that partition: a broker with stale metadata must not
 * send the client back to a deposed leader.
 */
export class MetadataCache {
  private readonly topics = new Map<string, TopicInfo | null>();
  private readonly lastSeenEpochs = new Map<string, number>();
  private knownBrokers: number[];
  private needUpdate = false;
  private inFlight = false;
  private lastAttemptMicros = -Infinity;
  private lastRefreshMicros = -Infinity;
  private updates = 0;
  private retryTimer = -1;

  constructor(
    private readonly ctx: NodeContext,
    private readonly network: NetworkClient,
    private readonly options: MetadataOptions,
    /** Called after each answer is applied: the owner's loop may now make progress. */
    private readonly onUpdate: () => void,
  ) {
    assert(options.bootstrapBrokers.length > 0, "a client needs at least one bootstrap broker");
    this.knownBrokers = [...options.bootstrapBrokers];
  }

  /** How many answers have been applied; a change means leaders may have moved. */
  get version(): number {
    return this.updates;
  }

  get brokers(): readonly number[] {
    return this.knownBrokers;
  }

  /** Starts tracking `topic`; the first use of a topic asks for metadata at once. */
  addTopic(topic: string): void {
    if (this.topics.has(topic)) return;
    this.topics.set(topic, null);
    // As Kafka's requestUpdateForNewTopics: a new topic does not wait out the back-off.
    this.lastAttemptMicros = -Infinity;
    if (this.retryTimer !== -1) this.ctx.cancelTimer(this.retryTimer);
    this.retryTimer = -1;
    this.requestUpdate();
  }

  hasTopic(topic: string): boolean {
    return this.topics.get(topic) != null;
  }

  /** The number of partitions of `topic`, or undefined before its metadata arrived (or if it has none). */
  partitionCount(topic: string): number | undefined {
    const info = this.topics.get(topic);
    return info && info.partitions.length > 0 ? info.partitions.length : undefined;
  }

  availablePartitions(topic: string): readonly number[] {
    return this.topics.get(topic)?.available ?? [];
  }

  partition(tp: TopicPartition): PartitionInfo | undefined {
    return this.topics.get(tp.topic)?.partitions[tp.partition];
  }

  /** The leader's broker id, or -1 when unknown. */
  leaderOf(tp: TopicPartition): number {
    return this.partition(tp)?.leader ?? -1;
  }

  /** Asks for a refresh as soon as the back-off allows (Kafka's requestUpdate). */
  requestUpdate(): void {
    this.needUpdate = true;
    this.schedule();
  }

  /** Requests a refresh if the cache is older than metadata.max.age.ms. */
  maybeRefresh(): void {
    if (this.topics.size === 0) return;
    if (this.ctx.now - this.lastRefreshMicros >= this.options.metadataMaxAgeMicros) this.requestUpdate();
  }

  /** Microseconds until the cache is due for its periodic refresh (for the owner's wake-up). */
  timeToExpiry(): Micros {
    // Before the first answer, or with an update under way, its answer wakes the owner.
    if (this.lastRefreshMicros === -Infinity || this.needUpdate || this.inFlight) return Infinity;
    return Math.max(0, this.lastRefreshMicros + this.options.metadataMaxAgeMicros - this.ctx.now);
  }

  // ---- requests ---------------------------------------------------------------------------

  private schedule(): void {
    if (!this.needUpdate || this.inFlight || this.retryTimer !== -1) return;
    const wait = Math.max(0, this.lastAttemptMicros + this.options.retryBackoffMicros - this.ctx.now);
    if (wait > 0) {
      this.retryTimer = this.ctx.setTimer(wait, "client.metadata-backoff", () => {
        this.retryTimer = -1;
        this.attempt();
      });
      return;
    }
    this.attempt();
  }

  private attempt(): void {
    if (!this.needUpdate || this.inFlight) return;
    const broker = this.network.leastLoaded(this.knownBrokers);
    if (broker === null) {
      // Every known broker is in reconnect back-off: try again when the first one leaves it.
      const wait = Math.max(1, this.network.shortestBackoff(this.knownBrokers));
      this.retryTimer = this.ctx.setTimer(wait, "client.metadata-backoff", () => {
        this.retryTimer = -1;
        this.attempt();
      });
      return;
    }
    this.inFlight = true;
    this.needUpdate = false; // this request answers every update asked for so far
    this.lastAttemptMicros = this.ctx.now;
    const topics = [...this.topics.keys()];
    this.network.send(broker, { type: "kafka.metadata", topics }, 64 + 32 * topics.length, (outcome) =>
      this.answered(outcome),
    );
  }

  private answered(outcome: Outcome<MetadataResponse>): void {
    this.inFlight = false;
    if (!outcome.ok) {
      this.needUpdate = true;
      this.schedule();
      return;
    }
    this.apply(outcome.response);
    this.lastRefreshMicros = this.ctx.now;
    this.updates++;
    this.onUpdate();
    // An update asked for while this request was out (a leader moved meanwhile) still runs.
    this.schedule();
  }

  private apply(response: MetadataResponse): void {
    if (response.brokers.length > 0) this.knownBrokers = [...response.brokers].sort((a, b) => a - b);
    for (const t of response.topics) {
      if (!this.topics.has(t.topic)) continue;
      const old = this.topics.get(t.topic) ?? null;
      // A broker that knows nothing of the topic yet (just restarted, no UpdateMetadata so far)
      // answers with an error and no partitions: that is no news, not a topic without partitions.
      if (t.partitions.length === 0 && old !== null && old.partitions.length > 0) continue;
      const partitions = [...t.partitions]
        .sort((a, b) => a.partition - b.partition)
        .map((p) => this.latest(t.topic, p, old));
      const available = partitions.filter((p) => p.leader >= 0).map((p) => p.partition);
      this.topics.set(t.topic, { error: t.error, partitions, available });
    }
  }

  /** Kafka's updateLatestMetadata: keep the cached entry when the answer's leader epoch is older. */
  private latest(topic: string, p: PartitionMetadata, old: TopicInfo | null): PartitionInfo {
    const key = `${topic}-${p.partition}`;
    const seen = this.lastSeenEpochs.get(key);
    const cached = old?.partitions[p.partition];
    if (p.leaderEpoch >= 0 && seen !== undefined && p.leaderEpoch < seen && cached) return cached;
    if (p.leaderEpoch >= 0) this.lastSeenEpochs.set(key, p.leaderEpoch);
    return { partition: p.partition, leader: p.leader, leaderEpoch: p.leaderEpoch, error: p.error };
  }
}
