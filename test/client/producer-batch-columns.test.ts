import { describe, expect, it } from "vitest";
import { PendingRecord, ProducerBatch, type ProduceCallback } from "../../src/client/producer/ProducerBatch.ts";
import { BATCH_OVERHEAD_BYTES } from "../../src/protocol/records.ts";
import { RecordSet } from "../../src/protocol/RecordSet.ts";

const BATCH_SIZE_BYTES = 1_000;

/** Records with value ids past 2^31 (as workloads make them), keys from the third on, a callback on the second. */
function records(callback: ProduceCallback): PendingRecord[] {
  return [0, 1, 2, 3].map(
    (i) => new PendingRecord(i >= 2 ? `key-${i}` : null, 3_000_000_000 + i, 100 + i, 5_000 + i, i === 1 ? callback : undefined),
  );
}

function batchOf(rs: readonly PendingRecord[]): ProducerBatch {
  const batch = new ProducerBatch({ topic: "events", partition: 0 }, "events-0", 0, BATCH_SIZE_BYTES);
  for (const r of rs) expect(batch.tryAppend(r, BATCH_SIZE_BYTES)).toBe(true);
  return batch;
}

describe("a producer batch keeps its records as columns", () => {
  it("gives back each record with its key and callback, keyless and callback-less ones included", () => {
    const callback: ProduceCallback = () => {};
    const rs = records(callback);
    const batch = batchOf(rs);
    expect(batch.recordCount).toBe(4);
    expect(batch.sizeBytes).toBe(BATCH_OVERHEAD_BYTES + 100 + 101 + 102 + 103);
    for (let i = 0; i < rs.length; i++) expect(batch.recordAt(i)).toEqual(rs[i]);
    expect(batch.recordAt(1).callback).toBe(callback);
  });

  it("sends the same records as RecordSet.of would make of them, and the same set on a retry", () => {
    const rs = records(() => {});
    const batch = batchOf(rs);
    batch.closed = true;
    const wire = batch.toWire().records;
    const expected = RecordSet.of(rs);
    expect(wire.length).toBe(expected.length);
    for (let i = 0; i < rs.length; i++) {
      expect([wire.keyAt(i), wire.valueIdAt(i), wire.createdAtMicrosAt(i), wire.sizeBytesAt(i)]).toEqual([
        expected.keyAt(i), expected.valueIdAt(i), expected.createdAtMicrosAt(i), expected.sizeBytesAt(i),
      ]);
    }
    expect(batch.toWire().records).toBe(wire);
  });

  it("refuses a record past batch.size once it holds one", () => {
    const batch = new ProducerBatch({ topic: "events", partition: 0 }, "events-0", 0, BATCH_SIZE_BYTES);
    const big = (id: number) => new PendingRecord(null, id, 600, 0, undefined);
    expect(batch.tryAppend(big(1), BATCH_SIZE_BYTES)).toBe(true);
    expect(batch.tryAppend(big(2), BATCH_SIZE_BYTES)).toBe(false);
    expect(batch.recordCount).toBe(1);
  });

  it("makes room past what its first record's size promised when smaller records follow, and sends exactly the records appended", () => {
    const batch = new ProducerBatch({ topic: "events", partition: 0 }, "events-0", 0, BATCH_SIZE_BYTES);
    // The first record (400 bytes) promises room for two; thirty small ones follow.
    const rs = [new PendingRecord(null, 3_000_000_000, 400, 7, undefined)];
    for (let i = 1; i <= 30; i++) rs.push(new PendingRecord(null, 3_000_000_000 + i, 10, 7 + i, undefined));
    for (const r of rs) expect(batch.tryAppend(r, BATCH_SIZE_BYTES)).toBe(true);
    batch.closed = true;
    const wire = batch.toWire().records;
    expect(wire.length).toBe(rs.length);
    for (let i = 0; i < rs.length; i++) expect([wire.valueIdAt(i), wire.createdAtMicrosAt(i), wire.sizeBytesAt(i)]).toEqual([rs[i]!.valueId, rs[i]!.createdAtMicros, rs[i]!.sizeBytes]);
    for (let i = 0; i < rs.length; i++) expect(batch.recordAt(i)).toEqual(rs[i]);
  });
});
