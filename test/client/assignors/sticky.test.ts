import { describe, expect, it } from "vitest";
import { subscribedPartitionCounts } from "../../../src/client/consumer/assignors/Assignor.ts";
import { GeneralAssignment } from "../../../src/client/consumer/assignors/GeneralAssignment.ts";
import { javaMemberOrder } from "../../../src/client/consumer/assignors/javaHashOrder.ts";
import { previousOwners } from "../../../src/client/consumer/assignors/previousOwners.ts";
import { StickyAssignor, stickyAssign } from "../../../src/client/consumer/assignors/index.ts";
import type { Subscription } from "../../../src/protocol/groups.ts";
import { counts, members, show, showSorted, sub } from "./helpers.ts";

const sticky = new StickyAssignor();
const ALL4 = ["t0", "t1", "t2", "t3"];
const FOUR_TOPICS = counts({ t0: 2, t1: 2, t2: 2, t3: 2 });

/** The general algorithm alone, as Kafka ran it for every group before KAFKA-9987 (2020). */
function generalOnly(partitionsPerTopic: Map<string, number>, group: Map<string, Subscription>): Record<string, string[]> {
  const topicCounts = subscribedPartitionCounts(partitionsPerTopic, group);
  const previous = previousOwners(topicCounts, group, javaMemberOrder([...group.keys()]));
  return show(new GeneralAssignment(topicCounts, group, previous).build());
}

describe("sticky assignor: the StickyAssignor Javadoc, example 1 (everyone on t0..t3, 2 partitions each)", () => {
  const first = { C0: ["t0-0", "t1-1", "t3-0"], C1: ["t0-1", "t2-0", "t3-1"], C2: ["t1-0", "t2-1"] };

  it("starting fresh, assigns as round-robin does", () => {
    const assignment = sticky.assign(FOUR_TOPICS, members({ C0: sub(ALL4), C1: sub(ALL4), C2: sub(ALL4) }));
    expect(show(assignment)).toEqual(first);
  });

  it("when C1 leaves, C0 and C2 keep everything they had and split C1's three partitions", () => {
    const group = members({ C0: sub(ALL4, first.C0, 1), C2: sub(ALL4, first.C2, 1) });
    const assignment = showSorted(sticky.assign(FOUR_TOPICS, group));
    for (const member of ["C0", "C2"] as const) expect(assignment[member]).toEqual(expect.arrayContaining(first[member]));
    expect(assignment.C0).toHaveLength(4);
    expect(assignment.C2).toHaveLength(4);
    // Kafka since 2020 (the constrained algorithm) deals C1's partitions in partition order
    // to the members under quota: C0 takes t0-1; C2 takes t2-0 and t3-1.
    expect(assignment).toEqual({
      C0: ["t0-0", "t0-1", "t1-1", "t3-0"],
      C2: ["t1-0", "t2-0", "t2-1", "t3-1"],
    });
  });

  it("the general algorithm, which the Javadoc describes, gives exactly the Javadoc's assignment", () => {
    const group = members({ C0: sub(ALL4, first.C0, 1), C2: sub(ALL4, first.C2, 1) });
    expect(generalOnly(FOUR_TOPICS, group)).toEqual({
      C0: ["t0-0", "t1-1", "t3-0", "t2-0"],
      C2: ["t1-0", "t2-1", "t0-1", "t3-1"],
    });
  });
});

