import { describe, expect, it } from "vitest";
import { formatScenarioErrors, parseScenario, ScenarioError } from "../../src/scenario/index.ts";
import { invalid, theError, yaml } from "./helpers.ts";

describe("scenario errors: garbage in, ScenarioErrors out", () => {
  it("text that is not YAML is a syntax error at its line", () => {
    const errors = invalid(yaml("name: x", "topics: [{name: t}", "producers: []"));
    expect(errors.every((e) => e instanceof ScenarioError)).toBe(true);
    expect(errors[0]!.line).toBe(3);
    expect(errors[0]!.problem).toMatch(/^not valid YAML: /);
  });

  it("a list at the top is not a scenario", () => {
    const error = theError(yaml("- name: x", "- duration: 10s"), 1, "");
    expect(error.problem).toContain("expected a scenario: a mapping of keys");
    expect(error.problem).toContain("got a list");
  });

  it("a plain string is not a scenario", () => {
    expect(theError("just some words\n", 1, "").problem).toContain('got "just some words"');
  });

  it("a key repeated in a mapping is a YAML error at the second one", () => {
    const error = theError(yaml("name: a", "duration: 1s", "name: b"), 3, "");
    expect(error.problem).toBe("not valid YAML: a key appears twice in the same mapping");
  });

  it("an unquoted >0 condition is explained: it must be quoted", () => {
    const errors = invalid(yaml("expect:", "  lost-acked: >0"));
    expect(errors[0]!.line).toBe(2);
    expect(errors[0]!.problem).toContain('must be quoted, like ">0"');
  });
});

describe("scenario errors: each at its line and field", () => {
  it("an unknown top-level key suggests the nearest", () => {
    const error = theError(yaml("name: x", "topic: [{name: t}]"), 2, "topic");
    expect(error.suggestion).toBe("topics");
    expect(error.message).toBe('story.yaml:2:1: topic: unknown key in the scenario; expected one of: name, description, profile, duration, settle, cluster, network, disk, hardware, topics, producers, consumers, faults, swarm, expect (did you mean "topics"?)');
  });

  it("a Kafka key at the top level says it goes in a config block", () => {
    expect(theError(yaml("acks: all"), 1, "acks").problem).toContain("Kafka keys go in a config block: producers[].config");
  });

  it("wrong types name what was expected", () => {
    const errors = invalid(yaml("cluster:", "  brokers: three", "topics: {name: t}", "duration: [10s]"));
    expect(errors.map((e) => `${e.line} ${e.field}: ${e.problem}`)).toEqual([
      '2 cluster.brokers: expected a whole number of brokers, got "three"',
      "3 topics: expected a list of topics, like [{name: orders, partitions: 3}], got a mapping",
      "4 duration: expected a duration with a unit (us, ms, s, m, h), like 250us, 5ms, 30s or 2m, got a list",
    ]);
  });

  it("negative partitions are refused", () => {
    expect(theError(yaml("topics:", "  - name: t", "    partitions: -3"), 3, "topics[0].partitions").problem).toBe("must be at least 1, got -3");
  });

  it("a replication factor above the number of brokers is refused, in Kafka's terms", () => {
    const error = theError(yaml("cluster: {brokers: 3}", "topics:", "  - name: t", "    replication.factor: 4"), 4, "topics[0].replication.factor");
    expect(error.problem).toBe("replication factor 4 is larger than the number of brokers (3)");
  });

  it("an unknown profile lists the profiles and suggests the one covering that Kafka version", () => {
    const error = theError(yaml('profile: "3.5"'), 1, "profile");
    expect(error.problem).toContain('"0.10" (Kafka 0.8 to 0.10)');
    expect(error.suggestion).toBe("3.x");
    expect(theError(yaml("profile: 0.8"), 1, "profile").suggestion).toBe("0.10");
  });

  it("a duration with a space, or without a unit, is refused with the fix", () => {
    expect(theError(yaml("duration: 2 s"), 1, "duration").suggestion).toBe("2s");
    const bare = theError(yaml("name: x", "settle: 10"), 2, "settle");
    expect(bare.problem).toContain("a bare number has no unit");
    expect(bare.suggestion).toBe("10s");
  });

  it("an unknown fault verb suggests the nearest verb", () => {
    const error = theError(yaml("faults:", "  - at: 10s", "    krash: broker-1"), 3, "faults[0].krash");
    expect(error.suggestion).toBe("crash");
  });

  it("a fault without a verb, or without a time, says what it needs", () => {
    expect(theError(yaml("faults:", "  - at: 10s"), 2, "faults[0]").problem).toContain("a fault needs a verb");
    expect(theError(yaml("faults:", "  - crash: broker-1"), 2, "faults[0]").problem).toContain("a fault needs at:");
  });

  it("a fault after the load phase is refused", () => {
    expect(theError(yaml("duration: 10s", "faults: [{at: 11s, crash: broker-1}]"), 2, "faults[0].at").problem).toBe(
      "at 11s is after the end of the load phase (duration: 10s)",
    );
  });

  it("for: on a verb that undoes nothing is refused", () => {
    expect(theError(yaml("faults: [{at: 1s, heal: true, for: 2s}]"), 1, "faults[0].for").problem).toContain("heal has nothing to undo");
  });

  it("Kafka config keys are checked in their block: misspelt, misplaced, badly valued", () => {
    const errors = invalid(
      yaml(
        "cluster:",
        "  config:",
        "    min.insync.replica: 2",
        "    acks: all",
        "topics:",
        "  - name: t",
        "    config: { retention.ms: 7d }",
        "producers:",
        "  - config:",
        "      enable.idempotence: true",
        "      acks: 1",
      ),
    );
    expect(errors.map((e) => `${e.line}:${e.column} ${e.field}: ${e.problem}${e.suggestion ? ` -> ${e.suggestion}` : ""}`)).toEqual([
      "3:5 cluster.config.min.insync.replica: unknown broker key -> min.insync.replicas",
      "4:5 cluster.config.acks: acks is a producer key, not a broker key; set it under producers[].config",
      '7:29 topics[0].config.retention.ms: expected a whole number of milliseconds >= -1, got "7d"',
      "11:13 producers[0].config.acks: must be all when enable.idempotence is true",
    ]);
  });

  it("a topic key set directly on a topic says it belongs in the topic's config", () => {
    expect(theError(yaml("topics:", "  - name: t", "    retention.ms: 1000"), 3, "topics[0].retention.ms").problem).toContain("topics[].config");
  });
});

