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
 * (topic, partition, generation, member) changes only at a rebalance, so it is one column
 * of owner ids, each standing for such a tuple (topics and members interned), found
 * through the last few tuples seen without building a key: four numbers a record, not
 * seven. PackedColumn stores each chunk of rows relative to its first value in one or two
 * bytes where neighbours are close (times, offsets, owner ids) and grows a chunk at a
 * time, not by doubling.
 */
export class ProcessedStream {
  private readonly valueIds = new PackedColumn();
  private readonly offsets = new PackedColumn();
  private readonly atMicros = new PackedColumn();
  private readonly owners = new PackedColumn();
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
    this.valueIds.push(valueId);
    this.offsets.push(offset);
    this.atMicros.push(atMicros);
    this.owners.push(this.ownerOf(topic, partition, generation, member));
  }

  private ownerOf(topic: string, partition: number, generation: number, member: string): number {
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
    return this.owners.get(i);
  }

  /** The i-th record's topic and member as interned ids (`topicName`, `memberName`), and its partition and generation. */
  topicIdAt(i: number): number {
    return this.ownerTopic[this.owners.get(i)]!;
  }

  memberIdAt(i: number): number {
    return this.ownerMember[this.owners.get(i)]!;
  }

  partitionAt(i: number): number {
    return this.ownerPartition[this.owners.get(i)]!;
  }

  generationAt(i: number): number {
    return this.ownerGeneration[this.owners.get(i)]!;
  }

  memberName(id: number): string {
    return this.memberNames.name(id);
  }

  /** The i-th processed record, written into `into` (a view to reuse, or a fresh object to keep). */
  read(i: number, into: ProcessedRecord): ProcessedRecord {
    const owner = this.owners.get(i);
    into.valueId = this.valueIds.get(i);
    into.topic = this.topicNames.name(this.ownerTopic[owner]!);
    into.partition = this.ownerPartition[owner]!;
    into.offset = this.offsets.get(i);
    into.generation = this.ownerGeneration[owner]!;
    into.member = this.memberNames.name(this.ownerMember[owner]!);
    into.atMicros = this.atMicros.get(i);
    return into;
  }
}
