import { describe, expect, it } from "vitest";
import { closestName, editDistance } from "../../../src/protocol/config/index.ts";

describe("did you mean: edit distance and closest names", () => {
  it.each([
    ["linger.ms", "linger.ms", 0],
    ["lniger.ms", "linger.ms", 1],
    ["lingerms", "linger.ms", 1],
    ["acks", "ack", 1],
    ["", "abc", 3],
    ["kitten", "sitting", 3],
  ])("%s is %i edits from %s", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it("separators and case do not count: minInsyncReplicas is min.insync.replicas", () => {
    expect(closestName("minInsyncReplicas", ["acks", "min.insync.replicas"])).toBe("min.insync.replicas");
    expect(closestName("replication-factor", ["partitions", "replication.factor"])).toBe("replication.factor");
  });

  it("a name too far from every candidate gets no suggestion", () => {
    expect(closestName("zzz", ["acks", "linger.ms"])).toBeUndefined();
  });

  it("ties go to the earlier candidate, so suggestions are deterministic", () => {
    expect(closestName("ab", ["aa", "bb"])).toBe("aa");
  });
});