describe("scenario errors: fault targets are checked against the cluster", () => {
  const cluster = ["cluster: {brokers: 3, ensemble: 3}", "topics: [{name: orders, partitions: 2}, {name: solo, replication.factor: 1}]"];

  it.each([
    ["broker-4", "there is no broker-4: the cluster has 3 brokers (broker-1 to broker-3)", undefined],
    ["broker-0", "there is no broker-0: the cluster has 3 brokers (broker-1 to broker-3)", "broker-1"],
    ["zk-4", "there is no zk-4: the cluster has 3 ensemble members (zk-1 to zk-3)", undefined],
    ["leader(order/0)", 'no topic "order" in this scenario (topics: orders, solo)', "leader(orders/0)"],
    ["leader(orders/2)", "topic orders has partitions 0 to 1; there is no partition 2", undefined],
    ["follower(solo/0)", "topic solo has replication factor 1: its partitions have no followers", undefined],
    ["leader(orders)", "leader(...) takes a topic and a partition, like leader(orders/0)", "leader(orders/0)"],
    ["leadr(orders/0)", "unknown node selector leadr(...); expected leader(topic/partition) or follower(topic/partition)", "leader(orders/0)"],
    ["broker1", 'unknown node "broker1"; expected broker-N, zk-N, leader(topic/partition), follower(topic/partition), controller or ensemble-leader', "broker-1"],
    ["controler", 'unknown node "controler"; expected broker-N, zk-N, leader(topic/partition), follower(topic/partition), controller or ensemble-leader', "controller"],
    ["rest", "rest (every node not named elsewhere) only makes sense in a partition's groups", undefined],
  ])("crash: %s is refused", (target, problem, suggestion) => {
    const error = theError(yaml(...cluster, "faults:", `  - {at: 1s, crash: "${target}"}`), 4, "faults[0].crash");
    expect(error.problem).toBe(problem);
    expect(error.suggestion).toBe(suggestion);
  });

  it("rest may stand in one group of a partition only", () => {
    expect(theError(yaml("faults: [{at: 1s, partition: [[broker-1], [rest], [rest]]}]"), 1, "faults[0].partition").problem).toContain("one group only");
  });

  it("a partition needs two groups; a link two ends", () => {
    expect(theError(yaml("faults: [{at: 1s, partition: [[broker-1]]}]"), 1, "faults[0].partition").problem).toContain("at least two groups");
    expect(theError(yaml("faults: [{at: 1s, clog: {between: [broker-1], delay: 1ms}}]"), 1, "faults[0].clog.between").problem).toBe("a link has two ends, got 1");
  });
});

describe("scenario errors: all problems of a file, in order, formatted for people", () => {
  const text = yaml(
    "name: many", //                 1
    "profile: 9", //                 2
    "duration: 2 s", //              3
    "cluster:", //                   4
    "  brokers: 0", //               5
    "topics:", //                    6
    "  - name: t", //                7
    "    partitions: 0", //          8
    "producers:", //                 9
    "  - topic: tt", //              10
    "    rate: -5", //               11
    "faults:", //                    12
    "  - {at: 1s, explode: broker-1}", // 13
    "expect: {lost-acked: lots}", // 14
  );

  it("reports every problem, each at its own line", () => {
    expect(invalid(text).map((e) => e.line)).toEqual([2, 3, 5, 8, 10, 11, 13, 14]);
  });

  it("formats each as file:line:col: field: message (did you mean \"x\"?)", () => {
    const lines = formatScenarioErrors(invalid(text)).split("\n");
    expect(lines[1]).toBe('story.yaml:3:11: duration: expected a duration with a unit (us, ms, s, m, h), like 250us, 5ms, 30s or 2m, got "2 s" (did you mean "2s"?)');
    expect(lines[4]).toBe('story.yaml:10:12: producers[0].topic: no topic "tt" in this scenario (topics: t) (did you mean "t"?)');
    expect(lines).toHaveLength(8);
  });

  it("never throws, whatever the text", () => {
    for (const garbage of ["\u0000\u0001", "{{{{", "- - - -", "a: *b", "? [x]\n: y", "---\n---\n", "%YAML 9.9\n---\nx: 1", "faults: 7", "topics: [1, 2, null]"]) {
      const result = parseScenario(garbage, "garbage.yaml");
      if (!result.ok) for (const error of result.errors) expect(error).toBeInstanceOf(ScenarioError);
    }
  });
});
