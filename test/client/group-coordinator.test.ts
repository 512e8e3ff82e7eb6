import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { brokerNode } from "../../src/protocol/requests.ts";
import { requestOf } from "./fakeGroupCoordinator.ts";
import { GROUP, groupWorld, range } from "./groupHarness.ts";

describe("group consumer: finding the coordinator", () => {
  it("FindCoordinator answered COORDINATOR_NOT_AVAILABLE is retried every retry.backoff.ms until the coordinator exists", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.cluster.groups.available = false;
    w.fill("test", 3);
    const a = w.addMember("member-1", { consumer: { retryBackoffMicros: millis(100) } });
    w.runFor(millis(1_000));
    const lookups = w.cluster.requests.filter((r) => (r.request as { type: string }).type === "kafka.find-coordinator").map((r) => r.atMicros);
    expect(lookups.length).toBeGreaterThanOrEqual(8);
    expect(lookups.length).toBeLessThanOrEqual(11);
    expect(lookups.slice(1).every((t, i) => t - lookups[i]! >= millis(100))).toBe(true);
    expect(a.processed()).toEqual([]);
    w.cluster.groups.available = true;
    expect(w.runUntil(() => a.processed().length === 3, seconds(2))).toBe(true);
  });

  it("NOT_COORDINATOR after the coordinator moved: the member looks it up again and stays in its generation", () => {
    const w = groupWorld({ brokers: 2, topics: { test: 2 } });
    const a = w.addMember("member-1", { consumer: { heartbeatIntervalMicros: millis(500) } });
    w.runFor(seconds(1));
    expect(a.consumer().coordinatorId).toBe(1);
    w.cluster.groups.moveTo(2);
    w.runFor(seconds(2));
    expect(a.consumer().coordinatorId).toBe(2);
    expect(a.consumer().generation.generationId).toBe(1);
    expect(a.consumer().memberState).toBe("stable");
    const beats = w.cluster.requests.filter((r) => (r.request as { type: string }).type === "kafka.heartbeat");
    expect(beats.at(-1)!.broker).toBe(2);
    w.fill("test", 4);
    expect(w.runUntil(() => a.processed().length === 4, seconds(2))).toBe(true);
  });

  it("the coordinator's broker crashes: the lost connection makes the member rediscover it, and commits go on", () => {
    const w = groupWorld({ brokers: 2, topics: { test: 2 } });
    w.cluster.moveLeader("test", 0, 2);
    w.cluster.moveLeader("test", 1, 2);
    const a = w.addMember("member-1", {
      consumer: { heartbeatIntervalMicros: millis(500), autoCommitIntervalMicros: millis(500), requestTimeoutMicros: seconds(2) },
    });
    w.fill("test", 10);
    expect(w.runUntil(() => a.processed().length === 10, seconds(2))).toBe(true);
    w.cluster.groups.moveTo(2);
    w.sim.node(brokerNode(1)).crash();
    w.fill("test", 10, 10);
    expect(w.runUntil(() => w.cluster.groups.group(GROUP).committed("test", 0) + w.cluster.groups.group(GROUP).committed("test", 1) === 20, seconds(10))).toBe(true);
    expect(a.consumer().coordinatorId).toBe(2);
    expect(w.processedIds().sort((x, y) => x - y)).toEqual(range(20));
  });

  it("a heartbeat that finds the generation over (ILLEGAL_GENERATION) resets it; the member rejoins with its member id", () => {
    const w = groupWorld({ topics: { test: 1 } });
    const a = w.addMember("member-1", { consumer: { heartbeatIntervalMicros: millis(500) } });
    w.runFor(seconds(1));
    const memberId = a.consumer().generation.memberId;
    w.cluster.on(requestOf("kafka.heartbeat"), { kind: "error", error: "ILLEGAL_GENERATION" });
    expect(w.runUntil(() => a.consumer().generation.generationId === 2 && a.consumer().memberState === "stable", seconds(3))).toBe(true);
    expect(a.consumer().generation.memberId).toBe(memberId);
    // The generation was gone when the member rejoined: its partitions were lost, not revoked.
    expect(w.eventsOf("lost", "member-1").length).toBe(1);
    expect(w.eventsOf("revoked", "member-1")).toEqual([]);
  });

  it("JoinGroup answered MEMBER_ID_REQUIRED (KIP-394) joins again at once with the member id it was given", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.cluster.on(requestOf("kafka.join-group"), { kind: "error", error: "MEMBER_ID_REQUIRED" });
    const a = w.addMember("member-1");
    w.runFor(seconds(1));
    const joins = w.cluster.groupRequestsOf("kafka.join-group");
    expect(joins.length).toBe(2);
    expect(a.consumer().memberState).toBe("stable");
  });

  it("INCONSISTENT_GROUP_PROTOCOL is fatal: the consumer stops and says why", () => {
    const w = groupWorld({ topics: { test: 2 } });
    const a = w.addMember("member-1", { consumer: { partitionAssignmentStrategy: "range" } });
    w.runFor(seconds(1));
    const b = w.addMember("member-2", { consumer: { partitionAssignmentStrategy: "sticky" } });
    w.runFor(seconds(2));
    expect(b.consumer().failure).toBe("INCONSISTENT_GROUP_PROTOCOL");
    expect(w.eventsOf("failed", "member-2").map((e) => e.error)).toEqual(["INCONSISTENT_GROUP_PROTOCOL"]);
    expect(a.consumer().memberState).toBe("stable");
  });
});
