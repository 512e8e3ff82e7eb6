import { describe, expect, it } from "vitest";
import { RoundRobinAssignor } from "../../../src/client/consumer/assignors/index.ts";
import { counts, members, show, sub } from "./helpers.ts";

const roundRobin = new RoundRobinAssignor();

describe("round-robin assignor: Kafka's published examples", () => {
  it("RoundRobinAssignor Javadoc: C0, C1 on t0, t1 with 3 partitions each deal three partitions each", () => {
    const assignment = roundRobin.assign(
      counts({ t0: 3, t1: 3 }),
      members({ C0: sub(["t0", "t1"]), C1: sub(["t0", "t1"]) }),
    );
    expect(show(assignment)).toEqual({
      C0: ["t0-0", "t0-2", "t1-1"],
      C1: ["t0-1", "t1-0", "t1-2"],
    });
  });

  it("RoundRobinAssignor Javadoc: with different subscriptions members are skipped, and the deal is lopsided", () => {
    // C0 on t0; C1 on t0, t1; C2 on t0, t1, t2; t0, t1, t2 have 1, 2 and 3 partitions.
    const assignment = roundRobin.assign(
      counts({ t0: 1, t1: 2, t2: 3 }),
      members({ C0: sub(["t0"]), C1: sub(["t0", "t1"]), C2: sub(["t0", "t1", "t2"]) }),
    );
    expect(show(assignment)).toEqual({
      C0: ["t0-0"],
      C1: ["t1-0"],
      C2: ["t1-1", "t2-0", "t2-1", "t2-2"],
    });
  });

  it("StickyAssignor Javadoc, example 1: C0, C1, C2 on four topics of 2 partitions", () => {
    const all = ["t0", "t1", "t2", "t3"];
    const assignment = roundRobin.assign(
      counts({ t0: 2, t1: 2, t2: 2, t3: 2 }),
      members({ C0: sub(all), C1: sub(all), C2: sub(all) }),
    );
    expect(show(assignment)).toEqual({
      C0: ["t0-0", "t1-1", "t3-0"],
      C1: ["t0-1", "t2-0", "t3-1"],
      C2: ["t1-0", "t2-1"],
    });
  });

  it("StickyAssignor Javadoc, example 1: once C1 leaves, round-robin deals everything afresh", () => {
    const all = ["t0", "t1", "t2", "t3"];
    const assignment = roundRobin.assign(counts({ t0: 2, t1: 2, t2: 2, t3: 2 }), members({ C0: sub(all), C2: sub(all) }));
    expect(show(assignment)).toEqual({
      C0: ["t0-0", "t1-0", "t2-0", "t3-0"],
      C2: ["t0-1", "t1-1", "t2-1", "t3-1"],
    });
  });
});

describe("round-robin assignor: the deal", () => {
  it("deals partitions sorted by topic then partition, carrying the turn across topics", () => {
    const assignment = roundRobin.assign(counts({ b: 2, a: 3 }), members({ m2: sub(["a", "b"]), m1: sub(["a", "b"]) }));
    expect(show(assignment)).toEqual({ m1: ["a-0", "a-2", "b-1"], m2: ["a-1", "b-0"] });
  });
});
