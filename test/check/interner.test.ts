import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { Interner } from "../../src/check/Interner.ts";

describe("interner", () => {
  it("gives each name the id of its first appearance, whatever the order names come back in (fewer or more than it keeps at hand)", () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom("a", "b", "c", "d", "e", "f", "key-1", "key-10"), { maxLength: 200 }), (names) => {
        const interner = new Interner();
        const expected = new Map<string, number>();
        for (const name of names) {
          // A copy of the string, not the same object: equal names must be found as equal.
          const copy = [...name].join("");
          if (!expected.has(name)) expected.set(name, expected.size);
          expect(interner.intern(copy)).toBe(expected.get(name));
        }
        expect(interner.all()).toEqual([...expected.keys()]);
        expect(interner.size).toBe(expected.size);
        for (const [name, id] of expected) expect(interner.name(id)).toBe(name);
      }),
      { numRuns: 300 },
    );
  });
});
