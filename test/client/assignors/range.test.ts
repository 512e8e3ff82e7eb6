import { describe, expect, it } from "vitest";
import { RangeAssignor } from "../../../src/client/consumer/assignors/index.ts";
import { counts, members, show, sub } from "./helpers.ts";

const range = new RangeAssignor();

describe("range assignor: Kafka's published examples", () => {
  it("RangeAssignor Javadoc: C0, C1 on t0, t1 with 3 partitions each give C0 four partitions and C1 two", () => {
    const assignment = range.assign(counts({ t0: 3, t1: 3 }), members({ C0: sub(["t0", "t1"]), C1: sub(["t0", "t1"]) }));
    expect(show(assignment)).toEqual({
      C0: ["t0-0", "t0-1", "t1-0", "t1-1"],
      C1: ["t0-2", "t1-2"],
    });
  });

  it("splits a topic into contiguous ranges, the first (partitions mod members) members taking one more", () => {
    const assignment = range.assign(counts({ t: 7 }), members({ c: sub(["t"]), a: sub(["t"]), b: sub(["t"]) }));
    expect(show(assignment)).toEqual({ a: ["t-0", "t-1", "t-2"], b: ["t-3", "t-4"], c: ["t-5", "t-6"] });
  });
});

describe("range assignor: subscriptions that differ", () => {
  it("ranges each topic over the members subscribed to it only", () => {
    const assignment = range.assign(
      counts({ topic1: 3, topic2: 2 }),
      members({ consumer1: sub(["topic1"]), consumer2: sub(["topic1", "topic2"]), consumer3: sub(["topic1"]) }),
    );
    expect(show(assignment)).toEqual({
      consumer1: ["topic1-0"],
      consumer2: ["topic1-1", "topic2-0", "topic2-1"],
      consumer3: ["topic1-2"],
    });
  });

  it("gives nothing of a subscribed topic that does not exist, and ignores topics nobody subscribes to", () => {
    const assignment = range.assign(counts({ t0: 2, other: 4 }), members({ a: sub(["t0", "missing"]), b: sub(["t0"]) }));
    expect(show(assignment)).toEqual({ a: ["t0-0"], b: ["t0-1"] });
  });

  it("leaves members beyond the partition count empty, each with an entry", () => {
    const assignment = range.assign(counts({ t: 2 }), members({ a: sub(["t"]), b: sub(["t"]), c: sub(["t"]) }));
    expect(show(assignment)).toEqual({ a: ["t-0"], b: ["t-1"], c: [] });
  });

  it("sorts member ids as Java does, by UTF-16 code unit (upper case before lower case)", () => {
    const assignment = range.assign(counts({ t: 2 }), members({ b: sub(["t"]), B: sub(["t"]) }));
    expect(show(assignment)).toEqual({ B: ["t-0"], b: ["t-1"] });
  });
});
