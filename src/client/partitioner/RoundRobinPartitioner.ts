import type { Random } from "../../../sim/index.ts";
import type { KeylessPartitioner, TopicLayout } from "./Partitioner.ts";

/**
 * Keyless records before Kafka 2.4 (DefaultPartitioner's counter, like the later
 * RoundRobinPartitioner): a counter per topic that starts at a random value; each record
 * goes to the next available partition, or, when none is available, to the next of all.
 */
export class RoundRobinPartitioner implements KeylessPartitioner {
  private readonly counters = new Map<string, number>();

  constructor(private readonly random: Random) {}

  partition(topic: string, layout: TopicLayout): number {
    const n = this.counters.get(topic) ?? this.random.int(0, 1 << 30);
    this.counters.set(topic, n + 1);
    if (layout.available.length > 0) return layout.available[n % layout.available.length]!;
    return n % layout.partitionCount;
  }

  onNewBatch(): void {}
}
