import { assert } from "../../../../sim/index.ts";
import type { Subscription } from "../../../protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";
import { allPartitions, compareStrings, sortedMemberIds, type Assignment } from "./Assignor.ts";
import { PartitionMovements } from "./PartitionMovements.ts";
import type { PreviousOwners } from "./previousOwners.ts";

/**
 * Most passes over the partitions one balancing run may make. Kafka's loop has no bound;
 * each pass that changes something moves a partition towards a lighter member, so a run
 * needing more than this is a bug in the port, and stops the simulation.
 */
const BALANCE_PASSES_MAX = 10_000;

/**
 * The sticky assignment when members subscribe to different topics (Kafka's
 * GeneralAssignmentBuilder, the original KIP-54 algorithm):
 *
 * 1. every member keeps the partitions it owned and still subscribes to;
 * 2. the other partitions, topics with the fewest subscribers first, each go to the member
 *    with the fewest partitions among those subscribed to its topic (ties by member id);
 * 3. while the assignment is not balanced (a member could take a partition from one holding
 *    two or more partitions more), partitions move from heavier to lighter members: back to
 *    an owner of an older generation first, else to the lightest subscribed member;
 * 4. if those moves did not improve the balance score (the sum of the count differences of
 *    all member pairs), the moves are undone (unless this is the group's first assignment).
 *
 * Partitions of topics only one member subscribes to, and members that hold everything they
 * can and nothing movable, take no part in step 3 (Kafka's fixed partitions and members).
 * Kafka's HashMap order matters only through the previous owners (previousOwners.ts) and
 * PartitionMovements, which follow it; the rest is sorted as Kafka sorts.
 *
 * One deliberate difference: Kafka sends a partition back to an older-generation owner even when that member has since
 * unsubscribed from its topic (or cannot take part), which would assign a partition to a
 * member not subscribed to it (or fail); ksim only sends it back to a member that can take it.
 */
export class GeneralAssignment {
  private readonly ids: readonly string[];
  private readonly olderOwner: PreviousOwners["olderOwner"];
  /** member -> its partitions now (fixed members are taken out during step 3). */
  private readonly current = new Map<string, TopicPartition[]>();
  private readonly ownerOf = new Map<string, string>();
  /** topic -> members subscribed to it, in member-id order. */
  private readonly topicMembers = new Map<string, string[]>();
  /** member -> the existing topics it subscribes to. */
  private readonly memberTopics = new Map<string, string[]>();
  /** Members taking part in balancing (Kafka's sortedCurrentSubscriptions). */
  private readonly participants = new Set<string>();
  private readonly movements = new PartitionMovements();
  /** Every partition, topics with the fewest subscribers first, then by name and partition. */
  private readonly sortedAllPartitions: TopicPartition[];
  /** Some member lost a partition because it unsubscribed from its topic. */
  private revocationRequired = false;

  constructor(
    private readonly counts: ReadonlyMap<string, number>,
    members: ReadonlyMap<string, Subscription>,
    previous: PreviousOwners,
  ) {
    this.olderOwner = previous.olderOwner;
    this.ids = sortedMemberIds(members);
    for (const topic of counts.keys()) this.topicMembers.set(topic, []);
    for (const id of this.ids) {
      const topics = [...new Set(members.get(id)!.topics)].filter((t) => counts.has(t));
      this.memberTopics.set(id, topics);
      for (const topic of topics) this.topicMembers.get(topic)!.push(id);
      this.current.set(id, [...(previous.owned.get(id) ?? [])]);
    }
    for (const [id, partitions] of this.current) for (const tp of partitions) this.ownerOf.set(tpKey(tp), id);
    const topicOrder = [...counts.keys()].sort(
      (a, b) => this.topicMembers.get(a)!.length - this.topicMembers.get(b)!.length || compareStrings(a, b),
    );
    this.sortedAllPartitions = allPartitions(counts, topicOrder);
  }

  build(): Assignment {
    const kept = this.keepSubscribed();
    const unassigned = this.sortedAllPartitions.filter((tp) => !kept.has(tpKey(tp)));
    for (const id of this.ids) this.participants.add(id);
    this.balance(unassigned);
    return new Map(this.ids.map((id) => [id, this.current.get(id)!]));
  }

  /** Step 1: drop owned partitions of topics the member no longer subscribes to. */
  private keepSubscribed(): Set<string> {
    const kept = new Set<string>();
    for (const [id, partitions] of this.current) {
      const topics = this.memberTopics.get(id)!;
      const stays = partitions.filter((tp) => topics.includes(tp.topic));
      if (stays.length < partitions.length) this.revocationRequired = true;
      for (const tp of partitions) if (!topics.includes(tp.topic)) this.ownerOf.delete(tpKey(tp));
      for (const tp of stays) kept.add(tpKey(tp));
      this.current.set(id, stays);
    }
    return kept;
  }

  private balance(unassigned: readonly TopicPartition[]): void {
    const order = this.byLoad();
    const initializing = order.length === 0 || this.load(order[order.length - 1]!) === 0;
    for (const tp of unassigned) this.assignToLightest(tp);

    const movable = (tp: TopicPartition): boolean => this.topicMembers.get(tp.topic)!.length >= 2;
    const fixed = this.takeOutFixedMembers();
    const before = new Map([...this.current].map(([id, partitions]) => [id, [...partitions]]));
    const ownersBefore = new Map(this.ownerOf);

    // Without revocations, first try to balance by moving only the partitions just assigned.
    if (!this.revocationRequired) this.reassign(unassigned.filter(movable));
    const moved = this.reassign(this.sortedAllPartitions.filter(movable));

    if (!initializing && moved && balanceScore(this.current) >= balanceScore(before)) {
      for (const [id, partitions] of before) this.current.set(id, partitions);
      this.ownerOf.clear();
      for (const [key, id] of ownersBefore) this.ownerOf.set(key, id);
    }
    for (const [id, partitions] of fixed) {
      this.current.set(id, partitions);
      this.participants.add(id);
    }
  }

