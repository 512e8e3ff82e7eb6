import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { RecordSet, type CompactedBatch, type RecordBatch } from "../../src/protocol/records.ts";
import { FetchedRecords } from "../../src/client/consumer/FetchedRecords.ts";
import { ConsumerRecords } from "../../src/client/consumer/ConsumerRecords.ts";
import { GroupLedger } from "../../src/check/GroupLedger.ts";

const TP = { topic: "orders", partition: 2 };

function batch(baseOffset: number, firstValue: number, count: number, epoch = 3): RecordBatch {
  const records = RecordSet.of(Array.from({ length: count }, (_, i) => ({ key: null, valueId: firstValue + i, sizeBytes: 100, createdAtMicros: 1_000 + i })));
  return { baseOffset, records, partitionLeaderEpoch: epoch, producerId: -1, producerEpoch: -1, baseSequence: -1, appendedAtMicros: 0, sizeBytes: 61 + 100 * count };
}

/** A cleaner's batch: records kept at `offsets`, with gaps between them. */
function compacted(offsets: readonly number[], firstValue: number): CompactedBatch {
  return { ...batch(offsets[0]!, firstValue, offsets.length), recordOffsets: offsets, lastOffset: offsets[offsets.length - 1]! + 2 };
}

describe("ConsumerRecords: what poll() returns, kept as runs of fetched batches", () => {
  it("a poll that takes a fetch answer in pieces hands out each record once, in offset order, with its batch's leader epoch", () => {
    const batches = [batch(10, 100, 3, 4), compacted([13, 15, 18], 200), batch(20, 300, 4, 5)];
    // The consumer's position is 11: the answer starts in the middle of the first batch.
    const fetched = new FetchedRecords(TP, batches, 11);
    expect(fetched.length).toBe(9);
    const polls: ConsumerRecords[] = [];
    while (fetched.remaining > 0) {
      const out = new ConsumerRecords();
      fetched.takeInto(out, 4);
      polls.push(out);
    }
    expect(polls.map((p) => p.length)).toEqual([4, 4, 1]);
    const all = polls.flatMap((p) => p.toArray());
    expect(all.map((r) => r.offset)).toEqual([11, 12, 13, 15, 18, 20, 21, 22, 23]);
    expect(all.map((r) => r.record.valueId)).toEqual([101, 102, 200, 201, 202, 300, 301, 302, 303]);
    expect(all.map((r) => r.leaderEpoch)).toEqual([4, 4, 3, 3, 3, 5, 5, 5, 5]);
    // Runs never cross a batch: the first poll is two runs (2 records of one batch, 2 of the next).
    expect(polls[0]!.runCount).toBe(2);
    expect([polls[0]!.runFirst(0), polls[0]!.runLength(0), polls[0]!.runFirst(1), polls[0]!.runLength(1)]).toEqual([1, 2, 0, 2]);
  });

  it("at(i) reads the same record as iteration, in any order of asking", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 6 }), fc.array(fc.nat(), { maxLength: 30 }), (sizes, asks) => {
        const records = new ConsumerRecords();
        let offset = 0;
        for (const size of sizes) {
          const b = batch(offset, 1_000 + offset, size + 1);
          records.append(TP, b, 1, size);
          offset += size + 1;
        }
        const listed = records.toArray();
        expect(listed.length).toBe(records.length);
        for (const ask of asks) {
          const i = ask % records.length;
          expect(records.at(i)).toEqual(listed[i]);
        }
      }),
    );
  });

  it("withoutFirst drops exactly the first record (the planted bug's loss)", () => {
    const records = new ConsumerRecords();
    records.append(TP, batch(0, 50, 1), 0, 1);
    records.append(TP, batch(1, 60, 3), 0, 3);
    expect(records.withoutFirst().toArray().map((r) => r.offset)).toEqual([1, 2, 3]);
    expect(ConsumerRecords.EMPTY.withoutFirst().length).toBe(0);
  });

  it("a group ledger told of a whole poll at once records what it records told record by record", () => {
    const records = new ConsumerRecords();
    records.append(TP, batch(0, 10, 5), 2, 3);
    records.append({ topic: "orders", partition: 0 }, compacted([7, 9], 20), 0, 2);
    const byRecord = new GroupLedger();
    for (const r of records) byRecord.observer.processed!(r, 4, "member-1", 5_000);
    const atOnce = new GroupLedger();
    atOnce.observer.processedAll!(records, 4, "member-1", 5_000);
    expect([...atOnce.processedStream()]).toEqual([...byRecord.processedStream()]);
    expect([...atOnce.processedStream()].map((r) => r.offset)).toEqual([2, 3, 4, 7, 9]);
    expect(atOnce.processed).toBe(5);
    expect(atOnce.endToEnd.count).toBe(byRecord.endToEnd.count);
  });
});
