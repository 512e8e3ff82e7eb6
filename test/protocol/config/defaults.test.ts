import { describe, expect, it } from "vitest";
import {
  configKeys,
  defaultConfig,
  keyInfo,
  PROFILE_BEHAVIOUR,
  PROFILES,
  profileAtLeast,
  CONFIG_SCOPES,
  type Profile,
} from "../../../src/protocol/config/index.ts";

/** KAFKA-MODEL.md's defaults table, era by era: [scope, key, 0.10, 0.11, 2.1, 3.x, 4.x]. */
const TABLE: [scope: "broker" | "producer" | "consumer", key: string, ...byProfile: unknown[]][] = [
  ["producer", "acks", 1, 1, 1, -1, -1],
  ["producer", "enable.idempotence", false, false, false, true, true],
  ["broker", "min.insync.replicas", 1, 1, 1, 1, 1],
  ["broker", "unclean.leader.election.enable", true, false, false, false, false],
  ["broker", "replica.lag.time.max.ms", 10_000, 10_000, 10_000, 30_000, 30_000],
  ["broker", "zookeeper.session.timeout.ms", 6_000, 6_000, 6_000, 18_000, 18_000],
  ["consumer", "session.timeout.ms", 10_000, 10_000, 10_000, 45_000, 45_000],
  ["consumer", "heartbeat.interval.ms", 3_000, 3_000, 3_000, 3_000, 3_000],
  ["consumer", "max.poll.interval.ms", 300_000, 300_000, 300_000, 300_000, 300_000],
  ["consumer", "auto.commit.interval.ms", 5_000, 5_000, 5_000, 5_000, 5_000],
  ["producer", "linger.ms", 0, 0, 0, 0, 5],
  ["producer", "batch.size", 16_384, 16_384, 16_384, 16_384, 16_384],
  ["producer", "request.timeout.ms", 30_000, 30_000, 30_000, 30_000, 30_000],
  ["producer", "delivery.timeout.ms", 120_000, 120_000, 120_000, 120_000, 120_000],
  ["producer", "retries", 0, 0, 2_147_483_647, 2_147_483_647, 2_147_483_647],
  ["producer", "max.in.flight.requests.per.connection", 5, 5, 5, 5, 5],
  ["producer", "buffer.memory", 33_554_432, 33_554_432, 33_554_432, 33_554_432, 33_554_432],
  ["consumer", "request.timeout.ms", 305_000, 305_000, 30_000, 30_000, 30_000],
  ["producer", "partitioner.class", "round-robin", "round-robin", "round-robin", "sticky", "sticky"],
];

describe("config registry: defaults per version profile", () => {
  describe.each(TABLE)("%s %s", (scope, key, ...byProfile) => {
    it.each(PROFILES.map((p, i) => [p, byProfile[i]] as const))("in profile %s defaults to %s, as KAFKA-MODEL.md says", (profile, expected) => {
      expect(defaultConfig(scope, profile).toJSON()[key]).toBe(expected);
    });
  });

  it("a default consumer has no group, so auto-commit is off (KIP-289) although its key defaults to true", () => {
    const consumer = defaultConfig("consumer", "3.x");
    expect(consumer.get("group.id")).toBeNull();
    expect(keyInfo("consumer", "enable.auto.commit")!.defaults["3.x"]).toBe("true");
    expect(consumer.get("enable.auto.commit")).toBe(false);
    expect(consumer.source("enable.auto.commit")).toBe("derived");
  });

  it("every key of every scope has a documentation line and a default in every profile", () => {
    for (const scope of CONFIG_SCOPES) {
      for (const key of configKeys(scope)) {
        const info = keyInfo(scope, key)!;
        expect(info.doc.length, `${scope} ${key}`).toBeGreaterThan(10);
        for (const profile of PROFILES) expect(info.defaults[profile], `${scope} ${key} ${profile}`).not.toBe("");
      }
    }
  });

  it("Kafka's Long.MAX_VALUE defaults print as Kafka writes them", () => {
    expect(keyInfo("broker", "log.flush.interval.messages")!.defaults["3.x"]).toBe("9223372036854775807");
    expect(defaultConfig("topic", "3.x").text("flush.ms")).toBe("9223372036854775807");
  });

  it("acks prints as all, the way Kafka documents it", () => {
    expect(defaultConfig("producer", "3.x").text("acks")).toBe("all");
    expect(keyInfo("producer", "acks")!.defaults).toEqual({ "0.10": "1", "0.11": "1", "2.1": "1", "3.x": "all", "4.x": "all" });
  });
});

describe("version profiles: behaviour read from one place", () => {
  const expected: Record<Profile, [string, boolean]> = {
    "0.10": ["high-watermark", false],
    "0.11": ["leader-epoch", false],
    "2.1": ["leader-epoch-kip279", true],
    "3.x": ["leader-epoch-kip279", true],
    "4.x": ["leader-epoch-kip279", true],
  };

  it.each(PROFILES)("profile %s truncates and fences as its Kafka era did", (profile) => {
    const behaviour = PROFILE_BEHAVIOUR[profile];
    expect([behaviour.truncation, behaviour.leaderEpochFencing]).toEqual(expected[profile]);
    expect(Object.isFrozen(behaviour)).toBe(true);
  });

  it("profiles are ordered oldest first", () => {
    expect(PROFILES).toEqual(["0.10", "0.11", "2.1", "3.x", "4.x"]);
    expect(profileAtLeast("2.1", "0.11")).toBe(true);
    expect(profileAtLeast("0.11", "2.1")).toBe(false);
  });
});
