import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PendingSends } from "../../../src/check/history/PendingSends.ts";

describe("history: sends in flight", () => {
  it("finds, takes and forgets value ids exactly as a Map would, through growth and backward-shift deletions", () => {
    const valueId = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }).map((s) => 3e9 + s), fc.integer({ min: 0, max: 300 }).map((s) => s * 2 ** 32));
    const step = fc.tuple(fc.integer({ min: 0, max: 2 }).map((n) => n > 0), valueId);
    // Mostly adds, so the table fills and its probe chains grow long.
    fc.assert(
      fc.property(fc.array(step, { minLength: 50, maxLength: 400 }), (steps) => {
        const table = new PendingSends();
        const expected = new Map<number, number>();
        steps.forEach(([add, id], row) => {
          if (add) {
            expect(table.add(id, row)).toBe(!expected.has(id));
            if (!expected.has(id)) expected.set(id, row);
          } else {
            expect(table.take(id)).toBe(expected.get(id) ?? -1);
            expected.delete(id);
          }
          expect(table.size).toBe(expected.size);
          for (const [id, row] of expected) expect(table.get(id)).toBe(row);
        });
        expect(table.get(-5)).toBe(-1);
      }),
      { numRuns: 300 },
    );
  });
});
