import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ReplicationChecker, type ReadableLog } from "../../../src/check/replication/index.ts";
import { ViolationSink } from "../../../src/check/Violation.ts";
import { RecordSet, type RecordBatch } from "../../../src/protocol/records.ts";
import { broker, T } from "./fakes.ts";

/** A replica log of batch objects, shared with other replicas where it fetched them, read a few batches at a time. */
class BatchLog implements ReadableLog {
  constructor(
    readonly batches: RecordBatch[],
    readonly highWatermark: number,
  ) {}

  get logStartOffset(): number {
    return this.batches[0]?.baseOffset ?? 0;
  }

  get logEndOffset(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.baseOffset + last.records.length : 0;
  }

  read(fetchOffset: number, _maxBytes: number, upperBoundOffset: number): readonly RecordBatch[] | "OFFSET_OUT_OF_RANGE" {
    if (fetchOffset < this.logStartOffset || fetchOffset > this.logEndOffset) return "OFFSET_OUT_OF_RANGE";
    const upper = Math.min(upperBoundOffset, this.logEndOffset);
    return this.batches.filter((b) => b.baseOffset + b.records.length - 1 >= fetchOffset && b.baseOffset < upper).slice(0, 2);
  }

  valueAt(offset: number): number | undefined {
    const b = this.batches.find((x) => offset >= x.baseOffset && offset < x.baseOffset + x.records.length);
    return b?.records.valueIdAt(offset - b.baseOffset);
  }
}

function batch(baseOffset: number, values: number[]): RecordBatch {
  const records = values.map((valueId) => ({ key: null, valueId, sizeBytes: 10, createdAtMicros: 0 }));
  return { baseOffset, records: RecordSet.of(records), partitionLeaderEpoch: 0, producerId: -1, producerEpoch: -1, baseSequence: -1, appendedAtMicros: 0, sizeBytes: 100 };
}

/** Batches of the given sizes from offset 0, values drawn from `values` in turn. */
function batches(sizes: number[], values: number[]): RecordBatch[] {
  let offset = 0;
  let v = 0;
  return sizes.map((size) => {
    const b = batch(offset, Array.from({ length: size }, () => values[v++ % values.length]!));
    offset += size;
    return b;
  });
}

describe("replication: committed-prefix over shared batches", () => {
  it("followers holding the leader's very batches, or copies with other values, are reported offset by offset as a record-by-record comparison would", () => {
    const layout = fc.record({
      sizes: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 8 }),
      values: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 20 }),
      // Per follower and batch: 0 shares the leader's object, 1 a copy with the same values, 2 a copy with other values.
      followers: fc.array(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 8, maxLength: 8 }), { minLength: 1, maxLength: 2 }),
      hwBack: fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 3, maxLength: 3 }),
    });
    fc.assert(
      fc.property(layout, ({ sizes, values, followers, hwBack }) => {
        const leaderBatches = batches(sizes, values);
        const end = leaderBatches.reduce((n, b) => n + b.records.length, 0);
        const leader = new BatchLog(leaderBatches, Math.max(0, end - hwBack[0]!));
        const logs = followers.map((kinds, f) => {
          const own = leaderBatches.map((b, i) => {
            if (kinds[i] === 0) return b;
            const copied = b.records.toArray().map((r) => (kinds[i] === 1 ? r.valueId : r.valueId + 10));
            return batch(b.baseOffset, copied);
          });
          return new BatchLog(own, Math.max(0, end - hwBack[f + 1]!));
        });
        const replicas = [leader, ...logs].map((log, i) => ({ topic: T, partition: 0, brokerId: i + 1, log, isLeader: i === 0, leaderEpoch: 1, isr: [1, 2, 3] }));
        const sink = new ViolationSink();
        new ReplicationChecker(sink).finish(replicas.map((r) => broker(r)), 5);

        const bound = Math.min(...[leader, ...logs].map((l) => l.highWatermark));
        const expected: { offset: number; valueId: number }[] = [];
        for (const log of logs) {
          for (let o = 0; o < bound; o++) {
            if (log.valueAt(o) !== leader.valueAt(o)) expected.push({ offset: o, valueId: log.valueAt(o)! });
          }
        }
        expect(sink.count("committed-prefix")).toBe(expected.length);
        const examples = sink.list().find((v) => v.invariant === "committed-prefix")?.examples ?? [];
        expect(examples.map((e) => ({ offset: e.offset, valueId: e.valueId }))).toEqual(expected.slice(0, 5));
      }),
      { numRuns: 300 },
    );
  });
});
