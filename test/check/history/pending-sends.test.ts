import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { PendingSends } from "../../../src/check/history/PendingSends.ts";
import { PendingTable } from "../../../src/check/history/PendingTable.ts";

/** Adds (true) and takes (false) of value ids, checked against a Map at every step. */
function checkAgainstMap(table: PendingSends | PendingTable, steps: readonly (readonly [boolean, number])[]): void {
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
}

describe("history: sends in flight", () => {
  const valueId = fc.oneof(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 300 }).map((s) => 3e9 + s), fc.integer({ min: 0, max: 300 }).map((s) => s * 2 ** 32), fc.constantFrom(0.5, -7, 2 ** 60));
  // Mostly adds, so the tables fill and their probe chains grow long.
  const steps = fc.array(fc.tuple(fc.integer({ min: 0, max: 2 }).map((n) => n > 0), valueId), { minLength: 50, maxLength: 400 });

  it("the hash table finds, takes and forgets value ids exactly as a Map would, through growth and backward-shift deletions", () => {
    fc.assert(fc.property(steps, (s) => checkAgainstMap(new PendingTable(), s)), { numRuns: 200 });
  });

  it("the producers' windows (and the table beside them) find, take and forget value ids exactly as a Map would, whatever the ids", () => {
    fc.assert(fc.property(steps, (s) => checkAgainstMap(new PendingSends(), s)), { numRuns: 200 });
  });

  it("producers sending in order while sends complete out of order, some stuck long, some twice: as a Map would, in space proportional to the most sends in flight", () => {
    // Each step: a producer sends its next value, or a send `back` sends ago completes (or is sent again).
    const step = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 9 }), fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 3000 })));
    fc.assert(
      fc.property(fc.array(step, { minLength: 100, maxLength: 3000 }), (actions) => {
        const table = new PendingSends();
        const expected = new Map<number, number>();
        const next = [0, 0, 0, 0];
        let most = 0;
        actions.forEach(([producer, kind, back], row) => {
          const base = producer * 1_000_000_000;
          if (kind < 5) {
            const id = base + next[producer]!++;
            expect(table.add(id, row)).toBe(!expected.has(id));
            if (!expected.has(id)) expected.set(id, row);
          } else {
            const id = base + Math.max(0, next[producer]! - 1 - back);
            if (kind === 9) {
              expect(table.add(id, row)).toBe(!expected.has(id));
              if (!expected.has(id)) expected.set(id, row);
            } else {
              expect(table.take(id)).toBe(expected.get(id) ?? -1);
              expected.delete(id);
            }
          }
          most = Math.max(most, expected.size);
        });
        expect(table.size).toBe(expected.size);
        for (const [id, row] of expected) expect(table.get(id)).toBe(row);
        // A window at most four times its sends (4 bytes each), the table at most four times its own (12 bytes a slot).
        expect(table.capacityBytes).toBeLessThanOrEqual(48 * (most + 1) + 3 * 4 * 64 + 64 * 12);
      }),
      { numRuns: 100 },
    );
  });
});
