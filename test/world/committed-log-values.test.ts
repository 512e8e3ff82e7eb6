import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CommittedLogValues } from "../../src/world/CommittedLogValues.ts";

describe("CommittedLogValues", () => {
  it("reads a committed log (with gaps and values written twice) exactly as the Map of value id to offsets it replaces", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.array(fc.option(fc.integer({ min: 0, max: 40 }), { nil: null }), { maxLength: 120 }), (startOffset, slots) => {
        const column = Float64Array.from(slots, (v) => (v === null ? NaN : 5_000_000_000 + v));
        const expected = new Map<number, number[]>();
        slots.forEach((v, i) => {
          if (v === null) return;
          const id = 5_000_000_000 + v;
          const list = expected.get(id);
          if (list) list.push(startOffset + i);
          else expected.set(id, [startOffset + i]);
        });
        const values = new CommittedLogValues(startOffset, column);
        expect(values.size).toBe(expected.size);
        expect([...values]).toEqual([...expected]);
        expect([...values.keys()]).toEqual([...expected.keys()]);
        expect([...values.values()]).toEqual([...expected.values()]);
        for (const [id, offsets] of expected) {
          expect(values.has(id)).toBe(true);
          expect(values.get(id)).toEqual(offsets);
        }
        expect(values.has(4_999_999_999)).toBe(false);
        expect(values.get(4_999_999_999)).toBeUndefined();
      }),
      { numRuns: 300 },
    );
  });
});
