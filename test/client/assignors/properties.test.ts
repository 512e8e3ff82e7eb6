import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { assignorFor, type Assignment } from "../../../src/client/consumer/assignors/index.ts";
import type { Subscription } from "../../../src/protocol/groups.ts";
import { tpKey, type TopicPartition } from "../../../src/protocol/records.ts";

const TOPICS = ["t0", "t1", "t2", "t3"];
const COMPLETE_ASSIGNORS = ["range", "roundrobin", "sticky"] as const;

// ---- generators -------------------------------------------------------------------------

/** 1 to 4 topics t0.., each with 0 to 8 partitions. */
const arbCounts = fc
  .array(fc.integer({ min: 0, max: 8 }), { minLength: 1, maxLength: 4 })
  .map((ns) => new Map(ns.map((n, i) => [TOPICS[i]!, n])));

/** 1 to 6 distinct member ids (any strings: Java's hash and sort order must not matter to validity). */
const arbMemberIds = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 6 });

/** What a member may report as owned: real, stale, duplicated, of topics gone, or beyond the count. */
const arbClaims = fc.record({
  owned: fc.array(fc.tuple(fc.constantFrom(...TOPICS, "gone"), fc.nat(9)), { maxLength: 10 }),
  generation: fc.integer({ min: -1, max: 3 }),
});

function claimed(owned: readonly [string, number][]): TopicPartition[] {
  return owned.map(([topic, partition]) => ({ topic, partition }));
}

/** Members all subscribed to every topic (and one that does not exist), each with random claims. */
const arbSameTopics = fc
  .tuple(arbCounts, arbMemberIds)
  .chain(([counts, ids]) =>
    fc.tuple(fc.constant(counts), fc.tuple(...ids.map((id) => fc.tuple(fc.constant(id), arbClaims)))),
  )
  .map(([counts, entries]) => {
    const topics = [...counts.keys(), "not-yet-created"];
    const members = new Map<string, Subscription>(
      entries.map(([id, c]) => [id, { topics, ownedPartitions: claimed(c.owned), generation: c.generation }]),
    );
    return { counts, members };
  });

/** Members each subscribed to some topics, each with random claims. */
const arbMixedTopics = fc
  .tuple(arbCounts, arbMemberIds)
  .chain(([counts, ids]) =>
    fc.tuple(
      fc.constant(counts),
      fc.tuple(...ids.map((id) => fc.tuple(fc.constant(id), fc.subarray(TOPICS, { minLength: 1 }), arbClaims))),
    ),
  )
  .map(([counts, entries]) => {
    const members = new Map<string, Subscription>(
      entries.map(([id, topics, c]) => [id, { topics, ownedPartitions: claimed(c.owned), generation: c.generation }]),
    );
    return { counts, members };
  });

// ---- checks -----------------------------------------------------------------------------

/** Every partition a member may get: those of existing topics some member subscribes to. */
function subscribedPartitions(counts: ReadonlyMap<string, number>, members: ReadonlyMap<string, Subscription>): string[] {
  const topics = new Set([...members.values()].flatMap((s) => s.topics));
  return [...counts].filter(([t]) => topics.has(t)).flatMap(([t, n]) => Array.from({ length: n }, (_, p) => `${t}-${p}`));
}

/** Each partition at most once (exactly once if `complete`), only to a member subscribed to its topic. */
function expectValid(
  counts: ReadonlyMap<string, number>,
  members: ReadonlyMap<string, Subscription>,
  assignment: Assignment,
  complete: boolean,
): void {
  expect([...assignment.keys()].sort()).toEqual([...members.keys()].sort());
  const seen: string[] = [];
  for (const [member, partitions] of assignment) {
    for (const tp of partitions) {
      expect(members.get(member)!.topics).toContain(tp.topic);
      seen.push(tpKey(tp));
    }
  }
  expect(new Set(seen).size).toBe(seen.length);
  const all = subscribedPartitions(counts, members);
  for (const key of seen) expect(all).toContain(key);
  if (complete) expect(seen.length).toBe(all.length);
}

function spread(sizes: readonly number[]): number {
  return Math.max(...sizes) - Math.min(...sizes);
}

function sizes(assignment: Assignment): number[] {
  return [...assignment.values()].map((p) => p.length);
}

/** Kafka's balance criterion: no member could take a partition from one holding two or more more. */
function expectNoBeneficialMove(members: ReadonlyMap<string, Subscription>, assignment: Assignment): void {
  const ownerOf = new Map<string, string>();
  for (const [m, ps] of assignment) for (const tp of ps) ownerOf.set(tpKey(tp), m);
  for (const [m, ps] of assignment) {
    for (const [key, owner] of ownerOf) {
      const topic = key.slice(0, key.lastIndexOf("-"));
      if (owner === m || !members.get(m)!.topics.includes(topic)) continue;
      expect(ps.length + 1, `${m} could take ${key} from ${owner}`).toBeGreaterThanOrEqual(assignment.get(owner)!.length);
    }
  }
}

/** The same members, reporting `assignment` as owned in `generation`. */
function reporting(members: ReadonlyMap<string, Subscription>, assignment: Assignment, generation: number): Map<string, Subscription> {
  return new Map([...members].map(([id, s]) => [id, { topics: s.topics, ownedPartitions: assignment.get(id)!, generation }]));
}

function asSets(assignment: Assignment): Record<string, string[]> {
  return Object.fromEntries([...assignment].map(([m, ps]) => [m, ps.map(tpKey).sort()]));
}

