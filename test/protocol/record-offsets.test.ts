import { describe, expect, it } from "vitest";
import { RecordSet } from "../../src/protocol/RecordSet.ts";
import { lastOffsetOf, nextOffsetOf, recordOffsetOf, type CompactedBatch, type RecordBatch } from "../../src/protocol/records.ts";

const record = (valueId: number) => ({ key: `k${valueId}`, valueId, sizeBytes: 10, createdAtMicros: 0 });
const batch: RecordBatch = {
  baseOffset: 10, records: RecordSet.of([record(1), record(2), record(3)]), partitionLeaderEpoch: 0,
  producerId: -1, producerEpoch: -1, baseSequence: -1, appendedAtMicros: 0, sizeBytes: 91,
};

describe("record offsets as readers see them", () => {
  it("a batch as written numbers its records from its base offset", () => {
    expect([0, 1, 2].map((i) => recordOffsetOf(batch, i))).toEqual([10, 11, 12]);
    expect([lastOffsetOf(batch), nextOffsetOf(batch)]).toEqual([12, 13]);
  });

  it("a batch the cleaner compacted keeps each record's own offset and its original end", () => {
    const compacted: CompactedBatch = { ...batch, records: RecordSet.of([record(1), record(3)]), recordOffsets: [10, 14], lastOffset: 15 };
    expect([0, 1].map((i) => recordOffsetOf(compacted, i))).toEqual([10, 14]);
    // The next fetch starts after the batch as first written, not after its surviving records.
    expect(nextOffsetOf(compacted)).toBe(16);
  });
});