describe("sticky assignor: the StickyAssignor Javadoc, example 2 (C0 on t0; C1 on t0, t1; C2 on t0, t1, t2)", () => {
  const topics = counts({ t0: 1, t1: 2, t2: 3 });
  const subscriptions = { C0: ["t0"], C1: ["t0", "t1"], C2: ["t0", "t1", "t2"] };

  it("balances better than round-robin: C0 [t0-0], C1 [t1-0, t1-1], C2 [t2-0, t2-1, t2-2]", () => {
    const assignment = sticky.assign(
      topics,
      members({ C0: sub(subscriptions.C0), C1: sub(subscriptions.C1), C2: sub(subscriptions.C2) }),
    );
    expect(show(assignment)).toEqual({ C0: ["t0-0"], C1: ["t1-0", "t1-1"], C2: ["t2-0", "t2-1", "t2-2"] });
  });

  it("when C0 leaves, keeps all five other assignments and gives t0-0 to C1", () => {
    const group = members({
      C1: sub(subscriptions.C1, ["t1-0", "t1-1"], 1),
      C2: sub(subscriptions.C2, ["t2-0", "t2-1", "t2-2"], 1),
    });
    expect(show(sticky.assign(topics, group))).toEqual({ C1: ["t1-0", "t1-1", "t0-0"], C2: ["t2-0", "t2-1", "t2-2"] });
  });
});

describe("sticky assignor: Kafka's own tests (AbstractStickyAssignorTest)", () => {
  const both = ["topic1", "topic2"];

  it("testMultipleConsumersMixedTopicSubscriptions: the general algorithm serves the scarce topic first", () => {
    const assignment = sticky.assign(
      counts({ topic1: 3, topic2: 2 }),
      members({ consumer1: sub(["topic1"]), consumer2: sub(both), consumer3: sub(["topic1"]) }),
    );
    expect(show(assignment)).toEqual({
      consumer1: ["topic1-0", "topic1-2"],
      consumer2: ["topic2-0", "topic2-1"],
      consumer3: ["topic1-1"],
    });
  });

  it("testTwoConsumersTwoTopicsSixPartitions", () => {
    const assignment = sticky.assign(counts({ topic1: 3, topic2: 3 }), members({ consumer1: sub(both), consumer2: sub(both) }));
    expect(show(assignment)).toEqual({
      consumer1: ["topic1-0", "topic1-2", "topic2-1"],
      consumer2: ["topic1-1", "topic2-0", "topic2-2"],
    });
  });

  it("testConsumerOwningMinQuotaExpectedMaxQuota: the extra partition goes to the first member at minQuota", () => {
    const result = stickyAssign(
      counts({ topic1: 2, topic2: 3 }),
      members({
        consumer1: sub(both, ["topic1-0", "topic2-1"], 1),
        consumer2: sub(both, ["topic1-1", "topic2-2"], 1),
      }),
    );
    expect(show(result.assignment)).toEqual({
      consumer1: ["topic1-0", "topic2-1", "topic2-0"],
      consumer2: ["topic1-1", "topic2-2"],
    });
    expect(result.transferring).toEqual(new Map());
  });

  it("testMaxQuotaConsumerMoreThanNumExpectedMaxCapacityMembers: Kafka's HashMap order picks who keeps the surplus", () => {
    // Java's HashMap visits consumer3, consumer2, consumer1: consumer2 keeps two partitions
    // and consumer1, visited after the one place at maxQuota is taken, gives up topic2-0.
    const result = stickyAssign(
      counts({ topic1: 2, topic2: 2 }),
      members({
        consumer1: sub(both, ["topic1-0", "topic2-0"], 1),
        consumer2: sub(both, ["topic1-1", "topic2-1"], 1),
        consumer3: sub(both, [], 1),
      }),
    );
    expect(show(result.assignment)).toEqual({
      consumer1: ["topic1-0"],
      consumer2: ["topic1-1", "topic2-1"],
      consumer3: ["topic2-0"],
    });
    expect(result.transferring).toEqual(new Map([["topic2-0", "consumer3"]]));
  });

  it("testAllConsumersAreUnderMinQuota", () => {
    const assignment = sticky.assign(
      counts({ topic1: 2, topic2: 3 }),
      members({
        consumer1: sub(both, ["topic1-0"], 1),
        consumer2: sub(both, ["topic1-1"], 1),
        consumer3: sub(both, [], 1),
      }),
    );
    expect(show(assignment)).toEqual({
      consumer1: ["topic1-0", "topic2-1"],
      consumer2: ["topic1-1", "topic2-2"],
      consumer3: ["topic2-0"],
    });
  });

  it("testAddRemoveTwoConsumersTwoTopics: two members join, then the first two leave", () => {
    const topics = counts({ topic1: 3, topic2: 4 });
    const first = sticky.assign(topics, members({ consumer1: sub(both), consumer2: sub(both) }));
    expect(show(first)).toEqual({
      consumer1: ["topic1-0", "topic1-2", "topic2-1", "topic2-3"],
      consumer2: ["topic1-1", "topic2-0", "topic2-2"],
    });

    const grown = stickyAssign(
      topics,
      new Map([
        ["consumer1", { topics: both, ownedPartitions: first.get("consumer1")!, generation: 1 }],
        ["consumer2", { topics: both, ownedPartitions: first.get("consumer2")!, generation: 1 }],
        ["consumer3", sub(both, [], 1)],
        ["consumer4", sub(both, [], 1)],
      ]),
    );
    expect(show(grown.assignment)).toEqual({
      consumer1: ["topic1-0", "topic2-1"],
      consumer2: ["topic2-0", "topic1-1"],
      consumer3: ["topic1-2", "topic2-3"],
      consumer4: ["topic2-2"],
    });
    expect(grown.transferring).toEqual(
      new Map([
        ["topic1-2", "consumer3"],
        ["topic2-2", "consumer4"],
        ["topic2-3", "consumer3"],
      ]),
    );

    const shrunk = stickyAssign(
      topics,
      new Map([
        ["consumer3", { topics: both, ownedPartitions: grown.assignment.get("consumer3")!, generation: 1 }],
        ["consumer4", { topics: both, ownedPartitions: grown.assignment.get("consumer4")!, generation: 1 }],
      ]),
    );
    expect(show(shrunk.assignment)).toEqual({
      consumer3: ["topic1-2", "topic2-3", "topic1-0", "topic2-1"],
      consumer4: ["topic2-2", "topic1-1", "topic2-0"],
    });
    expect(shrunk.transferring).toEqual(new Map());
  });
});

