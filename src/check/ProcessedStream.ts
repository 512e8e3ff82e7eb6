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

const FIRST_CAPACITY = 1024;

/**
 * Every record a consumer group member processed, in order, as typed-array columns (no
 * object, string or boxed number per record: a big run processes millions), with topics
 * and members interned.
 */
export class ProcessedStream {
  private size = 0;
  private valueIds = new Float64Array(FIRST_CAPACITY);
  private offsets = new Float64Array(FIRST_CAPACITY);
  private atMicros = new Float64Array(FIRST_CAPACITY);
  private partitions = new Int32Array(FIRST_CAPACITY);
  private generations = new Int32Array(FIRST_CAPACITY);
  private members = new Uint32Array(FIRST_CAPACITY);
  private topicIds = new Uint32Array(FIRST_CAPACITY);
  private readonly memberNames: string[] = [];
  private readonly memberIndex = new Map<string, number>();
  private readonly topicNames: string[] = [];
  private readonly topicIndex = new Map<string, number>();
  private lastMember: string | null = null;
  private lastMemberId = 0;
  private lastTopic: string | null = null;
  private lastTopicId = 0;

  get length(): number {
    return this.size;
  }

  append(valueId: number, topic: string, partition: number, offset: number, generation: number, member: string, atMicros: number): void {
    if (this.size === this.valueIds.length) this.grow();
    const i = this.size++;
    this.valueIds[i] = valueId;
    this.offsets[i] = offset;
    this.atMicros[i] = atMicros;
    this.partitions[i] = partition;
    this.generations[i] = generation;
    // A member processes runs of records of one topic: the last ids found skip the Map lookups.
    if (member !== this.lastMember) {
      this.lastMember = member;
      this.lastMemberId = intern(member, this.memberNames, this.memberIndex);
    }
    if (topic !== this.lastTopic) {
      this.lastTopic = topic;
      this.lastTopicId = intern(topic, this.topicNames, this.topicIndex);
    }
    this.members[i] = this.lastMemberId;
    this.topicIds[i] = this.lastTopicId;
  }

  /** The i-th record's topic and member as interned ids (`topicName`, `memberName`), and its partition and generation. */
  topicIdAt(i: number): number {
    return this.topicIds[i]!;
  }

  memberIdAt(i: number): number {
    return this.members[i]!;
  }

  partitionAt(i: number): number {
    return this.partitions[i]!;
  }

  generationAt(i: number): number {
    return this.generations[i]!;
  }

  memberName(id: number): string {
    return this.memberNames[id]!;
  }

  /** The i-th processed record, written into `into` (a view to reuse, or a fresh object to keep). */
  read(i: number, into: ProcessedRecord): ProcessedRecord {
    into.valueId = this.valueIds[i]!;
    into.topic = this.topicNames[this.topicIds[i]!]!;
    into.partition = this.partitions[i]!;
    into.offset = this.offsets[i]!;
    into.generation = this.generations[i]!;
    into.member = this.memberNames[this.members[i]!]!;
    into.atMicros = this.atMicros[i]!;
    return into;
  }

  private grow(): void {
    const capacity = this.valueIds.length * 2;
    this.valueIds = grown(this.valueIds, new Float64Array(capacity));
    this.offsets = grown(this.offsets, new Float64Array(capacity));
    this.atMicros = grown(this.atMicros, new Float64Array(capacity));
    this.partitions = grown(this.partitions, new Int32Array(capacity));
    this.generations = grown(this.generations, new Int32Array(capacity));
    this.members = grown(this.members, new Uint32Array(capacity));
    this.topicIds = grown(this.topicIds, new Uint32Array(capacity));
  }
}

function grown<T extends Float64Array | Int32Array | Uint32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}

function intern(name: string, names: string[], index: Map<string, number>): number {
  let i = index.get(name);
  if (i === undefined) {
    i = names.length;
    names.push(name);
    index.set(name, i);
  }
  return i;
}
