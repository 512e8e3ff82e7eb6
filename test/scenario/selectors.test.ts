import { describe, expect, it } from "vitest";
import { formatSelector, parseSelector, type ClusterShape } from "../../src/scenario/index.ts";

const shape: ClusterShape = {
  brokers: 3,
  ensemble: 3,
  topics: new Map([["orders", { partitions: 3, replicationFactor: 3 }]]),
};

describe("fault selectors: naming a node by name or by role", () => {
  it.each([
    ["broker-2", { kind: "node", name: "broker-2" }],
    ["zk-3", { kind: "node", name: "zk-3" }],
    ["leader(orders/0)", { kind: "leader", topic: "orders", partition: 0 }],
    ["leader( orders / 2 )", { kind: "leader", topic: "orders", partition: 2 }],
    ["follower(orders/1)", { kind: "follower", topic: "orders", partition: 1 }],
    ["controller", { kind: "controller" }],
    ["ensemble-leader", { kind: "ensemble-leader" }],
  ])("%s parses to its selector", (text, selector) => {
    expect(parseSelector(text, shape, false)).toEqual({ ok: true, selector });
  });

  it("rest is a selector only where groups are (a partition)", () => {
    expect(parseSelector("rest", shape, true)).toEqual({ ok: true, selector: { kind: "rest" } });
    expect(parseSelector("rest", shape, false).ok).toBe(false);
  });

  it("formatSelector writes a selector back as a scenario would", () => {
    for (const text of ["broker-2", "leader(orders/0)", "follower(orders/1)", "controller", "ensemble-leader"]) {
      const parsed = parseSelector(text, shape, false);
      expect(parsed.ok && formatSelector(parsed.selector)).toBe(text);
    }
  });

  it("where the cluster itself is invalid, names are taken on trust rather than reported twice", () => {
    const unknown: ClusterShape = { brokers: null, ensemble: null, topics: null };
    expect(parseSelector("broker-9", unknown, false).ok).toBe(true);
    expect(parseSelector("leader(anything/7)", unknown, false).ok).toBe(true);
  });
});