  /** Step 2 for one partition: the lightest member subscribed to its topic takes it. */
  private assignToLightest(tp: TopicPartition): void {
    const member = this.lightestFor(tp.topic);
    if (member === undefined) return;
    this.current.get(member)!.push(tp);
    this.ownerOf.set(tpKey(tp), member);
  }

  /** Members that hold all they can and nothing another member could take sit out step 3. */
  private takeOutFixedMembers(): Map<string, TopicPartition[]> {
    const fixed = new Map<string, TopicPartition[]>();
    for (const id of this.ids) {
      const partitions = this.current.get(id)!;
      const capacity = this.capacity(id);
      assert(partitions.length <= capacity, () => `general assignment: ${id} holds more than it subscribes to`);
      const movable = partitions.some((tp) => this.topicMembers.get(tp.topic)!.length >= 2);
      if (partitions.length < capacity || movable) continue;
      fixed.set(id, partitions);
      this.current.delete(id);
      this.participants.delete(id);
    }
    return fixed;
  }

  /** Step 3: returns whether any partition moved. */
  private reassign(partitions: readonly TopicPartition[]): boolean {
    let moved = false;
    for (let passes = 1; ; passes++) {
      assert(passes <= BALANCE_PASSES_MAX, "general sticky assignment does not converge");
      let modified = false;
      for (const tp of partitions) {
        if (this.isBalanced()) break;
        if (this.reassignOne(tp)) modified = moved = true;
      }
      if (!modified) return moved;
    }
  }

  /** Moves `tp` (or the partition PartitionMovements picks instead) if a lighter member should have it. */
  private reassignOne(tp: TopicPartition): boolean {
    const owner = this.ownerOf.get(tpKey(tp));
    assert(owner !== undefined, () => `general assignment: ${tpKey(tp)} has no owner`);
    const older = this.olderOwner.get(tpKey(tp));
    if (older !== undefined && this.canTake(older.member, tp) && this.load(owner) > this.load(older.member) + 1) {
      this.moveTowards(tp, older.member);
      return true;
    }
    const lighter = this.topicMembers.get(tp.topic)!.some((m) => this.participants.has(m) && this.load(owner) > this.load(m) + 1);
    if (!lighter) return false;
    this.moveTowards(tp, this.lightestFor(tp.topic)!);
    return true;
  }

  private canTake(member: string, tp: TopicPartition): boolean {
    return this.participants.has(member) && this.memberTopics.get(member)!.includes(tp.topic);
  }

  private moveTowards(tp: TopicPartition, to: string): void {
    const moving = this.movements.partitionToMove(tp, this.ownerOf.get(tpKey(tp))!, to);
    const from = this.ownerOf.get(tpKey(moving))!;
    assert(from !== to, () => `general assignment: ${tpKey(moving)} would move to its own owner ${to}`);
    this.movements.move(moving, from, to);
    const fromPartitions = this.current.get(from)!;
    fromPartitions.splice(fromPartitions.findIndex((p) => tpKey(p) === tpKey(moving)), 1);
    this.current.get(to)!.push(moving);
    this.ownerOf.set(tpKey(moving), to);
  }

  /**
   * Balanced: counts differ by at most one, or no member could take a partition from a
   * member holding two or more more than it (Kafka's isBalanced, after KAFKA-15106).
   */
  private isBalanced(): boolean {
    const order = this.byLoad();
    if (order.length === 0 || this.load(order[0]!) >= this.load(order[order.length - 1]!) - 1) return true;
    for (const id of order) {
      const count = this.load(id);
      if (count === this.capacity(id)) continue;
      const mine = new Set(this.current.get(id)!.map(tpKey));
      for (const topic of this.memberTopics.get(id)!) {
        for (let p = 0; p < this.counts.get(topic)!; p++) {
          const key = tpKey({ topic, partition: p });
          if (mine.has(key)) continue;
          if (count + 1 < this.load(this.ownerOf.get(key)!)) return false;
        }
      }
    }
    return true;
  }

  /** Participants by partition count, then member id (Kafka's SubscriptionComparator). */
  private byLoad(): string[] {
    return [...this.participants].sort((a, b) => this.load(a) - this.load(b) || compareStrings(a, b));
  }

  private lightestFor(topic: string): string | undefined {
    return this.byLoad().find((id) => this.memberTopics.get(id)!.includes(topic));
  }

  private load(member: string): number {
    const partitions = this.current.get(member);
    assert(partitions !== undefined, () => `general assignment: ${member} is not taking part`);
    return partitions.length;
  }

  /** How many partitions the member could hold: all partitions of its topics. */
  private capacity(member: string): number {
    return this.memberTopics.get(member)!.reduce((sum, topic) => sum + this.counts.get(topic)!, 0);
  }
}

/** The sum, over all pairs of members, of the difference of their counts (0 is perfectly even). */
function balanceScore(assignment: ReadonlyMap<string, readonly TopicPartition[]>): number {
  const sizes = [...assignment.values()].map((p) => p.length);
  let score = 0;
  for (let i = 0; i < sizes.length; i++) for (let j = i + 1; j < sizes.length; j++) score += Math.abs(sizes[i]! - sizes[j]!);
  return score;
}
