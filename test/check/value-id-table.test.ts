import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { ValueIdTable } from "../../src/check/ValueIdTable.ts";
import { VALUES_PER_PRODUCER } from "../../src/workload/ProducerWorkload.ts";

describe("ValueIdTable", () => {
  it("answers like a Map for producers' value ids, odd ids and overwrites", () => {
    const id = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 0, max: 3000 })).map(([p, s]) => p * VALUES_PER_PRODUCER + s),
      fc.integer({ min: -5, max: 50_000_000 }),
      fc.double({ min: -10, max: 10, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(id, fc.integer({ min: 0, max: 1000 })), { maxLength: 300 }), (entries) => {
        const table = new ValueIdTable();
        const map = new Map<number, number>();
        for (const [valueId, value] of entries) {
          table.set(valueId, value);
          map.set(valueId, value);
        }
        expect(table.size).toBe(map.size);
        for (const [valueId, value] of map) expect(table.get(valueId)).toBe(value);
        expect(table.get(123.5)).toBe(map.get(123.5) ?? -1);
      }),
      { numRuns: 200 },
    );
  });

  it("counting with increment, between plain sets, gives what get then set gave, for every kind of id", () => {
    const id = fc.oneof(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2000 })).map(([p, s]) => p * VALUES_PER_PRODUCER + s),
      fc.integer({ min: -5, max: 50_000_000 }),
      fc.double({ min: -10, max: 10, noNaN: true }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), id), { maxLength: 400 }), (ops) => {
        const table = new ValueIdTable();
        const map = new Map<number, number>();
        for (const [count, valueId] of ops) {
          if (count) {
            const times = (map.get(valueId) ?? 0) + 1;
            map.set(valueId, times);
            expect(table.increment(valueId)).toBe(times);
          } else {
            map.set(valueId, map.size);
            table.set(valueId, map.get(valueId)!);
          }
        }
        expect(table.size).toBe(map.size);
        for (const [valueId, value] of map) expect(table.get(valueId)).toBe(value);
      }),
      { numRuns: 200 },
    );
  });

  it("keeps a million acknowledged ids of one producer in a typed array, not a Map", () => {
    const table = new ValueIdTable();
    for (let s = 0; s < 1_000_000; s++) table.set(3 * VALUES_PER_PRODUCER + s, s);
    expect(table.size).toBe(1_000_000);
    expect(table.get(3 * VALUES_PER_PRODUCER + 999_999)).toBe(999_999);
    expect(table.get(3 * VALUES_PER_PRODUCER + 1_000_000)).toBe(-1);
    expect(table.columnBytes).toBeLessThanOrEqual(8 * 1_000_000);
  });
});
