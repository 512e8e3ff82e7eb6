import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { requestOf } from "./fakeGroupCoordinator.ts";
import { GROUP, groupWorld, range } from "./groupHarness.ts";

describe("group consumer: membership and rebalances", () => {
  it("a group of two splits the partitions: each member gets half, and every record is processed once", () => {
    const w = groupWorld({ topics: { test: 4 } });
    w.fill("test", 80);
    const a = w.addMember("member-1");
    const b = w.addMember("member-2");
    expect(w.runUntil(() => w.processedIds().length >= 80, seconds(30))).toBe(true);
    w.runFor(seconds(1));
    expect(w.processedIds().sort((x, y) => x - y)).toEqual(range(80));
    expect(a.assignment().length).toBe(2);
    expect(b.assignment().length).toBe(2);
    expect([...a.assignment(), ...b.assignment()].sort()).toEqual(["test-0", "test-1", "test-2", "test-3"]);
    // member-2's join came while member-1 synced its generation alone: that one never completed,
    // so both were first assigned in the same generation, and nothing was processed twice.
    const assigned = w.eventsOf("assigned");
    expect(assigned.length).toBe(2);
    expect(assigned[0]!.generation).toBe(assigned[1]!.generation);
    expect(w.redelivered()).toEqual([]);
  });

  it("a member joining triggers a rebalance: the first revokes everything, both are assigned in the next generation", () => {
    const w = groupWorld({ topics: { test: 4 } });
    const a = w.addMember("member-1");
    w.runFor(seconds(1));
    expect(a.assignment()).toEqual(["test-0", "test-1", "test-2", "test-3"]);
    expect(a.consumer().generation.generationId).toBe(1);
    const b = w.addMember("member-2");
    expect(w.runUntil(() => b.assignment().length > 0 && a.consumer().memberState === "stable", seconds(10))).toBe(true);
    expect(a.consumer().generation.generationId).toBe(2);
    expect(b.consumer().generation.generationId).toBe(2);
    // Range assignor over sorted member ids: member-1-1 takes partitions 0-1, member-2-2 takes 2-3.
    expect(a.assignment()).toEqual(["test-0", "test-1"]);
    expect(b.assignment()).toEqual(["test-2", "test-3"]);
    const revoked = w.eventsOf("revoked", "member-1");
    expect(revoked.map((e) => [e.generation, e.partitions.length])).toEqual([[1, 4]]);
    const assigned = w.eventsOf("assigned", "member-1");
    expect(assigned.map((e) => e.generation)).toEqual([1, 2]);
    // The rebalance ran from member-1's JoinGroup (after its revocation) to its SyncGroup answer.
    expect(assigned[1]!.startedAt).toBeGreaterThanOrEqual(revoked[0]!.at);
    expect(assigned[1]!.at).toBeGreaterThan(assigned[1]!.startedAt);
    // The leader got every member's subscription, the follower none.
    const joins = w.cluster.groupRequestsOf("kafka.join-group");
    expect(joins.every((j) => j.rebalanceTimeoutMicros === a.consumer().options.maxPollIntervalMicros)).toBe(true);
  });

  it("the leader runs the assignor the group agreed on (roundrobin) and sends every member its share", () => {
    const w = groupWorld({ topics: { test: 5 } });
    const consumer = { partitionAssignmentStrategy: "round-robin" };
    const a = w.addMember("member-1", { consumer });
    const b = w.addMember("member-2", { consumer });
    expect(w.runUntil(() => b.assignment().length > 0 && a.assignment().length > 0, seconds(10))).toBe(true);
    expect(a.assignment()).toEqual(["test-0", "test-2", "test-4"]);
    expect(b.assignment()).toEqual(["test-1", "test-3"]);
    const joins = w.cluster.groupRequestsOf("kafka.join-group");
    expect(joins.every((j) => j.protocols[0]!.name === "roundrobin")).toBe(true);
    const syncs = w.cluster.groupRequestsOf("kafka.sync-group");
    expect(syncs.filter((s) => s.assignments.length === 2).length).toBe(1);
  });

  it("heartbeats go every heartbeat.interval.ms, also while the application processes a long batch", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 10);
    w.addMember("member-1", {
      consumer: { heartbeatIntervalMicros: seconds(1), sessionTimeoutMicros: seconds(10), maxPollRecords: 10 },
      host: { processingMicrosPerRecord: seconds(2) },
    });
    w.runFor(seconds(21));
    const beats = w.cluster.requests.filter((r) => (r.request as { type: string }).type === "kafka.heartbeat").map((r) => r.atMicros);
    expect(beats.length).toBeGreaterThanOrEqual(18);
    const gaps = beats.slice(1).map((t, i) => t - beats[i]!);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(seconds(1) + millis(5));
    expect(w.processedIds()).toEqual(range(10)); // the batch took 20s; nobody else wanted the partition
  });

  it("REBALANCE_IN_PROGRESS on a heartbeat makes a stable member rejoin at its next poll", () => {
    const w = groupWorld({ topics: { test: 2 } });
    const a = w.addMember("member-1", { consumer: { heartbeatIntervalMicros: millis(500) } });
    w.runFor(seconds(1));
    expect(a.consumer().generation.generationId).toBe(1);
    w.cluster.on(requestOf("kafka.heartbeat"), { kind: "error", error: "REBALANCE_IN_PROGRESS" });
    // The fake answers the error without a rebalance: the rejoin makes generation 2.
    expect(w.runUntil(() => a.consumer().generation.generationId === 2 && a.consumer().memberState === "stable", seconds(5))).toBe(true);
    expect(w.eventsOf("revoked", "member-1").length).toBe(1);
    expect(a.assignment()).toEqual(["test-0", "test-1"]);
  });

  it("a member that stops polling past max.poll.interval.ms leaves the group; its partitions move and its records are processed again", () => {
    const w = groupWorld({ topics: { test: 2 } });
    w.fill("test", 20);
    const slow = w.addMember("member-1", {
      consumer: { maxPollIntervalMicros: seconds(5), maxPollRecords: 10, heartbeatIntervalMicros: millis(500), sessionTimeoutMicros: seconds(3) },
      host: { commitMode: "after-processing", processingMicrosPerRecord: seconds(1) },
    });
    w.runFor(millis(100));
    expect(slow.assignment().length).toBe(2);
    const fast = w.addMember("member-2", {
      consumer: { maxPollIntervalMicros: seconds(5), heartbeatIntervalMicros: millis(500), sessionTimeoutMicros: seconds(3) },
      host: { commitMode: "after-processing" },
    });
    w.runFor(seconds(20));
    const left = w.eventsOf("left", "member-1");
    expect(left[0]?.reason).toBe("consumer poll timeout has expired");
    expect(left[0]!.at).toBeGreaterThanOrEqual(seconds(5));
    expect(w.cluster.groupRequestsOf("kafka.leave-group").length).toBeGreaterThanOrEqual(1);
    // The slow member's commit after its 10-second batch found it out of the group.
    const failed = w.eventsOf("commit-failed", "member-1");
    expect(failed[0]?.error).toBe("NOT_IN_GROUP");
    // member-2 got the partitions and processed everything, including what member-1 processed.
    expect(fast.processed().sort((x, y) => x - y)).toEqual(range(20));
    expect(w.redelivered().length).toBeGreaterThanOrEqual(10);
  });

  it("close() sends LeaveGroup: the survivor takes every partition without waiting for the session timeout", () => {
    const w = groupWorld({ topics: { test: 4 } });
    const consumer = { sessionTimeoutMicros: seconds(45), heartbeatIntervalMicros: seconds(3) };
    const a = w.addMember("member-1", { consumer });
    const b = w.addMember("member-2", { consumer });
    expect(w.runUntil(() => a.assignment().length === 2 && b.assignment().length === 2, seconds(10))).toBe(true);
    const stoppedAt = w.sim.now;
    let closed = false;
    a.host().stop(() => (closed = true));
    expect(w.runUntil(() => closed && b.assignment().length === 4, seconds(10))).toBe(true);
    expect(w.sim.now - stoppedAt).toBeLessThan(seconds(4));
    expect(w.eventsOf("left", "member-1").map((e) => e.reason)).toEqual(["the consumer is being closed"]);
    expect(w.eventsOf("commit-ok", "member-1").some((e) => e.commit === "auto")).toBe(true);
  });

  it("a crashed member is removed after session.timeout.ms; the survivor gets its partitions", () => {
    const w = groupWorld({ topics: { test: 2 } });
    const consumer = { sessionTimeoutMicros: seconds(10), heartbeatIntervalMicros: seconds(1) };
    const a = w.addMember("member-1", { consumer });
    const b = w.addMember("member-2", { consumer });
    expect(w.runUntil(() => a.assignment().length === 1 && b.assignment().length === 1, seconds(10))).toBe(true);
    const crashAt = w.sim.now;
    w.sim.node("member-1").crash();
    expect(w.runUntil(() => b.assignment().length === 2, seconds(30))).toBe(true);
    expect(w.sim.now - crashAt).toBeGreaterThanOrEqual(seconds(9));
    expect(w.sim.now - crashAt).toBeLessThan(seconds(12));
    expect(w.cluster.groups.group(GROUP).members.size).toBe(1);
  });
});
