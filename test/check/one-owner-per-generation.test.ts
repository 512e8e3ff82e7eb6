import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { oneOwnerPerGeneration } from "../../src/check/oneOwnerPerGeneration.ts";
import { ProcessedStream, type ProcessedRecord } from "../../src/check/ProcessedStream.ts";

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

  it("the processed stream gives back every record as appended, walked in order or read at random, whether offsets run on or jump and owners change", () => {
    const step = fc.record({
      jump: fc.boolean(),
      partition: fc.integer({ min: 0, max: 2 }),
      generation: fc.integer({ min: 1, max: 2 }),
      member: fc.constantFrom("c-1", "c-2"),
    });
    fc.assert(
      fc.property(fc.array(step, { maxLength: 200 }), fc.array(fc.nat(), { maxLength: 50 }), (steps, probes) => {
        const stream = new ProcessedStream();
        const appended: { valueId: number; topic: string; partition: number; offset: number; generation: number; member: string; atMicros: number }[] = [];
        let offset = 0;
        steps.forEach((st, i) => {
          offset = st.jump ? offset + 7 : offset + 1;
          const r = { valueId: 3_000_000_000 + i, topic: "t", partition: st.partition, offset, generation: st.generation, member: st.member, atMicros: 5 * i };
          stream.append(r.valueId, r.topic, r.partition, r.offset, r.generation, r.member, r.atMicros);
          appended.push(r);
        });
        expect(stream.length).toBe(appended.length);
        for (let i = 0; i < appended.length; i++) expect(stream.read(i, {} as ProcessedRecord)).toEqual(appended[i]);
        for (const p of probes) {
          if (appended.length === 0) break;
          const i = p % appended.length;
          expect(stream.read(i, {} as ProcessedRecord)).toEqual(appended[i]);
        }
      }),
      { numRuns: 200 },
    );
  });
});
