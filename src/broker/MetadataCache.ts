import type { MetadataResponse, PartitionMetadata, PartitionState, TopicMetadata, UpdateMetadataRequest } from "../protocol/requests.ts";

/**
 * What a broker knows of the cluster from the controller's UpdateMetadata (Kafka's
 * MetadataCache): live brokers and every partition's leader, epoch, replicas and ISR. It
 * answers clients' Metadata requests, so a client's view is only as fresh as the last
 * UpdateMetadata its broker received.
 */
export class MetadataCache {
  private controllerId = -1;
  private controllerEpoch = -1;
  private liveBrokers: readonly number[] = [];
  private readonly states = new Map<string, PartitionState>();

  /** False when the request comes from a controller older than one already heard. */
  update(req: UpdateMetadataRequest): boolean {
    if (req.controllerEpoch < this.controllerEpoch) return false;
    this.controllerEpoch = req.controllerEpoch;
    this.controllerId = req.controllerId;
    this.liveBrokers = [...req.liveBrokers];
    for (const s of req.partitionStates) this.states.set(`${s.topic}-${s.partition}`, s);
    return true;
  }

  /** The leader of a partition if it is a live broker, else -1. */
  liveLeaderOf(topic: string, partition: number): number {
    const s = this.states.get(`${topic}-${partition}`);
    return s && s.leader >= 0 && this.liveBrokers.includes(s.leader) ? s.leader : -1;
  }

  hasTopic(topic: string): boolean {
    for (const s of this.states.values()) if (s.topic === topic) return true;
    return false;
  }

  topics(): string[] {
    return [...new Set([...this.states.values()].map((s) => s.topic))].sort();
  }

  answer(correlationId: number, topics: readonly string[] | null): MetadataResponse {
    const names = topics ?? this.topics();
    const live = new Set(this.liveBrokers);
    const byTopic: TopicMetadata[] = names.map((topic) => {
      const partitions: PartitionMetadata[] = [...this.states.values()]
        .filter((s) => s.topic === topic)
        .sort((a, b) => a.partition - b.partition)
        .map((s) => {
          const hasLeader = s.leader >= 0 && live.has(s.leader);
          return {
            partition: s.partition,
            error: hasLeader ? "NONE" : "LEADER_NOT_AVAILABLE",
            leader: hasLeader ? s.leader : -1,
            leaderEpoch: s.leaderEpoch,
            replicas: s.replicas,
            isr: s.isr,
          };
        });
      return { topic, error: partitions.length === 0 ? "UNKNOWN_TOPIC_OR_PARTITION" : "NONE", partitions };
    });
    return { type: "kafka.metadata.response", correlationId, brokers: this.liveBrokers, controllerId: this.controllerId, topics: byTopic };
  }
}
