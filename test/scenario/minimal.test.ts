import { describe, expect, it } from "vitest";
import { DEFAULT_DISK, DEFAULT_NETWORK } from "../../sim/index.ts";
import { PROFILE_BEHAVIOUR } from "../../src/protocol/config/index.ts";
import { valid, yaml } from "./helpers.ts";

describe("scenario: defaults make a short file a whole scenario", () => {
  it("a three-line scenario is valid, and defaulted everywhere else", () => {
    const scenario = valid(yaml("name: x", "duration: 10s", "topics: [{name: t}]"));
    expect(scenario.name).toBe("x");
    expect(scenario.profile).toBe("3.x");
    expect(scenario.behaviour).toBe(PROFILE_BEHAVIOUR["3.x"]);
    expect(scenario.durationMicros).toBe(10_000_000);
    expect(scenario.settleMicros).toBe(60_000_000);
    expect(scenario.cluster.brokers).toBe(3);
    expect(scenario.cluster.ensemble).toBe(1);
    expect(scenario.cluster.brokerNodes).toEqual(["broker-1", "broker-2", "broker-3"]);
    expect(scenario.cluster.ensembleNodes).toEqual(["zk-1"]);
    expect(scenario.topics.map((t) => [t.name, t.partitions, t.replicationFactor])).toEqual([["t", 1, 3]]);
    expect(scenario.producers).toHaveLength(1);
    expect(scenario.producers[0]).toMatchObject({ name: "producer-1", topic: "t", count: 1, ratePerSec: 1000, messageSizeBytes: 100, keys: null, poisson: false });
    expect(scenario.consumers).toEqual([]);
    expect(scenario.faults).toEqual([]);
    expect(scenario.expect.stated).toBe(false);
    expect(scenario.expect.conditions.map((c) => [c.metric, c.op, c.value])).toEqual([["lost-acked", "==", 0]]);
    expect(scenario.network).toEqual(DEFAULT_NETWORK);
    expect(scenario.disk).toEqual(DEFAULT_DISK);
  });

  it("an empty file is a valid scenario named after the file, with one topic named test", () => {
    const scenario = valid("", "scenarios/quiet-day.yaml");
    expect(scenario.name).toBe("quiet-day");
    expect(scenario.topics.map((t) => t.name)).toEqual(["test"]);
    expect(scenario.producers[0]!.topic).toBe("test");
  });

  it("an empty mapping is valid too", () => {
    expect(valid("{}\n").durationMicros).toBe(30_000_000);
  });

  it("the default topic's replication factor never exceeds the brokers", () => {
    expect(valid(yaml("cluster: {brokers: 1}")).topics[0]!.replicationFactor).toBe(1);
    expect(valid(yaml("cluster: {brokers: 2}")).topics[0]!.replicationFactor).toBe(2);
  });

  it("a topic's partitions and replication factor follow the broker's num.partitions and default.replication.factor when set", () => {
    const scenario = valid(yaml("cluster: {config: {num.partitions: 4, default.replication.factor: 2}}", "topics: [{name: t}]"));
    expect(scenario.topics[0]).toMatchObject({ partitions: 4, replicationFactor: 2 });
  });

  it("producers: [] means no producer", () => {
    expect(valid(yaml("producers: []")).producers).toEqual([]);
  });

  it("the profile's defaults reach every config: 0.10 producers wait for the leader only", () => {
    const scenario = valid(yaml('profile: "0.10"'));
    expect(scenario.producers[0]!.config.get("acks")).toBe(1);
    expect(scenario.cluster.config.get("unclean.leader.election.enable")).toBe(true);
    expect(scenario.behaviour.truncation).toBe("high-watermark");
  });

  it("profile 0.10 may be written unquoted, though YAML reads it as the number 0.1", () => {
    expect(valid(yaml("profile: 0.10")).profile).toBe("0.10");
    expect(valid(yaml("profile: 2.1")).profile).toBe("2.1");
  });

  it("keys starting with x- are the author's own, a place for YAML anchors", () => {
    const scenario = valid(yaml("x-fast: &fast {acks: 1, linger.ms: 0}", "producers: [{config: *fast}]"));
    expect(scenario.producers[0]!.config.get("acks")).toBe(1);
  });
});