describe("sticky assignor: previous owners and generations", () => {
  const topics = counts({ t: 4 });

  it("a zombie's stale claim loses to the owner of the newer generation", () => {
    // b took t-0 and t-1 in generation 3; a, a zombie, still reports them from generation 2.
    const result = stickyAssign(
      topics,
      members({ a: sub(["t"], ["t-0", "t-1"], 2), b: sub(["t"], ["t-0", "t-1"], 3), c: sub(["t"], ["t-2", "t-3"], 3) }),
    );
    // b keeps both (one member may hold two of four); c gives up its second to a.
    expect(show(result.assignment)).toEqual({ a: ["t-3"], b: ["t-0", "t-1"], c: ["t-2"] });
    expect(result.transferring).toEqual(new Map([["t-3", "a"]]));
  });

  it("two claims in the same generation cancel out: the partition is reassigned as changing owner", () => {
    const result = stickyAssign(topics, members({ a: sub(["t"], ["t-0", "t-1"], 5), b: sub(["t"], ["t-1", "t-2"], 5) }));
    expect(result.transferring!.has("t-1")).toBe(true);
    expect(showSorted(result.assignment)).toEqual({ a: ["t-0", "t-1"], b: ["t-2", "t-3"] });
  });

  it("ignores reported partitions of topics the group no longer reads, or beyond the partition count", () => {
    const assignment = sticky.assign(topics, members({ a: sub(["t"], ["gone-0", "t-9", "t-3"], 1), b: sub(["t"], [], 1) }));
    expect(showSorted(assignment).a).toContain("t-3");
    expect(Object.values(showSorted(assignment)).flat().sort()).toEqual(["t-0", "t-1", "t-2", "t-3"]);
  });
});
