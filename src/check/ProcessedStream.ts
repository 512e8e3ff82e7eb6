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

/**
 * Every record a consumer group member processed, in order, as packed columns (no object,
 * string or boxed number per record: a big run processes millions), with topics and
 * members interned. PackedColumn stores each chunk of rows relative to its first value in
 * one or two bytes where neighbours are close (times, partitions, generations, member ids)
 * and grows a chunk at a time, not by doubling.
 */
export class ProcessedStream {
  private readonly valueIds = new PackedColumn();
  private readonly offsets = new PackedColumn();
  private readonly atMicros = new PackedColumn();
  private readonly partitions = new PackedColumn();
  private readonly generations = new PackedColumn();
  private readonly members = new PackedColumn();
  private readonly topicIds = new PackedColumn();
  private readonly memberNames = new Interner();
  private readonly topicNames = new Interner();

  get length(): number {
    return this.valueIds.length;
  }

  append(valueId: number, topic: string, partition: number, offset: number, generation: number, member: string, atMicros: number): void {
    this.valueIds.push(valueId);
    this.offsets.push(offset);
    this.atMicros.push(atMicros);
    this.partitions.push(partition);
    this.generations.push(generation);
    // A member processes runs of records of one topic: the interners remember the last name.
    this.members.push(this.memberNames.intern(member));
    this.topicIds.push(this.topicNames.intern(topic));
  }

  /** The i-th record's topic and member as interned ids (`topicName`, `memberName`), and its partition and generation. */
  topicIdAt(i: number): number {
    return this.topicIds.get(i);
  }

  memberIdAt(i: number): number {
    return this.members.get(i);
  }

  partitionAt(i: number): number {
    return this.partitions.get(i);
  }

  generationAt(i: number): number {
    return this.generations.get(i);
  }

  memberName(id: number): string {
    return this.memberNames.name(id);
  }

  /** The i-th processed record, written into `into` (a view to reuse, or a fresh object to keep). */
  read(i: number, into: ProcessedRecord): ProcessedRecord {
    into.valueId = this.valueIds.get(i);
    into.topic = this.topicNames.name(this.topicIds.get(i));
    into.partition = this.partitions.get(i);
    into.offset = this.offsets.get(i);
    into.generation = this.generations.get(i);
    into.member = this.memberNames.name(this.members.get(i));
    into.atMicros = this.atMicros.get(i);
    return into;
  }
}