// ---- properties -------------------------------------------------------------------------

describe("assignors: properties every assignment has", () => {
  it.each(COMPLETE_ASSIGNORS)("%s assigns every subscribed partition exactly once, only to a subscriber", (name) => {
    fc.assert(
      fc.property(arbMixedTopics, ({ counts, members }) => {
        expectValid(counts, members, assignorFor(name).assign(counts, members), true);
      }),
    );
  });

  it("cooperative-sticky assigns each partition at most once, only to a subscriber", () => {
    fc.assert(
      fc.property(arbMixedTopics, ({ counts, members }) => {
        expectValid(counts, members, assignorFor("cooperative-sticky").assign(counts, members), false);
      }),
    );
  });

  it.each([...COMPLETE_ASSIGNORS, "cooperative-sticky"])("%s is deterministic: the same input gives the same assignment", (name) => {
    fc.assert(
      fc.property(arbMixedTopics, ({ counts, members }) => {
        const again = new Map([...members].map(([id, s]) => [id, { ...s, topics: [...s.topics] }]));
        expect(assignorFor(name).assign(new Map(counts), again)).toEqual(assignorFor(name).assign(counts, members));
      }),
    );
  });
});

describe("assignors: balance when every member subscribes to the same topics", () => {
  it.each(["roundrobin", "sticky"])("%s: counts differ by at most one, whatever the members claim to own", (name) => {
    fc.assert(
      fc.property(arbSameTopics, ({ counts, members }) => {
        expect(spread(sizes(assignorFor(name).assign(counts, members)))).toBeLessThanOrEqual(1);
      }),
    );
  });

  it("range: balanced per topic only (counts of each topic's partitions differ by at most one)", () => {
    fc.assert(
      fc.property(arbSameTopics, ({ counts, members }) => {
        const assignment = assignorFor("range").assign(counts, members);
        for (const topic of counts.keys()) {
          const perMember = [...assignment.values()].map((ps) => ps.filter((tp) => tp.topic === topic).length);
          expect(spread(perMember)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it("sticky with different subscriptions: no member could take a partition from one holding two more", () => {
    fc.assert(
      fc.property(arbMixedTopics, ({ counts, members }) => {
        const fresh = new Map([...members].map(([id, s]) => [id, { ...s, ownedPartitions: [], generation: -1 }]));
        expectNoBeneficialMove(fresh, assignorFor("sticky").assign(counts, fresh));
      }),
    );
  });
});

describe("sticky: partitions move only as balance needs", () => {
  /** A group, then the same group after some members leave and others join. */
  const arbMembershipChange = fc
    .tuple(arbCounts, fc.uniqueArray(fc.string({ minLength: 1, maxLength: 4 }), { minLength: 2, maxLength: 8 }))
    .chain(([counts, ids]) =>
      fc.tuple(
        fc.constant(counts),
        fc.subarray(ids, { minLength: 1 }),
        fc.subarray(ids, { minLength: 1 }),
      ),
    );

  it("after members join and leave, each remaining member keeps min(its previous count, its new count)", () => {
    fc.assert(
      fc.property(arbMembershipChange, ([counts, before, after]) => {
        const topics = [...counts.keys()];
        const group0 = new Map(before.map((id) => [id, { topics, ownedPartitions: [], generation: -1 }]));
        const a0 = assignorFor("sticky").assign(counts, group0);
        const group1 = new Map<string, Subscription>(
          after.map((id) => [id, { topics, ownedPartitions: a0.get(id) ?? [], generation: a0.has(id) ? 1 : -1 }]),
        );
        const a1 = assignorFor("sticky").assign(counts, group1);
        expectValid(counts, group1, a1, true);
        expect(spread(sizes(a1))).toBeLessThanOrEqual(1);
        for (const id of after) {
          if (!a0.has(id)) continue;
          const now = new Set(a1.get(id)!.map(tpKey));
          const kept = a0.get(id)!.filter((tp) => now.has(tpKey(tp))).length;
          expect(kept).toBeGreaterThanOrEqual(Math.min(a0.get(id)!.length, a1.get(id)!.length));
        }
      }),
    );
  });

  it.each([
    ["the same topics", arbSameTopics],
    ["different topics", arbMixedTopics],
  ] as const)("with %s, a group that changed nothing keeps its assignment", (_, arb) => {
    fc.assert(
      fc.property(arb, ({ counts, members }) => {
        const first = assignorFor("sticky").assign(counts, members);
        const second = assignorFor("sticky").assign(counts, reporting(members, first, 7));
        expect(asSets(second)).toEqual(asSets(first));
      }),
    );
  });
});

describe("cooperative-sticky: two rebalances reach the sticky assignment", () => {
  it("the first withholds only partitions changing owner; the second, from what members then own, assigns everything", () => {
    fc.assert(
      fc.property(arbSameTopics, ({ counts, members }) => {
        const eager = assignorFor("sticky").assign(counts, members);
        const first = assignorFor("cooperative-sticky").assign(counts, members);
        for (const [id, partitions] of first) {
          const sticky = new Set(eager.get(id)!.map(tpKey));
          for (const tp of partitions) expect(sticky.has(tpKey(tp))).toBe(true);
        }
        const second = assignorFor("cooperative-sticky").assign(counts, reporting(members, first, 9));
        expectValid(counts, members, second, true);
        expect(spread(sizes(second))).toBeLessThanOrEqual(1);
      }),
    );
  });
});
