import type { Random } from "../../../sim/index.ts";
import { partitionForKey } from "./murmur2.ts";
import { RoundRobinPartitioner } from "./RoundRobinPartitioner.ts";
import { StickyPartitioner } from "./StickyPartitioner.ts";

/** What a partitioner may know of a topic: its partition count and which partitions have a leader. */
export interface TopicLayout {
  readonly partitionCount: number;
  /** Partitions with a leader, in partition order. */
  readonly available: readonly number[];
}

/**
 * How keyless records are spread (keyed records always go to murmur2(key) mod partitions,
 * on every partition, available or not, as in Kafka). The values are those of ksim's
 * `partitioner.class` key (src/protocol/config/producerKeys.ts):
 * - `sticky`: Kafka's DefaultPartitioner from 2.4 (KIP-480): one partition until its batch
 *   is sent or full, then another at random;
 * - `round-robin`: Kafka's DefaultPartitioner before 2.4: each keyless record to the next
 *   available partition, from a random start.
 */
export type PartitionerKind = "sticky" | "round-robin";

/** The keyless half of a partitioner. */
export interface KeylessPartitioner {
  partition(topic: string, layout: TopicLayout): number;
  /** KIP-480's hook: a record for `previous` would open a new batch; may switch the topic's partition. */
  onNewBatch(topic: string, layout: TopicLayout, previous: number): void;
}

/** Chooses a record's partition the way Kafka's default partitioner does. */
export class Partitioner {
  private readonly keyless: KeylessPartitioner;

  constructor(
    readonly kind: PartitionerKind,
    random: Random,
  ) {
    this.keyless = kind === "round-robin" ? new RoundRobinPartitioner(random) : new StickyPartitioner(random);
  }

  partition(topic: string, key: string | null, layout: TopicLayout): number {
    if (key !== null) return partitionForKey(key, layout.partitionCount);
    return this.keyless.partition(topic, layout);
  }

  /** True when a keyless record that would open a new batch should be partitioned again (sticky only). */
  get switchesOnNewBatch(): boolean {
    return this.kind === "sticky";
  }

  onNewBatch(topic: string, layout: TopicLayout, previous: number): void {
    this.keyless.onNewBatch(topic, layout, previous);
  }
}
