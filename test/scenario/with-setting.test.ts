import { describe, expect, it } from "vitest";
import { settingValueProblem, withSettings, type Setting } from "../../src/scenario/withSetting.ts";
import type { Scenario } from "../../src/scenario/index.ts";

const FILE = `
name: settings
profile: "3.x"
cluster: { brokers: 3, config: { min.insync.replicas: 2 } }
x-producer: &producer { acks: all, linger.ms: 5 }
topics:
  - { name: orders, partitions: 3, replication.factor: 3 }
  - { name: audit, partitions: 1, replication.factor: 2, config: { min.insync.replicas: 1 } }
producers:
  - { topic: orders, config: *producer }
  - { topic: audit, config: *producer }
consumers:
  - { name: app, topic: orders, config: { group.id: billing } }
`;

function vary(...settings: [string, string][]): Scenario {
  const result = withSettings(FILE, "settings.yaml", settings.map(([key, value]): Setting => ({ key, value })));
  if (!result.ok) expect.fail(result.problems.join("\n"));
  return result.scenario;
}

function problems(...settings: [string, string][]): readonly string[] {
  const result = withSettings(FILE, "settings.yaml", settings.map(([key, value]) => ({ key, value })));
  if (result.ok) expect.fail("expected the settings to be refused");
  return result.problems;
}

describe("withSettings: a --vary value goes where Kafka applies it", () => {
  it("a producer key reaches every producer, even through a shared YAML anchor, and is parsed as the loader parses it", () => {
    const s = vary(["acks", "1"], ["linger.ms", "20"]);
    expect(s.producers.map((p) => p.config.get("acks"))).toEqual([1, 1]);
    expect(s.producers.map((p) => p.config.get("linger.ms"))).toEqual([20, 20]);
    // idempotence was not set in the file: with acks=1 it turns off, as Kafka 3.x does.
    expect(s.producers.map((p) => p.config.get("enable.idempotence"))).toEqual([false, false]);
  });

  it("min.insync.replicas goes to the cluster and to the topics that override it", () => {
    const s = vary(["min.insync.replicas", "3"]);
    expect(s.cluster.config.get("min.insync.replicas")).toBe(3);
    expect(s.topics.map((t) => t.config.get("min.insync.replicas"))).toEqual([3, 3]);
  });

  it("a broker key goes to cluster.config; a consumer key to every consumer; a topic-only key to every topic", () => {
    const s = vary(["unclean.leader.election.enable", "true"], ["session.timeout.ms", "10000"], ["retention.ms", "60000"]);
    expect(s.cluster.config.get("unclean.leader.election.enable")).toBe(true);
    expect(s.consumers.map((c) => c.config.get("session.timeout.ms"))).toEqual([10000]);
    expect(s.topics.map((t) => t.config.get("retention.ms"))).toEqual([60000, 60000]);
  });

  it("partitions and replication.factor reshape every topic; profile changes the era's defaults", () => {
    const s = vary(["partitions", "6"], ["replication.factor", "2"], ["profile", "0.10"]);
    expect(s.topics.map((t) => [t.partitions, t.replicationFactor])).toEqual([[6, 2], [6, 2]]);
    expect(s.profile).toBe("0.10");
    expect(s.cluster.config.get("unclean.leader.election.enable")).toBe(true); // the 0.10 default
    expect(s.behaviour.truncation).toBe("high-watermark");
  });

  it("a file without topics gets its implicit topic written out to reshape it", () => {
    const result = withSettings("name: bare\nduration: 5s\n", "bare.yaml", [{ key: "partitions", value: "4" }]);
    expect(result.ok && result.scenario.topics.map((t) => [t.name, t.partitions])).toEqual([["test", 4]]);
  });
});

describe("withSettings: bad keys, values and combinations are refused with the reason", () => {
  it("an unknown key says what the nearest key is", () => {
    expect(settingValueProblem("acsk", "1")).toContain('did you mean "acks"?');
    expect(problems(["min.insync.replica", "2"])[0]).toContain('did you mean "min.insync.replicas"?');
  });

  it("a value the registry refuses, a replication factor above the brokers, a conflict with the file's settings", () => {
    expect(problems(["acks", "2"])[0]).toBe('acks=2: expected all, -1, 0 or 1, got "2"');
    expect(problems(["replication.factor", "4"])[0]).toContain("replication factor 4 is larger than the number of brokers (3)");
    expect(problems(["acks", "1"], ["enable.idempotence", "true"])[0]).toContain("must be all when enable.idempotence is true");
    expect(problems(["profile", "4.0"])[0]).toContain("unknown profile");
  });

  it("a client key with no client to go to", () => {
    const result = withSettings("name: bare\n", "bare.yaml", [{ key: "fetch.min.bytes", value: "10" }]);
    expect(result.ok ? [] : result.problems).toEqual(["fetch.min.bytes=10: the scenario has no consumers for it to apply to"]);
  });
});
