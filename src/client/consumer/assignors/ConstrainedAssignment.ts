import { assert } from "../../../../sim/index.ts";
import { tpKey, type TopicPartition } from "../../../protocol/records.ts";
import { allPartitions, compareStrings, type Assignment } from "./Assignor.ts";
import type { PreviousOwners } from "./previousOwners.ts";

/** A sticky assignment and the partitions in it that change owner (partition key -> new owner). */
export interface StickyResult {
  readonly assignment: Assignment;
  /**
   * Partitions taken from a member that still belongs to the group and given to another:
   * cooperative-sticky withholds them for one round. Partitions of members that left are
   * free and do not appear here.
   */
  readonly transferring: Map<string, string>;
}

/**
 * The sticky assignment when every member subscribes to the same topics (Kafka's
 * ConstrainedAssignmentBuilder, KAFKA-9987 and KAFKA-12464). With P partitions and M
 * members each member ends with minQuota = floor(P/M) or maxQuota = ceil(P/M) partitions,
 * and exactly P mod M of them with maxQuota:
 *
 * 1. each member keeps its previous partitions, up to maxQuota while places at maxQuota
 *    remain, otherwise up to minQuota (it keeps the lowest partition numbers first, which
 *    spreads what it keeps over topics); what it cannot keep is revoked. Members are
 *    visited in Kafka's HashMap order, so when more members own maxQuota than there are
 *    places at maxQuota, that order decides which ones keep their surplus;
 * 2. the partitions left, by topic then partition, are dealt round-robin to the members
 *    under minQuota (in member-id order), then one each to members at minQuota until the
 *    P mod M places at maxQuota are filled.
 *
 * So a member keeps min(its previous count, its new count) partitions: only the surplus of
 * over-full members moves. Kafka's rack-aware steps are not modelled (members have no rack).
 */
export class ConstrainedAssignment {
  private readonly minQuota: number;
  private readonly maxQuota: number;
  /** How many members end with maxQuota (zero when the partitions divide evenly). */
  private readonly membersOverMinExpected: number;
  private membersOverMin = 0;
  private readonly assignment: Assignment = new Map();
  private readonly assigned = new Set<string>();
  private readonly revoked = new Set<string>();
  private readonly transferring = new Map<string, string>();
  /** Members below minQuota after step 1, in member-id order. */
  private underMin: string[] = [];
  /** Members at exactly minQuota that may still take one more (while places at maxQuota remain). */
  private atMin: string[] = [];

  /**
   * `memberOrder`: the order step 1 visits members, Kafka's HashMap order (which members
   * keep maxQuota when more own that many than there are places at maxQuota).
   */
  constructor(
    private readonly counts: ReadonlyMap<string, number>,
    private readonly memberOrder: readonly string[],
    private readonly previous: PreviousOwners,
  ) {
    const total = [...counts.values()].reduce((a, b) => a + b, 0);
    const m = memberOrder.length;
    assert(m > 0, "constrained assignment without members");
    this.minQuota = Math.floor(total / m);
    this.maxQuota = Math.ceil(total / m);
    this.membersOverMinExpected = total % m;
    for (const id of [...memberOrder].sort(compareStrings)) this.assignment.set(id, []);
  }

  build(): StickyResult {
    for (const id of this.memberOrder) this.keepOwned(id);
    const unassigned = allPartitions(this.counts, this.counts.keys()).filter((tp) => !this.assigned.has(tpKey(tp)));
    this.underMin.sort(compareStrings);
    this.atMin.sort(compareStrings);
    this.dealRoundRobin(unassigned);
    this.verifyQuotas();
    return { assignment: this.assignment, transferring: this.transferring };
  }

  /** Step 1 for one member: keep what it owned, within its quota. */
  private keepOwned(id: string): void {
    const owned = (this.previous.owned.get(id) ?? [])
      .filter((tp) => !this.previous.contested.has(tpKey(tp)))
      .sort((a, b) => a.partition - b.partition || compareStrings(a.topic, b.topic));
    if (owned.length < this.minQuota) {
      this.keep(id, owned);
      this.underMin.push(id);
    } else if (owned.length >= this.maxQuota && this.membersOverMin < this.membersOverMinExpected) {
      this.membersOverMin++;
      // Every place at maxQuota is taken: members at minQuota can take no more.
      if (this.membersOverMin === this.membersOverMinExpected) this.atMin = [];
      this.keep(id, owned.slice(0, this.maxQuota));
      this.revoke(owned.slice(this.maxQuota));
    } else {
      this.keep(id, owned.slice(0, this.minQuota));
      this.revoke(owned.slice(this.minQuota));
      if (this.membersOverMin < this.membersOverMinExpected) this.atMin.push(id);
    }
  }

  private keep(id: string, partitions: readonly TopicPartition[]): void {
    this.assignment.get(id)!.push(...partitions);
    for (const tp of partitions) this.assigned.add(tpKey(tp));
  }

  private revoke(partitions: readonly TopicPartition[]): void {
    for (const tp of partitions) this.revoked.add(tpKey(tp));
  }

  /**
   * Step 2: members under minQuota take one partition each in turn until they reach it;
   * once none is left under minQuota, members at minQuota take one each, first come first
   * served, up to maxQuota.
   */
  private dealRoundRobin(unassigned: readonly TopicPartition[]): void {
    let cursor = 0;
    for (const tp of unassigned) {
      if (this.underMin.length === 0) {
        assert(this.atMin.length > 0, () => `constrained assignment: no member can take ${tpKey(tp)}`);
        if (this.assignNew(tp, this.atMin.shift()!) === this.maxQuota) this.membersOverMin++;
        continue;
      }
      if (cursor >= this.underMin.length) cursor = 0;
      const member = this.underMin[cursor]!;
      if (this.assignNew(tp, member) === this.minQuota) {
        this.underMin.splice(cursor, 1);
        this.atMin.push(member);
      } else {
        cursor++;
      }
    }
  }

  private assignNew(tp: TopicPartition, member: string): number {
    const partitions = this.assignment.get(member)!;
    partitions.push(tp);
    const key = tpKey(tp);
    // It was owned and revoked (or contested): it changes hands.
    if (this.revoked.has(key) || this.previous.contested.has(key)) this.transferring.set(key, member);
    return partitions.length;
  }

  /** Every member ends at minQuota or maxQuota, and exactly the expected number at maxQuota. */
  private verifyQuotas(): void {
    let atMax = 0;
    for (const [id, partitions] of this.assignment) {
      const n = partitions.length;
      assert(n === this.minQuota || n === this.maxQuota, () => `constrained assignment: ${id} got ${n} partitions`);
      if (n === this.maxQuota && this.maxQuota > this.minQuota) atMax++;
    }
    assert(atMax === this.membersOverMinExpected, `constrained assignment: ${atMax} members at maxQuota`);
  }
}
