import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { oneOwnerPerGeneration } from "../../src/check/oneOwnerPerGeneration.ts";
import { ProcessedStream } from "../../src/check/ProcessedStream.ts";

describe("one owner per partition and generation", () => {
  it("reports exactly the records a Map from (topic, partition, generation) to owner would, in order, through interleaved members and generations", () => {
    const record = fc.record({
      topic: fc.constantFrom("a", "b"),
      partition: fc.integer({ min: 0, max: 3 }),
      generation: fc.integer({ min: 1, max: 4 }),
      member: fc.constantFrom("c-1", "c-2", "c-3"),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 150 }), (records) => {
        const stream = new ProcessedStream();
        records.forEach((r, i) => stream.append(1_000_000_000 + i, r.topic, r.partition, i, r.generation, r.member, i * 10));
        const expected: [number, string][] = [];
        const owners = new Map<string, string>();
        records.forEach((r, i) => {
          const key = `${r.topic}/${r.partition}@${r.generation}`;
          const owner = owners.get(key);
          if (owner !== undefined && owner !== r.member) expected.push([i, owner]);
          if (owner !== r.member) owners.set(key, r.member);
        });
        const reported: [number, string][] = [];
        oneOwnerPerGeneration(stream, (e, owner) => {
          expect(e.member).toBe(records[e.offset]!.member);
          reported.push([e.offset, owner]);
        });
        expect(reported).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
