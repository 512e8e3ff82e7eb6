import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { CommittedLogValues, findRepeatedValues } from "../../src/world/CommittedLogValues.ts";

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

  it("over several logs sharing values, the repeats found in one pass give the same answers as each log's own table", () => {
    const slots = fc.array(fc.option(fc.integer({ min: 0, max: 30 }), { nil: null }), { maxLength: 80 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), slots), { maxLength: 4 }), (spec) => {
        const logs = spec.map(([startOffset, values]) => ({ startOffset, valueIds: Float64Array.from(values, (v) => (v === null ? NaN : 2_000_000_000 + v)) }));
        const repeated = findRepeatedValues(logs);
        logs.forEach((log, i) => {
          const own = new CommittedLogValues(log.startOffset, log.valueIds);
          const shared = new CommittedLogValues(log.startOffset, log.valueIds, repeated[i]);
          expect(shared.repeatedCount).toBe(own.repeatedCount);
          expect(shared.repeatedValues()).toEqual(own.repeatedValues());
          expect([...shared]).toEqual([...own]);
          for (let v = 0; v <= 30; v++) expect(shared.get(2_000_000_000 + v)).toEqual(own.get(2_000_000_000 + v));
        });
      }),
      { numRuns: 300 },
    );
  });

  it("logs where each producer's values mostly rise, now and then written twice or out of order, give the repeats each log's own table gives", () => {
    // A step appends producer p's next value, or (rarely) one it already wrote, or a gap.
    const step = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 40 }));
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 60 }), { maxLength: 4 }), (spec) => {
        const logs = spec.map((steps) => {
          const next = [0, 0, 0, 0];
          const values = steps.map(([p, roll]) => {
            if (roll === 0) return NaN;
            const sequence = roll === 1 && next[p]! > 0 ? next[p]! - 1 - (roll % next[p]!) : next[p]!++;
            return p * 1_000_000_000 + sequence;
          });
          return { startOffset: steps.length, valueIds: Float64Array.from(values) };
        });
        const repeated = findRepeatedValues(logs);
        logs.forEach((log, i) => {
          const own = new CommittedLogValues(log.startOffset, log.valueIds);
          const shared = new CommittedLogValues(log.startOffset, log.valueIds, repeated[i]);
          expect(shared.repeatedValues()).toEqual(own.repeatedValues());
          expect([...shared]).toEqual([...own]);
        });
      }),
      { numRuns: 500 },
    );
  });
});
