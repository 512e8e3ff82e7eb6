import { assert } from "../../../sim/index.ts";
import { Interner } from "../Interner.ts";

/** Partitions per topic the ids can tell apart (Kafka's own limit is far lower). */
const PARTITION_SPAN = 1 << 20;

/**
 * Topic-partitions to small integer ids, in order of first appearance in the recording.
 * The id is also the integer key of the partition in the EDN export (Jepsen's kafka
 * workload names each topic-partition by one integer key). Partition -1 stands for "not
 * known" (a send that failed before a partition was chosen): it gets its own id, a key
 * that no poll ever reads.
 */
export class TopicPartitions {
  /** Ids by topic id, then by partition + 1: arrays, no string or Map lookup per record (acknowledgements of many partitions interleave). */
  private readonly ids: number[][] = [];
  private readonly topicIds: number[] = [];
  private readonly partitions: number[] = [];
  // The last topic interned: records come in runs of one topic.
  private lastTopic = "";
  private lastTopicId = -1;

  constructor(private readonly topics: Interner) {}

  intern(topic: string, partition: number): number {
    if (topic !== this.lastTopic || this.lastTopicId < 0) {
      this.lastTopic = topic;
      this.lastTopicId = this.topics.intern(topic);
    }
    return this.internById(this.lastTopicId, partition);
  }

  /** `intern` for a topic already interned, by its id. */
  internById(topicId: number, partition: number): number {
    assert(Number.isInteger(partition) && partition >= -1 && partition < PARTITION_SPAN - 1, () => `history: partition ${partition} out of range`);
    const byPartition = (this.ids[topicId] ??= []);
    const known = byPartition[partition + 1];
    if (known !== undefined) return known;
    const id = this.partitions.length;
    byPartition[partition + 1] = id;
    this.topicIds.push(topicId);
    this.partitions.push(partition);
    return id;
  }

  topic(id: number): string {
    return this.topics.name(this.topicIds[id]!);
  }

  partition(id: number): number {
    return this.partitions[id]!;
  }

  /** `topic-p` (or `topic-?` for an unknown partition), the name the summary uses. */
  label(id: number): string {
    const p = this.partitions[id]!;
    return `${this.topic(id)}-${p < 0 ? "?" : p}`;
  }

  get size(): number {
    return this.partitions.length;
  }
}
