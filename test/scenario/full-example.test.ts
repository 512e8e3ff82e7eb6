import { describe, expect, it } from "vitest";
import { formatSelector, meets } from "../../src/scenario/index.ts";
import { valid, yaml } from "./helpers.ts";

const FULL = yaml(
  "name: leader-crash", //                                    1
  "description: the leader of orders/0 crashes mid-load", //  2
  'profile: "2.1"', //                                        3
  "duration: 60s", //                                         4
  "settle: 20s", //                                           5
  "cluster:", //                                              6
  "  brokers: 5", //                                          7
  "  ensemble: 3", //                                         8
  "  config: { min.insync.replicas: 2, replica.lag.time.max.ms: 10000 }", // 9
  "network: { latency: 500us, jitter: 100us, bandwidth: 1Gbit/s, retransmit: 100ms, stall-reset: 10s }", // 10
  "disk: { fsync: 2ms, throughput: 200MB/s, capacity: 10GiB, crash-loss: torn }", // 11
  "topics:", //                                               12
  "  - name: orders", //                                      13
  "    partitions: 3", //                                     14
  "    replication.factor: 3", //                             15
  "    config: { retention.ms: 604800000, cleanup.policy: compact }", // 16
  "  - name: audit", //                                       17
  "    replication.factor: 1", //                             18
  "producers:", //                                            19
  "  - topic: orders", //                                     20
  "    count: 2", //                                          21
  "    rate: 500.5", //                                       22
  "    poisson: true", //                                     23
  "    message.size: 200", //                                 24
  "    keys: 100", //                                         25
  "    config: { acks: all, linger.ms: 5 }", //               26
  "  - name: auditor", //                                     27
  "    topic: audit", //                                      28
  "    config: { acks: 0 }", //                               29
  "consumers:", //                                            30
  "  - topic: orders", //                                     31
  "    partitions: [0, 2]", //                                32
  "    config: { fetch.max.wait.ms: 100 }", //                33
  "faults:", //                                               34
  "  - { at: 10s, crash: leader(orders/0), for: 15s }", //    35
  "  - { at: 12s, partition: [[leader(orders/1), controller], rest] }", // 36
  "  - { at: 13s, partition-one-way: { from: broker-1, to: [broker-2, zk-1] } }", // 37
  "  - { at: 14s, clog: { between: [broker-1, broker-2], delay: 100ms }, for: 1s }", // 38
  "  - { at: 15s, drop: { between: [broker-1, ensemble-leader], p: 0.1 } }", // 39
  "  - { at: 16s, unclog: true }", //                         40
  "  - { at: 17s, slow-disk: { node: follower(orders/2), factor: 5 }, for: 2s }", // 41
  "  - { at: 18s, full-disk: broker-3 }", //                  42
  "  - { at: 19s, disk-ok: { node: broker-3 } }", //          43
  "  - { at: 20s, lossy-crash: zk-2 }", //                    44
  "  - { at: 21s, pause: broker-4, for: 5s }", //             45
  "  - { at: 22s, isolate: controller }", //                  46
  "  - { at: 23s, heal: true }", //                           47
  "  - { at: 24s, restart: broker-5 }", //                    48
  "  - { at: 25s, resume: broker-5 }", //                     49
  "expect:", //                                               50
  '  lost-acked: ">0"', //                                    51
  "  acked: \">=1000\"", //                                   52
  "  failed: 0", //                                           53
);

