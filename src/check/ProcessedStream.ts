import { assert } from "../../sim/index.ts";
import { Interner } from "./Interner.ts";
import { PackedColumn } from "./PackedColumn.ts";

/** One processed record, as the stream shows it. */
export interface ProcessedRecord {
  valueId: number;
  topic: string;
  partition: number;
  offset: number;
  generation: number;
  member: string;
  atMicros: number;
}

/** How many of the last owners (topic, partition, generation, member) are kept at hand: members process in turn. */
const RECENT = 4;

/**
 * Every record a consumer group member processed, in order, as packed columns (no object,
 * string or boxed number per record: a big run processes millions). Who processed it where
 * (topic, partition, generation, member) changes only at a rebalance, so it is an owner id,
 * each standing for such a tuple (topics and members interned), found through the last few
 * tuples seen without building a key. A member processes a partition's records in offset
 * order, so records come in runs of one owner and consecutive offsets: the owner and the
 * first offset are kept per run, and only the value id and the time per record (two
 * numbers a record, not four). PackedColumn stores each chunk of rows in one or two bytes
 * where neighbours are close and grows a chunk at a time, not by doubling.
 */
export class ProcessedStream {
  private readonly valueIds = new PackedColumn();
  private readonly atMicros = new PackedColumn();
  // Runs of records with one owner and consecutive offsets: where each starts, its owner, its first offset.
  private readonly runStart = new PackedColumn();
  private readonly runOwner = new PackedColumn();
  private readonly runFirstOffset = new PackedColumn();
  /** The open (last) run's owner and the offset its next record would have (-1, NaN before the first). */
  private lastOwner = -1;
  private nextOffset = NaN;
  /** The run `runOf` found last: readers walk the records in order. */
  private cursor = 0;
  private readonly memberNames = new Interner();
  private readonly topicNames = new Interner();
  // Each owner id's parts.
  private readonly ownerTopic: number[] = [];
  private readonly ownerPartition: number[] = [];
  private readonly ownerGeneration: number[] = [];
  private readonly ownerMember: number[] = [];
  /** Owner ids by `topic id/partition/generation/member id`, looked up only when the recent ones miss. */
  private readonly ownerIds = new Map<string, number>();
  // The last few owners seen, as given (names, not ids), and their ids.
  private readonly recentTopic: (string | null)[] = new Array<string | null>(RECENT).fill(null);
  private readonly recentPartition: number[] = new Array<number>(RECENT).fill(-1);
  private readonly recentGeneration: number[] = new Array<number>(RECENT).fill(-1);
  private readonly recentMember: (string | null)[] = new Array<string | null>(RECENT).fill(null);
  private readonly recentOwner: number[] = new Array<number>(RECENT).fill(-1);
  private nextRecent = 0;

  get length(): number {
    return this.valueIds.length;
  }

  append(valueId: number, topic: string, partition: number, offset: number, generation: number, member: string, atMicros: number): void {
    this.appendOwned(this.ownerOf(topic, partition, generation, member), valueId, offset, atMicros);
  }

  /** `append` by owner id (see `ownerOf`): a poll's run of records has one owner, found once. */
  appendOwned(owner: number, valueId: number, offset: number, atMicros: number): void {
    if (owner !== this.lastOwner || offset !== this.nextOffset) {
      this.runStart.push(this.valueIds.length);
      this.runOwner.push(owner);
      this.runFirstOffset.push(offset);
      this.lastOwner = owner;
    }
    this.nextOffset = offset + 1;
    this.valueIds.push(valueId);
    this.atMicros.push(atMicros);
  }

  /** The run record `i` is in: the cursor's, the next, or found by bisection. */
  private runOf(i: number): number {
    assert(i >= 0 && i < this.valueIds.length, () => `ProcessedStream: record ${i} of ${this.valueIds.length}`);
    const runs = this.runStart.length;
    let r = this.cursor;
    if (!(this.runStart.get(r) <= i && (r + 1 === runs || i < this.runStart.get(r + 1)))) {
      r++;
      if (!(r < runs && this.runStart.get(r) <= i && (r + 1 === runs || i < this.runStart.get(r + 1)))) {
        // The last run starting at or before i.
        let lo = 0;
        let hi = runs - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (this.runStart.get(mid) <= i) lo = mid;
          else hi = mid - 1;
        }
        r = lo;
      }
    }
    this.cursor = r;
    return r;
  }

  /** The owner id of (topic, partition, generation, member), made at its first use. */
  ownerOf(topic: string, partition: number, generation: number, member: string): number {
    for (let i = 0; i < RECENT; i++) {
      if (this.recentMember[i] === member && this.recentPartition[i] === partition && this.recentGeneration[i] === generation && this.recentTopic[i] === topic) return this.recentOwner[i]!;
    }
    const topicId = this.topicNames.intern(topic);
    const memberId = this.memberNames.intern(member);
    const key = `${topicId}/${partition}/${generation}/${memberId}`;
    let owner = this.ownerIds.get(key);
    if (owner === undefined) {
      owner = this.ownerTopic.length;
      this.ownerIds.set(key, owner);
      this.ownerTopic.push(topicId);
      this.ownerPartition.push(partition);
      this.ownerGeneration.push(generation);
      this.ownerMember.push(memberId);
    }
    const slot = this.nextRecent;
    this.recentTopic[slot] = topic;
    this.recentPartition[slot] = partition;
    this.recentGeneration[slot] = generation;
    this.recentMember[slot] = member;
    this.recentOwner[slot] = owner;
    this.nextRecent = (slot + 1) % RECENT;
    return owner;
  }

  /** The i-th record's owner id: records with the same one share topic, partition, generation and member. */
  ownerAt(i: number): number {
    return this.runOwner.get(this.runOf(i));
  }

  offsetAt(i: number): number {
    const r = this.runOf(i);
    return this.runFirstOffset.get(r) + (i - this.runStart.get(r));
  }

  /** The i-th record's topic and member as interned ids (`topicName`, `memberName`), and its partition and generation. */
  topicIdAt(i: number): number {
    return this.ownerTopic[this.ownerAt(i)]!;
  }

  memberIdAt(i: number): number {
    return this.ownerMember[this.ownerAt(i)]!;
  }

  partitionAt(i: number): number {
    return this.ownerPartition[this.ownerAt(i)]!;
  }

  generationAt(i: number): number {
    return this.ownerGeneration[this.ownerAt(i)]!;
  }

  memberName(id: number): string {
    return this.memberNames.name(id);
  }

  /** The i-th processed record, written into `into` (a view to reuse, or a fresh object to keep). */
  read(i: number, into: ProcessedRecord): ProcessedRecord {
    const owner = this.ownerAt(i);
    into.valueId = this.valueIds.get(i);
    into.topic = this.topicNames.name(this.ownerTopic[owner]!);
    into.partition = this.ownerPartition[owner]!;
    into.offset = this.offsetAt(i);
    into.generation = this.ownerGeneration[owner]!;
    into.member = this.memberNames.name(this.ownerMember[owner]!);
    into.atMicros = this.atMicros.get(i);
    return into;
  }
}
