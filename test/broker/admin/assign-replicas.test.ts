import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Random } from "../../../sim/index.ts";
import { assignReplicasToBrokers } from "../../../src/broker/admin/assignReplicas.ts";

/** A stream that always draws `n`: Kafka's fixedStartIndex (and the shift it implies). */
const fixed = (n: number): Random => ({ int: () => n }) as unknown as Random;

describe("topic creation: Kafka's replica assignment (AdminUtils.assignReplicasToBrokers)", () => {
  it("matches Kafka's own test: 5 brokers, 10 partitions, replication factor 3, start index 0", () => {
    // AdminRackAwareTest / AdminUtilsTest.testReplicaAssignment, brokers 0-4.
    expect(assignReplicasToBrokers([0, 1, 2, 3, 4], 10, 3, fixed(0))).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 0],
      [4, 0, 1],
      [0, 2, 3],
      [1, 3, 4],
      [2, 4, 0],
      [3, 0, 1],
      [4, 1, 2],
    ]);
  });

  it("assigns by broker id order, whatever order the ids come in", () => {
    expect(assignReplicasToBrokers([3, 1, 2], 3, 2, fixed(0))).toEqual(assignReplicasToBrokers([1, 2, 3], 3, 2, fixed(0)));
  });

  it("a partition's first replica is (partition + start index) mod brokers, also when numbering starts past 0 (added partitions)", () => {
    const added = assignReplicasToBrokers([1, 2, 3, 4], 3, 2, fixed(1), 5);
    expect(added.map((r) => r[0])).toEqual([3, 4, 1]); // partitions 5, 6, 7 with start index 1
  });

  it("refuses a replication factor above the number of brokers", () => {
    expect(() => assignReplicasToBrokers([1, 2], 1, 3, new Random("x"))).toThrow(/replication factor 3 with 2 brokers/);
  });

  it("property: no broker holds two replicas of a partition; every replica position (leaders first) is spread evenly", () => {
    const shape = fc
      .record({ brokers: fc.integer({ min: 1, max: 9 }), partitions: fc.integer({ min: 1, max: 60 }), seed: fc.string({ maxLength: 8 }) })
      .chain((s) => fc.record({ rf: fc.integer({ min: 1, max: s.brokers }) }).map(({ rf }) => ({ ...s, rf })));
    fc.assert(
      fc.property(shape, ({ brokers, partitions, rf, seed }) => {
        const ids = Array.from({ length: brokers }, (_, i) => 101 + i);
        const assignment = assignReplicasToBrokers(ids, partitions, rf, new Random(seed));
        expect(assignment).toHaveLength(partitions);
        for (const replicas of assignment) {
          expect(replicas).toHaveLength(rf);
          expect(new Set(replicas).size).toBe(rf);
          for (const r of replicas) expect(ids).toContain(r);
        }
        for (let position = 0; position < rf; position++) {
          const counts = new Map(ids.map((id) => [id, 0]));
          for (const replicas of assignment) counts.set(replicas[position]!, counts.get(replicas[position]!)! + 1);
          const values = [...counts.values()];
          expect(Math.max(...values) - Math.min(...values)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it("property: the same random stream gives the same assignment", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 8 }), (seed) => {
        expect(assignReplicasToBrokers([1, 2, 3, 4, 5], 12, 3, new Random(seed))).toEqual(assignReplicasToBrokers([1, 2, 3, 4, 5], 12, 3, new Random(seed)));
      }),
    );
  });
});
