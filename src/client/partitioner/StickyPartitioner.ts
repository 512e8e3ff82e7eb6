import type { Random } from "../../../sim/index.ts";
import type { KeylessPartitioner, TopicLayout } from "./Partitioner.ts";

/**
 * Kafka's StickyPartitionCache (KIP-480): keyless records of a topic all go to one
 * partition until a record for it would open a new batch (the last one was sent or is
 * full); then a new partition is drawn at random among the available ones, never the same
 * one twice in a row when there is a choice. Larger batches, fewer requests, same spread
 * over time. The draws come from the host's seeded stream.
 */
export class StickyPartitioner implements KeylessPartitioner {
  private readonly current = new Map<string, number>();

  constructor(private readonly random: Random) {}

  partition(topic: string, layout: TopicLayout): number {
    return this.current.get(topic) ?? this.nextPartition(topic, layout, -1);
  }

  onNewBatch(topic: string, layout: TopicLayout, previous: number): void {
    this.nextPartition(topic, layout, previous);
  }

  /** Switches `topic` away from `previous` if that is still its sticky partition. */
  nextPartition(topic: string, layout: TopicLayout, previous: number): number {
    const old = this.current.get(topic);
    if (old !== undefined && old !== previous) return old;
    const next = this.draw(layout, old);
    this.current.set(topic, next);
    return next;
  }

  private draw(layout: TopicLayout, old: number | undefined): number {
    const available = layout.available;
    if (available.length === 0) return this.random.int(0, layout.partitionCount - 1);
    if (available.length === 1) return available[0]!;
    // A uniform draw among the available partitions other than the old one: the same
    // distribution as Kafka's draw-until-different loop, in one draw.
    const others = old === undefined ? available : available.filter((p) => p !== old);
    return this.random.pick(others);
  }
}
