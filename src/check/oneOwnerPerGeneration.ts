import type { ProcessedRecord, ProcessedStream } from "./ProcessedStream.ts";

/** What the check remembers of one partition: its owner per generation, and the generation its last record had. */
interface PartitionOwners {
  readonly byGeneration: Map<number, number>;
  generation: number;
  /** The owner (member id) in `generation`, -1 for none yet. */
  owner: number;
}

/**
 * One owner per partition and group generation: two members processing records of one
 * partition under the same generation means two members were assigned it at once. Each
 * record whose member differs from the partition's owner in its generation is reported
 * (and that member becomes the owner). Records of a partition mostly come in runs of one
 * generation, so the owner of the last generation seen is kept at hand: no Map lookup and
 * no key built per record; a record with the same owner id as the one before (same topic,
 * partition, generation and member) is skipped outright.
 */
export function oneOwnerPerGeneration(stream: ProcessedStream, report: (record: Readonly<ProcessedRecord>, owner: string) => void): void {
  const byTopic: PartitionOwners[][] = [];
  const view = {} as ProcessedRecord;
  let previousOwner = -1;
  for (let i = 0; i < stream.length; i++) {
    // The same topic, partition, generation and member as the record before: that member owns it already.
    const ownerId = stream.ownerAt(i);
    if (ownerId === previousOwner) continue;
    previousOwner = ownerId;
    const partitions = (byTopic[stream.topicIdAt(i)] ??= []);
    const partition = stream.partitionAt(i);
    const owners = (partitions[partition] ??= { byGeneration: new Map(), generation: NaN, owner: -1 });
    const generation = stream.generationAt(i);
    if (owners.generation !== generation) {
      owners.generation = generation;
      owners.owner = owners.byGeneration.get(generation) ?? -1;
    }
    const member = stream.memberIdAt(i);
    if (owners.owner === member) continue;
    if (owners.owner !== -1) report(stream.read(i, view), stream.memberName(owners.owner));
    owners.byGeneration.set(generation, member);
    owners.owner = member;
  }
}
