import { Interner } from "./Interner.ts";

/**
 * Topic-partitions to small integer ids, in order of first appearance in the recording.
 * The id is also the integer key of the partition in the EDN export (Jepsen's kafka
 * workload names each topic-partition by one integer key). Partition -1 stands for "not
 * known" (a send that failed before a partition was chosen): it gets its own id, a key
 * that no poll ever reads.
 */
export class TopicPartitions {
  private readonly ids = new Map<string, number>();
  private readonly topicIds: number[] = [];
  private readonly partitions: number[] = [];

  constructor(private readonly topics: Interner) {}

  intern(topic: string, partition: number): number {
    const topicId = this.topics.intern(topic);
    const name = `${topicId}:${partition}`;
    const known = this.ids.get(name);
    if (known !== undefined) return known;
    const id = this.partitions.length;
    this.ids.set(name, id);
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
