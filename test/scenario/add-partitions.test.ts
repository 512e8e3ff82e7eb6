import { describe, expect, it } from "vitest";
import { theError, valid, yaml } from "./helpers.ts";

describe("scenario: add-partitions", () => {
  it("grows a topic at a time in the schedule", () => {
    const s = valid(yaml("topics: [{name: orders, partitions: 2}]", "faults:", "  - {at: 5s, add-partitions: {topic: orders, partitions: 4}}"));
    expect(s.faults).toMatchObject([{ verb: "add-partitions", topic: "orders", partitions: 4, at: 5_000_000 }]);
  });

  it("refuses to shrink a topic, naming the count it has by then", () => {
    const e = theError(
      yaml(
        "topics: [{name: orders, partitions: 2}]",
        "faults:",
        "  - {at: 5s, add-partitions: {topic: orders, partitions: 6}}",
        "  - {at: 9s, add-partitions: {topic: orders, partitions: 3}}",
      ),
      4,
      "faults[1]",
    );
    expect(e.message).toContain("partitions can be added, never removed");
    expect(e.message).toContain("has 6 partitions by then");
  });

  it("checks the growth in time order, not file order", () => {
    valid(
      yaml(
        "topics: [{name: orders, partitions: 2}]",
        "faults:",
        "  - {at: 9s, add-partitions: {topic: orders, partitions: 8}}",
        "  - {at: 5s, add-partitions: {topic: orders, partitions: 4}}",
      ),
    );
  });

  it("names an unknown topic", () => {
    const e = theError(yaml("topics: [{name: orders}]", "faults:", "  - {at: 1s, add-partitions: {topic: order, partitions: 4}}"), 3, "faults[0].add-partitions.topic");
    expect(e.message).toContain('no topic "order"');
  });
});