describe("scenario: a full example, every section written out", () => {
  const scenario = valid(FULL, "scenarios/leader-crash.yaml");

  it("reads the header, the cluster, the network and the disk", () => {
    expect(scenario).toMatchObject({ file: "scenarios/leader-crash.yaml", name: "leader-crash", profile: "2.1", durationMicros: 60_000_000, settleMicros: 20_000_000 });
    expect(scenario.description).toBe("the leader of orders/0 crashes mid-load");
    expect(scenario.behaviour).toMatchObject({ truncation: "leader-epoch-kip279", leaderEpochFencing: true });
    expect(scenario.cluster.brokerNodes).toHaveLength(5);
    expect(scenario.cluster.ensembleNodes).toEqual(["zk-1", "zk-2", "zk-3"]);
    expect(scenario.cluster.config.get("min.insync.replicas")).toBe(2);
    expect(scenario.cluster.config.micros("replica.lag.time.max.ms")).toBe(10_000_000);
    expect(scenario.network).toEqual({ latencyMicros: 500, jitterMicros: 100, bandwidthBytesPerSec: 125_000_000, retransmitMicros: 100_000, stallResetMicros: 10_000_000 });
    expect(scenario.disk).toEqual({ fsyncMicros: 2_000, throughputBytesPerSec: 200_000_000, capacityBytes: 10 * 1024 ** 3, crashLoss: "torn" });
  });

  it("reads topics, with topic config falling back to the cluster's", () => {
    const [orders, audit] = scenario.topics;
    expect(orders).toMatchObject({ name: "orders", partitions: 3, replicationFactor: 3, source: { line: 13, field: "topics[0]" } });
    expect(orders!.config.get("cleanup.policy")).toBe("compact");
    expect(orders!.config.get("min.insync.replicas")).toBe(2); // from cluster.config
    expect(audit).toMatchObject({ name: "audit", partitions: 1, replicationFactor: 1 });
  });

  it("reads producers and consumers with their Kafka config", () => {
    const [main, auditor] = scenario.producers;
    expect(main).toMatchObject({ name: "producer-1", topic: "orders", count: 2, ratePerSec: 500.5, poisson: true, messageSizeBytes: 200, keys: 100 });
    expect(main!.config.get("acks")).toBe(-1);
    expect(main!.config.get("linger.ms")).toBe(5);
    expect(auditor).toMatchObject({ name: "auditor", topic: "audit" });
    expect(auditor!.config.get("acks")).toBe(0);
    expect(scenario.consumers[0]).toMatchObject({ name: "consumer-1", topic: "orders", partitions: [0, 2] });
    expect(scenario.consumers[0]!.config.get("fetch.max.wait.ms")).toBe(100);
  });

  it("reads the fault schedule, targets as selectors, in file order", () => {
    const summary = scenario.faults.map((f) => `${f.at / 1_000_000}s ${f.verb}${f.forMicros === null ? "" : ` for ${f.forMicros / 1_000_000}s`}`);
    expect(summary).toEqual([
      "10s crash for 15s",
      "12s partition",
      "13s partition-one-way",
      "14s clog for 1s",
      "15s drop",
      "16s unclog",
      "17s slow-disk for 2s",
      "18s full-disk",
      "19s disk-ok",
      "20s lossy-crash",
      "21s pause for 5s",
      "22s isolate",
      "23s heal",
      "24s restart",
      "25s resume",
    ]);
    expect(scenario.faults[0]).toMatchObject({ verb: "crash", node: { kind: "leader", topic: "orders", partition: 0 }, source: { line: 35, field: "faults[0]" } });
    expect(scenario.faults[1]).toMatchObject({
      verb: "partition",
      groups: [[{ kind: "leader", topic: "orders", partition: 1 }, { kind: "controller" }], [{ kind: "rest" }]],
    });
    expect(scenario.faults[2]).toMatchObject({ from: [{ kind: "node", name: "broker-1" }], to: [{ kind: "node", name: "broker-2" }, { kind: "node", name: "zk-1" }] });
    expect(scenario.faults[3]).toMatchObject({ delayMicros: 100_000 });
    expect(scenario.faults[4]).toMatchObject({ probability: 0.1, between: [{ kind: "node", name: "broker-1" }, { kind: "ensemble-leader" }] });
    expect(scenario.faults[5]).toMatchObject({ between: null });
    expect(scenario.faults[6]).toMatchObject({ node: { kind: "follower", topic: "orders", partition: 2 }, factor: 5 });
    expect(scenario.faults[7]).toMatchObject({ node: { kind: "node", name: "broker-3" } });
    const verb0 = scenario.faults[0]!;
    if (verb0.verb === "crash") expect(formatSelector(verb0.node)).toBe("leader(orders/0)");
  });

  it("reads what the scenario expects, and judges counts by it", () => {
    expect(scenario.expect.stated).toBe(true);
    const [lost, acked, failed] = scenario.expect.conditions;
    expect([lost!.metric, lost!.op, lost!.value, lost!.text]).toEqual(["lost-acked", ">", 0, ">0"]);
    expect(meets(lost!, 3)).toBe(true);
    expect(meets(lost!, 0)).toBe(false);
    expect([acked!.op, acked!.value]).toEqual([">=", 1000]);
    expect([failed!.op, failed!.value]).toEqual(["==", 0]);
  });
});
