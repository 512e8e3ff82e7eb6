import { describe, expect, it } from "vitest";
import { javaHashMapCapacity, javaMemberOrder, javaTopicPartitionHash } from "../../../src/client/consumer/assignors/javaHashOrder.ts";
import { assignorFor, assignorNameOf } from "../../../src/client/consumer/assignors/index.ts";
import { ASSIGNORS } from "../../../src/protocol/config/consumerKeys.ts";

describe("assignors: finding one by name", () => {
  it.each([
    ["range", "range"],
    ["round-robin", "roundrobin"],
    ["roundrobin", "roundrobin"],
    ["sticky", "sticky"],
    ["cooperative-sticky", "cooperative-sticky"],
    ["org.apache.kafka.clients.consumer.CooperativeStickyAssignor", "cooperative-sticky"],
  ])("%s gives the assignor Kafka calls %s", (name, protocolName) => {
    expect(assignorFor(name).name).toBe(protocolName);
  });

  it("accepts every value of partition.assignment.strategy in ksim's config", () => {
    for (const choice of ASSIGNORS) expect(assignorNameOf(choice)).toBeDefined();
  });

  it("refuses an unknown name, listing the known ones", () => {
    expect(() => assignorFor("fair")).toThrow(/unknown partition assignor "fair".*range/);
    expect(assignorNameOf("toString")).toBeUndefined();
  });
});

describe("assignors: Java's HashMap order, where Kafka's sticky assignors let it break ties", () => {
  it("a default HashMap has 16 buckets and doubles past three quarters full", () => {
    expect(javaHashMapCapacity(0)).toBe(16);
    expect(javaHashMapCapacity(12)).toBe(16);
    expect(javaHashMapCapacity(13)).toBe(32);
    expect(javaHashMapCapacity(25)).toBe(64);
  });

  it("visits consumer1..consumer3 backwards: their hash codes fall in buckets 12, 11 and 10", () => {
    expect(javaMemberOrder(["consumer1", "consumer2", "consumer3"])).toEqual(["consumer3", "consumer2", "consumer1"]);
    expect(javaMemberOrder(["C2", "C0", "C1"])).toEqual(["C0", "C1", "C2"]);
  });

  it("hashes a TopicPartition as Kafka does: 31 * (31 + partition) + topic.hashCode()", () => {
    // "t".hashCode() is 116.
    expect(javaTopicPartitionHash({ topic: "t", partition: 0 })).toBe(31 * 31 + 116);
    expect(javaTopicPartitionHash({ topic: "t", partition: 2 })).toBe(31 * 33 + 116);
  });
});
