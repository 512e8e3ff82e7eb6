import { assert } from "../../../../sim/index.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";
import { javaBucket, javaHashMapCapacity, javaTopicPartitionHash } from "./javaHashOrder.ts";

interface Movement {
  readonly from: string;
  readonly to: string;
}

/**
 * The partitions of one topic that made one move (from -> to): a java.util.HashSet, whose
 * first element in iteration order is the one Kafka picks.
 */
class MovedSet {
  private readonly members = new Map<string, { readonly tp: TopicPartition; readonly seq: number }>();
  /** The most it ever held: a HashSet grows and never shrinks. */
  private sizeMax = 0;
  private seq = 0;

  get size(): number {
    return this.members.size;
  }

  add(tp: TopicPartition): void {
    this.members.set(tpKey(tp), { tp, seq: this.seq++ });
    this.sizeMax = Math.max(this.sizeMax, this.members.size);
  }

  delete(tp: TopicPartition): void {
    this.members.delete(tpKey(tp));
  }

  /** HashSet.iterator().next(): the lowest bucket, the earliest added within it. */
  first(): TopicPartition {
    const capacity = javaHashMapCapacity(this.sizeMax);
    let best: { tp: TopicPartition; seq: number; bucket: number } | undefined;
    for (const { tp, seq } of this.members.values()) {
      const bucket = javaBucket(javaTopicPartitionHash(tp), capacity);
      if (best === undefined || bucket < best.bucket || (bucket === best.bucket && seq < best.seq)) best = { tp, seq, bucket };
    }
    assert(best !== undefined, "partition movements: empty set");
    return best.tp;
  }
}

/**
 * The moves made so far in one run of the general sticky algorithm (Kafka's
 * AbstractStickyAssignor.PartitionMovements). It keeps partitions of one topic from
 * crossing between two members in both directions: when the balancing pass wants to move a
 * partition of topic T from A to B while a partition of T already moved from B to A (A
 * being where the partition started), it moves that one back instead, so one partition
 * fewer ends up with a new owner. Which one, when several did, is the one Kafka's HashSet
 * yields first.
 */
export class PartitionMovements {
  /** partition key -> its owner before this rebalance and its owner now. */
  private readonly byPartition = new Map<string, Movement>();
  /** topic -> "from\u0000to" -> the partitions that made that move. */
  private readonly byTopic = new Map<string, Map<string, MovedSet>>();

  /** The partition to move when `partition` should go from `from` to `to`. */
  partitionToMove(partition: TopicPartition, from: string, to: string): TopicPartition {
    const topicMoves = this.byTopic.get(partition.topic);
    if (topicMoves === undefined) return partition;
    const earlier = this.byPartition.get(tpKey(partition));
    if (earlier !== undefined) {
      assert(earlier.to === from, () => `partition movements: ${tpKey(partition)} is at ${earlier.to}, not ${from}`);
      from = earlier.from;
    }
    const reverse = topicMoves.get(pairKey(to, from));
    return reverse === undefined ? partition : reverse.first();
  }

  /** Records that `partition` moved from `from` to `to`, folding it into its earlier move if any. */
  move(partition: TopicPartition, from: string, to: string): void {
    const earlier = this.byPartition.get(tpKey(partition));
    if (earlier === undefined) {
      this.record(partition, { from, to });
      return;
    }
    this.forget(partition, earlier);
    assert(earlier.to === from, () => `partition movements: ${tpKey(partition)} is at ${earlier.to}, not ${from}`);
    // Back where it started: no longer a move at all.
    if (earlier.from !== to) this.record(partition, { from: earlier.from, to });
  }

  private record(partition: TopicPartition, movement: Movement): void {
    this.byPartition.set(tpKey(partition), movement);
    let topicMoves = this.byTopic.get(partition.topic);
    if (topicMoves === undefined) this.byTopic.set(partition.topic, (topicMoves = new Map()));
    const pair = pairKey(movement.from, movement.to);
    let moved = topicMoves.get(pair);
    if (moved === undefined) topicMoves.set(pair, (moved = new MovedSet()));
    moved.add(partition);
  }

  private forget(partition: TopicPartition, movement: Movement): void {
    this.byPartition.delete(tpKey(partition));
    const topicMoves = this.byTopic.get(partition.topic)!;
    const pair = pairKey(movement.from, movement.to);
    const moved = topicMoves.get(pair)!;
    moved.delete(partition);
    if (moved.size === 0) topicMoves.delete(pair);
    if (topicMoves.size === 0) this.byTopic.delete(partition.topic);
  }
}

function pairKey(from: string, to: string): string {
  return `${from}\u0000${to}`;
}
