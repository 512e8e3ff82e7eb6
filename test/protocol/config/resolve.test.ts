import { describe, expect, it } from "vitest";
import { configFor, defaultConfig, LONG_MAX, parseConfigValue, resolveConfig } from "../../../src/protocol/config/index.ts";

describe("config: overrides", () => {
  it.each([
    ["all", -1],
    ["-1", -1],
    [-1, -1],
    ["ALL", -1],
    [0, 0],
    ["0", 0],
    [1, 1],
    ["1", 1],
  ])("acks=%s is normalised to the protocol's %i", (raw, expected) => {
    expect(configFor("producer", "2.1", { acks: raw }).get("acks")).toBe(expected);
  });

  it("numbers and booleans may be written as Kafka's text (\"5\", \"true\") or as YAML values", () => {
    const producer = configFor("producer", "3.x", { "linger.ms": "5", "batch.size": 32768, "enable.idempotence": "TRUE" });
    expect(producer.number("linger.ms")).toBe(5);
    expect(producer.number("batch.size")).toBe(32_768);
    expect(producer.boolean("enable.idempotence")).toBe(true);
  });

  it("an override is marked as set; everything else keeps its profile default", () => {
    const broker = configFor("broker", "0.10", { "min.insync.replicas": 2 });
    expect(broker.isSet("min.insync.replicas")).toBe(true);
    expect(broker.source("unclean.leader.election.enable")).toBe("default");
    expect(broker.get("unclean.leader.election.enable")).toBe(true);
    expect(broker.overrides).toEqual({ "min.insync.replicas": 2 });
  });

  it("a resolved config is frozen, and its .ms keys convert to simulated microseconds", () => {
    const broker = configFor("broker", "3.x", { "replica.lag.time.max.ms": 1500 });
    expect(Object.isFrozen(broker)).toBe(true);
    expect(Object.isFrozen(broker.overrides)).toBe(true);
    expect(broker.micros("replica.lag.time.max.ms")).toBe(1_500_000);
    expect(broker.micros("log.flush.interval.ms")).toBe(LONG_MAX); // "never" stays never
  });

  it("Kafka's Long.MAX_VALUE, however written, means unbounded", () => {
    expect(configFor("broker", "3.x", { "log.flush.interval.messages": "9223372036854775807" }).number("log.flush.interval.messages")).toBe(LONG_MAX);
    expect(configFor("broker", "3.x", { "log.flush.interval.messages": 9223372036854775807 }).number("log.flush.interval.messages")).toBe(LONG_MAX);
  });

  it("a consumer with a group id keeps auto-commit on by default", () => {
    expect(configFor("consumer", "3.x", { "group.id": "billing" }).get("enable.auto.commit")).toBe(true);
  });

  it("enum values are matched without regard to case and accept Kafka's assignor class names", () => {
    expect(configFor("topic", "3.x", { "cleanup.policy": "Compact" }).get("cleanup.policy")).toBe("compact");
    const consumer = configFor("consumer", "3.x", { "partition.assignment.strategy": "org.apache.kafka.clients.consumer.RoundRobinAssignor" });
    expect(consumer.get("partition.assignment.strategy")).toBe("round-robin");
  });

  it("parseConfigValue reads one key's text, as a --vary flag gives it", () => {
    expect(parseConfigValue("producer", "acks", "all")).toEqual({ ok: true, key: "acks", value: -1 });
    const bad = parseConfigValue("producer", "acks", "most");
    expect(bad.ok).toBe(false);
  });
});

describe("config: fallbacks as Kafka's LogConfig does them", () => {
  it("a topic key it does not set takes the broker's value of its broker key", () => {
    const broker = configFor("broker", "3.x", { "min.insync.replicas": 2, "log.retention.ms": 60_000, "log.segment.bytes": 4096 });
    const topic = configFor("topic", "3.x", { "segment.ms": 1000 }, broker);
    expect(topic.get("min.insync.replicas")).toBe(2);
    expect(topic.get("retention.ms")).toBe(60_000);
    expect(topic.get("segment.bytes")).toBe(4096);
    expect(topic.source("segment.bytes")).toBe("broker");
    expect(topic.get("segment.ms")).toBe(1000);
    expect(topic.source("segment.ms")).toBe("set");
  });

  it("a topic key it sets wins over the broker's", () => {
    const broker = configFor("broker", "3.x", { "min.insync.replicas": 2 });
    expect(configFor("topic", "3.x", { "min.insync.replicas": 1 }, broker).get("min.insync.replicas")).toBe(1);
  });

  it("without a broker config, a topic falls back to the profile's broker defaults", () => {
    expect(defaultConfig("topic", "0.10").get("unclean.leader.election.enable")).toBe(true);
    expect(defaultConfig("topic", "3.x").get("unclean.leader.election.enable")).toBe(false);
    expect(defaultConfig("topic", "3.x").get("retention.ms")).toBe(7 * 24 * 3600 * 1000);
  });

  it("a config of the same scope inherits the parent's overrides and may add its own", () => {
    const base = configFor("producer", "3.x", { acks: 1, "linger.ms": 5 });
    const child = configFor("producer", "3.x", { "linger.ms": 10 }, base);
    expect(child.get("acks")).toBe(1);
    expect(child.isSet("acks")).toBe(true);
    expect(child.get("linger.ms")).toBe(10);
    expect(child.get("enable.idempotence")).toBe(false); // acks=1 turns default idempotence off, inherited or not
  });

  it("a topic config made from another topic config keeps falling back to the same broker", () => {
    const broker = configFor("broker", "3.x", { "min.insync.replicas": 3 });
    const topic = configFor("topic", "3.x", { "retention.ms": 5 }, broker);
    const varied = configFor("topic", "3.x", { "segment.ms": 7 }, topic);
    expect([varied.get("min.insync.replicas"), varied.get("retention.ms"), varied.get("segment.ms")]).toEqual([3, 5, 7]);
  });
});

describe("config: what Kafka derives when a client starts", () => {
  it("3.x: idempotence on by default turns itself off when acks=1 is set (KAFKA-13598)", () => {
    const producer = configFor("producer", "3.x", { acks: 1 });
    expect(producer.get("enable.idempotence")).toBe(false);
    expect(producer.source("enable.idempotence")).toBe("derived");
  });

  it("2.1: idempotence set by hand turns unset acks to all and unset retries to the maximum", () => {
    const producer = configFor("producer", "0.11", { "enable.idempotence": true });
    expect(producer.get("acks")).toBe(-1);
    expect(producer.get("retries")).toBe(2_147_483_647);
  });

  it("delivery.timeout.ms left at its default rises to linger.ms + request.timeout.ms", () => {
    const producer = configFor("producer", "3.x", { "linger.ms": 100_000, "request.timeout.ms": 30_000 });
    expect(producer.get("delivery.timeout.ms")).toBe(130_000);
  });

  it("the results are typed: a resolve that fails lists every problem, never throws", () => {
    const result = resolveConfig("producer", "3.x", { acks: "most", "linger.ms": -1, lingerms: 5 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.key)).toEqual(["acks", "linger.ms", "lingerms"]);
  });
});
