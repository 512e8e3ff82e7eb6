import { PLANTED } from "../../../protocol/plantedBugs.ts";
import type { CommittedOffset } from "../../../protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";

interface AssignedPartition {
  readonly tp: TopicPartition;
  /** The offset of the next record poll() returns; null until the committed offset or auto.offset.reset gives one. */
  position: number | null;
  /** The leader epoch of the record before the position (-1: unknown), committed with it. */
  positionEpoch: number;
  /** The last offset this member committed or fetched as committed (null: none known). */
  committed: number | null;
  /** The committed offset has not been asked for yet since the assignment (OffsetFetch pending). */
  awaitingCommitted: boolean;
}

/**
 * What the consumer subscribes to and what it was assigned (Kafka's SubscriptionState, for
 * subscribe() only): the topics, the partitions of the current generation in assignment
 * order, and each one's position, the offset of the next record the application gets.
 * Positions move when poll() returns records, not when a fetch answers.
 */
export class SubscriptionState {
  private subscribed: readonly string[] = [];
  private readonly assigned = new Map<string, AssignedPartition>();
  private version = 0;

  get topics(): readonly string[] {
    return this.subscribed;
  }

  /** Changes with every new assignment: answers about an older one are stale. */
  get assignmentVersion(): number {
    return this.version;
  }

  subscribe(topics: readonly string[]): void {
    this.subscribed = [...new Set(topics)].sort();
  }

  /** The generation's partitions, each waiting for its committed offset. */
  assignFromSubscribed(partitions: readonly TopicPartition[]): void {
    this.assigned.clear();
    this.version++;
    for (const tp of partitions) {
      this.assigned.set(tpKey(tp), { tp, position: null, positionEpoch: -1, committed: null, awaitingCommitted: true });
    }
  }

  clear(): void {
    this.assignFromSubscribed([]);
  }

  assignedPartitions(): TopicPartition[] {
    return [...this.assigned.values()].map((p) => p.tp);
  }

  isAssigned(tp: TopicPartition): boolean {
    return this.assigned.has(tpKey(tp));
  }

  position(tp: TopicPartition): number | null {
    return this.assigned.get(tpKey(tp))?.position ?? null;
  }

  /** Moves the position; `epoch` is the leader epoch of the record before it (kept when not given). */
  setPosition(tp: TopicPartition, offset: number, epoch?: number): void {
    const p = this.assigned.get(tpKey(tp));
    if (!p) return;
    p.position = offset;
    if (epoch !== undefined) p.positionEpoch = epoch;
  }

  committed(tp: TopicPartition): number | null {
    return this.assigned.get(tpKey(tp))?.committed ?? null;
  }

  setCommitted(tp: TopicPartition, offset: number): void {
    const p = this.assigned.get(tpKey(tp));
    if (p) p.committed = offset;
  }

  /** Partitions whose committed offset must still be asked for. */
  awaitingCommitted(): TopicPartition[] {
    return [...this.assigned.values()].filter((p) => p.awaitingCommitted).map((p) => p.tp);
  }

  committedAsked(tp: TopicPartition): void {
    const p = this.assigned.get(tpKey(tp));
    if (p) p.awaitingCommitted = false;
  }

  /** The position of every assigned partition that has one (Kafka's allConsumed): what a commit of "everything" sends. */
  allConsumed(): CommittedOffset[] {
    const offsets: CommittedOffset[] = [];
    for (const p of this.assigned.values()) {
      // Planted bug (tests only): commit one past the position.
      if (p.position === null) continue;
      const offset = p.position + (PLANTED.commitOnePast ? 1 : 0);
      offsets.push(p.positionEpoch >= 0 ? { topic: p.tp.topic, partition: p.tp.partition, offset, leaderEpoch: p.positionEpoch } : { topic: p.tp.topic, partition: p.tp.partition, offset });
    }
    return offsets;
  }
}
