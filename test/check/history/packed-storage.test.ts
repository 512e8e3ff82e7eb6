import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PackedColumn } from "../../../src/check/PackedColumn.ts";
import { History, type PolledRecord } from "../../../src/check/history/index.ts";

/** Numbers as a history holds them: small and large integers, -1, non-integer times. */
const historyNumber = fc.oneof(
  fc.integer({ min: -1, max: 200 }),
  fc.integer({ min: 0, max: 70_000 }),
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 3e9, 0.5, 1e-7, 123456.789),
);

describe("history: packed columns", () => {
  it("read back every value exactly, whatever mix of widths a chunk has to take, set before or after pushing more, one by one and in bulk", () => {
    fc.assert(
      fc.property(fc.array(historyNumber, { maxLength: 9000 }), fc.array(fc.tuple(fc.nat(), historyNumber), { maxLength: 50 }), (values, later) => {
        const column = new PackedColumn();
        const expected = [...values];
        for (const v of values) column.push(v);
        for (const [at, v] of later) {
          if (expected.length === 0) break;
          column.set(at % expected.length, v);
          expected[at % expected.length] = v;
        }
        expect(column.length).toBe(expected.length);
        for (let i = 0; i < expected.length; i++) expect(column.get(i)).toBe(expected[i]);
        // In bulk, across chunk boundaries, from anywhere.
        const from = expected.length === 0 ? 0 : later.length % expected.length;
        const into = new Float64Array(expected.length - from);
        column.readInto(from, into.length, into);
        expect([...into]).toEqual(expected.slice(from));
      }),
      { numRuns: 60 },
    );
  });

  it("reads back the values at each width's edges from the chunk's base", () => {
    const edges = [127, 128, -128, -129, 32_767, 32_768, -32_768, -32_769, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1];
    for (const edge of edges) {
      const column = new PackedColumn();
      column.push(1_000);
      column.push(1_000 + edge);
      column.push(1_001);
      expect([column.get(0), column.get(1), column.get(2)]).toEqual([1_000, 1_000 + edge, 1_001]);
    }
  });

  it("codes a full chunk in the width its values' range needs, whatever came first", () => {
    // The first value of each chunk is the largest: a base at the first value would need two bytes.
    const column = new PackedColumn();
    for (let chunk = 0; chunk < 10; chunk++) for (let i = 0; i < 4096; i++) column.push(i === 0 ? 1_000 + 250 : 1_000 + (i % 200));
    expect(column.capacityBytes).toBeLessThanOrEqual(9 * 4096 + 8 * 4096 + 8 * 10);
    for (let i = 0; i < 10 * 4096; i++) expect(column.get(i)).toBe(i % 4096 === 0 ? 1_250 : 1_000 + ((i % 4096) % 200));
  });

  it("keeps blank rows until their value comes, and a chunk's first value sets its base", () => {
    const column = new PackedColumn();
    for (let i = 0; i < 10_000; i++) column.pushBlank();
    for (let i = 9_999; i >= 0; i--) column.set(i, 5_000_000_000 + 3 * i);
    for (let i = 0; i < 10_000; i++) expect(column.get(i)).toBe(5_000_000_000 + 3 * i);
  });

  it("spends one byte a value on close numbers, beside one open chunk of eight-byte values", () => {
    const column = new PackedColumn();
    for (let i = 0; i < 100_000; i++) column.push(1_000_000 + (i % 100));
    // 24 sealed chunks of 4096 one-byte values, the open tail of 4096 eight-byte values, the bases.
    expect(column.capacityBytes).toBeLessThanOrEqual(24 * 4096 + 8 * 4096 + 8 * 25);
    const times = new PackedColumn();
    for (let i = 0; i < 1_000_000; i++) times.push(5 * i);
    // 4096 rows span 20 ms: two bytes each (and the open tail's 32 KB over a million rows).
    expect(times.capacityBytes / 1_000_000).toBeLessThan(2.05);
  });
});

/** The i-th value id of a run, relative to its first: a batch's consecutive ids, one with a gap after 3, a keyed producer's, one repeated, ids far apart. */
function valueStep(pattern: string, i: number): number {
  switch (pattern) {
    case "batch":
      return i;
    case "batch-then-gap":
      return i < 3 ? i : i + 5;
    case "keyed":
      return 3 * i + (i % 2);
    case "same":
      return 7;
    default:
      return 40_000 * i;
  }
}

describe("history: runs of polled records", () => {
  /** Polls of records at runs of offsets, with value ids consecutive, spread (keyed) or from several producers. */
  const polls = fc.array(
    fc.array(
      fc.record({
        partition: fc.integer({ min: 0, max: 2 }),
        offset: fc.integer({ min: 0, max: 40 }),
        length: fc.integer({ min: 1, max: 12 }),
        value: fc.integer({ min: 0, max: 3 }).map((p) => p * 1e9),
        pattern: fc.constantFrom("batch", "batch-then-gap", "keyed", "same", "far"),
      }),
      { maxLength: 4 },
    ),
    { maxLength: 30 },
  );

  it("give back every record of every poll as recorded, by visitor, by run and by row", () => {
    fc.assert(
      fc.property(polls, (spec) => {
        const h = new History();
        const recorded: [number, string, number, number][] = [];
        spec.forEach((runs, poll) => {
          const records: PolledRecord[] = [];
          for (const r of runs) {
            for (let i = 0; i < r.length; i++) {
              const valueId = r.value + valueStep(r.pattern, i);
              records.push({ topic: "t", partition: r.partition, offset: r.offset + i, valueId });
              recorded.push([poll, `t-${r.partition}`, r.offset + i, valueId]);
            }
          }
          h.polled(`consumer-${poll % 2}`, 100 * poll, records);
        });
        const visited: unknown[] = [];
        h.forEachPolledRecord((r) => visited.push([r.pollIndex, `${r.topic}-${r.partition}`, r.offset, r.valueId]));
        expect(visited).toEqual(recorded);
        const byRow = recorded.map((_, row) => {
          const r = h.readPolledRecord(row);
          return [r.pollIndex, `${r.topic}-${r.partition}`, r.offset, r.valueId];
        });
        expect(byRow).toEqual(recorded);
        expect(h.polledRecordCount).toBe(recorded.length);
        let fromPolls = 0;
        for (let poll = 0; poll < h.pollCount; poll++) {
          const [first, end] = h.pollRecordRange(poll);
          expect(first).toBe(fromPolls);
          fromPolls = end;
        }
        expect(fromPolls).toBe(recorded.length);
      }),
      { numRuns: 200 },
    );
  });
});
