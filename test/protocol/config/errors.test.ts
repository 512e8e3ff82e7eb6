import { describe, expect, it } from "vitest";
import { ConfigError, configFor, resolveConfig, type ConfigScope } from "../../../src/protocol/config/index.ts";

function errorsOf(scope: ConfigScope, overrides: Record<string, unknown>, profile: "0.10" | "0.11" | "2.1" | "3.x" = "3.x"): ConfigError[] {
  const result = resolveConfig(scope, profile, overrides);
  return result.ok ? [] : [...result.errors];
}

function only(scope: ConfigScope, overrides: Record<string, unknown>, profile?: "0.10" | "0.11" | "2.1" | "3.x"): ConfigError {
  const errors = errorsOf(scope, overrides, profile);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe("config errors: unknown keys get a did-you-mean", () => {
  it.each([
    ["broker", "min.insync.replica", "min.insync.replicas"],
    ["broker", "min_insync_replicas", "min.insync.replicas"],
    ["broker", "unclean.leader.elections.enable", "unclean.leader.election.enable"],
    ["topic", "retension.ms", "retention.ms"],
    ["producer", "lniger.ms", "linger.ms"],
    ["producer", "enableIdempotence", "enable.idempotence"],
    ["consumer", "session.timeout", "session.timeout.ms"],
    ["consumer", "auto.offset.rest", "auto.offset.reset"],
  ] as const)("%s config %s: did you mean %s", (scope, key, suggestion) => {
    const error = only(scope, { [key]: 1 });
    expect(error.problem).toBe("unknown-key");
    expect(error.key).toBe(key);
    expect(error.suggestion).toBe(suggestion);
    expect(error.message).toContain(`(did you mean "${suggestion}"?)`);
  });

  it("a key like nothing at all is unknown, without a guess", () => {
    const error = only("broker", { "colour.of.the.sky": "blue" });
    expect(error.problem).toBe("unknown-key");
    expect(error.suggestion).toBeUndefined();
  });

  it("a typo of another scope's key names that scope", () => {
    const error = only("broker", { "lingr.ms": 5 });
    expect(error.detail).toContain('the producer key "linger.ms"');
  });
});

describe("config errors: keys in the wrong scope say where they belong", () => {
  it("a producer key in broker config is a producer key", () => {
    const error = only("broker", { acks: "all" });
    expect(error.problem).toBe("wrong-scope");
    expect(error.otherScopes).toEqual(["producer"]);
    expect(error.message).toBe("broker config acks: a producer key, not a broker key");
  });

  it("a topic key in broker config suggests the broker's own name for it", () => {
    const error = only("broker", { "retention.ms": 1000 });
    expect(error.problem).toBe("wrong-scope");
    expect(error.suggestion).toBe("log.retention.ms");
  });

  it("a broker log key in topic config suggests the topic's name for it", () => {
    expect(only("topic", { "log.segment.bytes": 1000 }).suggestion).toBe("segment.bytes");
    expect(only("topic", { "log.roll.ms": 1000 }).suggestion).toBe("segment.ms");
  });

  it("a key of both client scopes in broker config names both", () => {
    expect(only("broker", { "request.timeout.ms": 1 }).otherScopes).toEqual(["producer", "consumer"]);
  });
});

describe("config errors: values", () => {
  it.each([
    ["producer", "acks", 2, "expected all, -1, 0 or 1, got 2"],
    ["producer", "acks", "al", 'got "al" (did you mean "all"?)'],
    ["broker", "unclean.leader.election.enable", "yes", 'expected true or false, got "yes"'],
    ["broker", "min.insync.replicas", 0, "expected a whole number >= 1, got 0"],
    ["broker", "min.insync.replicas", 1.5, "got 1.5"],
    ["topic", "cleanup.policy", "delte", '(did you mean "delete"?)'],
    ["consumer", "auto.offset.reset", "earlist", '(did you mean "earliest"?)'],
    ["producer", "linger.ms", "5ms", "Kafka's .ms keys take a plain number of milliseconds: write 5"],
    ["broker", "replica.lag.time.max.ms", "30s", "write 30000"],
    ["producer", "batch.size", 3_000_000_000, "out of range for an int"],
    ["producer", "partitioner.class", "org.apache.kafka.clients.producer.RoundRobinPartitioner", "expected sticky or round-robin"],
    ["broker", "num.partitions", [1, 2], "got a list"],
  ] as const)("%s config %s=%s is refused: %s", (scope, key, raw, fragment) => {
    const error = only(scope, { [key]: raw });
    expect(error.problem).toBe("invalid-value");
    expect(error.message).toContain(fragment);
  });
});

describe("config errors: conflicts Kafka refuses at start", () => {
  it("idempotence set by hand with acks=1: acks must be all", () => {
    const error = only("producer", { "enable.idempotence": true, acks: 1 });
    expect(error.problem).toBe("conflict");
    expect(error.key).toBe("acks");
  });

  it("idempotence set by hand with more than 5 in flight and no retries: both reported", () => {
    const keys = errorsOf("producer", { "enable.idempotence": true, retries: 0, "max.in.flight.requests.per.connection": 6 }).map((e) => e.key);
    expect(keys).toEqual(["retries", "max.in.flight.requests.per.connection"]);
  });

  it("delivery.timeout.ms set below linger.ms + request.timeout.ms is refused from 2.1", () => {
    expect(only("producer", { "delivery.timeout.ms": 1000 }).key).toBe("delivery.timeout.ms");
    expect(errorsOf("producer", { "delivery.timeout.ms": 1000 }, "0.11")).toEqual([]);
  });

  it("heartbeat.interval.ms at or above session.timeout.ms is refused", () => {
    expect(only("consumer", { "heartbeat.interval.ms": 45_000 }).key).toBe("heartbeat.interval.ms");
    expect(only("consumer", { "session.timeout.ms": 2_000 }).message).toContain("must be above heartbeat.interval.ms (3000)");
  });

  it("auto-commit set by hand without a group id is refused (KIP-289)", () => {
    expect(only("consumer", { "enable.auto.commit": true }).key).toBe("enable.auto.commit");
  });

  it("before 2.0 a consumer's request timeout must exceed its session timeout", () => {
    expect(only("consumer", { "request.timeout.ms": 5_000 }, "0.10").key).toBe("request.timeout.ms");
    expect(errorsOf("consumer", { "request.timeout.ms": 5_000 }, "3.x")).toEqual([]);
  });

  it("configFor throws the first problem as a ConfigError, for code that prefers exceptions", () => {
    expect(() => configFor("broker", "3.x", { acks: 1 })).toThrow(ConfigError);
  });
});
