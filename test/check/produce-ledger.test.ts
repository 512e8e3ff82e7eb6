import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { AckedNotYet } from "../../src/check/AckedNotYet.ts";
import { ProduceLedger } from "../../src/check/ProduceLedger.ts";
import { History } from "../../src/check/history/index.ts";

/** A ledger over a history of its own: acknowledgements are recorded there, as a run's observers do. */
function newLedger(): ProduceLedger {
  const history = new History();
  const ledger = new ProduceLedger(history);
  histories.set(ledger, history);
  return ledger;
}
const histories = new WeakMap<ProduceLedger, History>();

/** Sends `valueId` and has it acknowledged at `offset` of partition `partition` of topic t. */
const ack = (ledger: ProduceLedger, valueId: number, partition: number, offset: number) => {
  const history = histories.get(ledger)!;
  history.sendInvoked("producer-0", 0, "t", null, valueId);
  history.sendOk("producer-0", 1_000, valueId, partition, offset);
  ledger.observer.acknowledged!({ valueId } as never, "t", partition, offset, 1000);
};

/** Value ids of a few producers (producer * 1e9 + sequence), as the workload numbers them. */
const valueId = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 60 })).map(([p, s]) => p * 1_000_000_000 + s);

describe("produce ledger: counts over the acknowledged records", () => {
  it("the count of acknowledged values not yet processed, kept between checks, equals a count over every value at each check", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(valueId, { maxLength: 8 }), fc.array(valueId, { maxLength: 8 })), { maxLength: 20 }), (rounds) => {
        const ledger = newLedger();
        const processed = new Set<number>();
        const notYet = new AckedNotYet(ledger, (id) => processed.has(id));
        for (const [acked, done] of rounds) {
          acked.forEach((id, i) => ack(ledger, id, i % 2, i));
          for (const id of done) processed.add(id);
          expect(notYet.count()).toBe(ledger.ackedNot((id) => processed.has(id)));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("asking only whether some acknowledged value is not yet processed, between counts, answers as the count would and leaves the next count exact", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(valueId, { maxLength: 8 }), fc.array(valueId, { maxLength: 8 }), fc.boolean()), { maxLength: 20 }), (rounds) => {
        const ledger = newLedger();
        const processed = new Set<number>();
        const notYet = new AckedNotYet(ledger, (id) => processed.has(id));
        for (const [acked, done, countIt] of rounds) {
          acked.forEach((id, i) => ack(ledger, id, i % 2, i));
          for (const id of done) processed.add(id);
          const expected = ledger.ackedNot((id) => processed.has(id));
          if (countIt) expect(notYet.count()).toBe(expected);
          else expect(notYet.any()).toBe(expected > 0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("losses counts acknowledged values absent from their partition's committed log, and gives the ten smallest as examples", () => {
    fc.assert(
      fc.property(fc.uniqueArray(valueId, { maxLength: 80 }), fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }), (ids, kept) => {
        const ledger = newLedger();
        ids.forEach((id, i) => ack(ledger, id, i % 3, i));
        const committed = new Map<string, Map<number, number[]> | null>([
          ["t-0", new Map()],
          ["t-1", new Map()],
          ["t-2", null],
        ]);
        ids.forEach((id, i) => {
          if (kept[i] && i % 3 !== 2) committed.get(`t-${i % 3}`)!.set(id, [i]);
        });
        const lost = ids.map((id, i) => ({ id, i })).filter(({ i }) => !(kept[i] && i % 3 !== 2));
        const report = ledger.losses(committed);
        expect(report.lostAcked).toBe(lost.length);
        expect(report.lostInOfflinePartitions).toBe(lost.filter(({ i }) => i % 3 === 2).length);
        const smallest = [...lost].sort((a, b) => a.id - b.id).slice(0, 10);
        expect(report.examples).toEqual(smallest.map(({ id, i }) => ({ valueId: id, topic: "t", partition: i % 3, offset: i })));
      }),
      { numRuns: 200 },
    );
  });
});

describe("produce ledger: nonmonotonic sends", () => {
  it("reports each acknowledged offset below the previous one of the same producer and partition, in send order, as a Map keyed by both would, sorted by value id", () => {
    const acks = fc.array(fc.tuple(valueId, fc.integer({ min: 0, max: 2 }), fc.integer({ min: -1, max: 30 })), { maxLength: 120 });
    fc.assert(
      fc.property(acks, (list) => {
        const ledger = newLedger();
        for (const [id, partition, offset] of list) ack(ledger, id, partition, offset);
        // Every acknowledgement counts, in the order the values were sent.
        const expected: { valueId: number; topic: string; partition: number; offset: number; previous: number }[] = [];
        const last = new Map<string, number>();
        for (const [id, partition, offset] of list) {
          if (offset < 0) continue;
          const key = `${Math.floor(id / 1_000_000_000)}/${partition}`;
          const before = last.get(key);
          if (before !== undefined && offset < before) expected.push({ valueId: id, topic: "t", partition, offset, previous: before });
          last.set(key, offset);
        }
        const reported: unknown[] = [];
        ledger.nonmonotonicSends((e) => reported.push(e), 1_000_000_000);
        expect(reported).toEqual(expected.sort((a, b) => a.valueId - b.valueId));
      }),
      { numRuns: 300 },
    );
  });
});
