import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { requestOf } from "./fakeGroupCoordinator.ts";
import { GROUP, groupWorld, range } from "./groupHarness.ts";

const committedOf = (w: ReturnType<typeof groupWorld>, partition: number) => w.cluster.groups.group(GROUP).committed("test", partition);

describe("group consumer: offset commits", () => {
  it("auto-commit commits, every auto.commit.interval.ms, the position of records earlier polls returned: never past what was processed", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 60);
    w.addMember("member-1", {
      consumer: { autoCommitIntervalMicros: seconds(1), maxPollRecords: 5 },
      host: { commitMode: "auto", processingMicrosPerRecord: millis(100) },
    });
    expect(w.runUntil(() => w.processedIds().length === 60, seconds(30))).toBe(true);
    w.runFor(seconds(3));
    const autos = w.eventsOf("commit-ok").filter((e) => e.commit === "auto" && e.offsets.length > 0);
    expect(autos.length).toBeGreaterThanOrEqual(5);
    for (const c of autos) {
      const processedBefore = w.eventsOf("processed").filter((e) => e.at <= c.at).length;
      expect(c.offsets[0]!.offset).toBeLessThanOrEqual(processedBefore);
    }
    // Commits go out from poll(), at least an interval apart.
    const sent = w.cluster.groupRequestsOf("kafka.offset-commit").length;
    expect(sent).toBe(autos.length + w.eventsOf("commit-ok").filter((e) => e.offsets.length === 0).length);
    const times = w.cluster.requests.filter((r) => (r.request as { type: string }).type === "kafka.offset-commit").map((r) => r.atMicros);
    expect(times.slice(1).every((t, i) => t - times[i]! >= seconds(1) - millis(5))).toBe(true);
    expect(committedOf(w, 0)).toBe(60);
  });

  it("before a rebalance the revoking member auto-commits what it consumed, so the new owner redelivers nothing", () => {
    const w = groupWorld({ topics: { test: 2 } });
    w.fill("test", 40);
    const a = w.addMember("member-1", { consumer: { autoCommitIntervalMicros: seconds(60) }, host: { processingMicrosPerRecord: millis(10) } });
    expect(w.runUntil(() => w.processedIds().length === 40, seconds(10))).toBe(true);
    expect(w.eventsOf("commit-ok").filter((e) => e.offsets.length > 0)).toEqual([]); // the interval is long
    const b = w.addMember("member-2", { consumer: { autoCommitIntervalMicros: seconds(60) } });
    expect(w.runUntil(() => a.assignment().length === 1 && b.assignment().length === 1, seconds(20))).toBe(true);
    const prepare = w.eventsOf("commit-ok", "member-1")[0]!;
    expect(prepare.commit).toBe("auto");
    expect(prepare.offsets.map((o) => o.offset)).toEqual([20, 20]);
    expect(prepare.at).toBeLessThanOrEqual(w.eventsOf("revoked", "member-1")[0]!.at);
    w.fill("test", 20, 40);
    expect(w.runUntil(() => w.processedIds().length >= 60, seconds(20))).toBe(true);
    w.runFor(seconds(1));
    expect(w.redelivered()).toEqual([]);
    expect(w.processedIds().sort((x, y) => x - y)).toEqual(range(60));
    expect(b.processed().length).toBe(10);
  });

  it("a commit from a stale generation fails: a member paused past its session is a zombie whose work happens and whose commit is rejected", () => {
    const w = groupWorld({ topics: { test: 1 } });
    const consumer = { sessionTimeoutMicros: seconds(6), heartbeatIntervalMicros: seconds(1), maxPollRecords: 10 };
    const zombie = w.addMember("member-1", { consumer, host: { commitMode: "after-processing", processingMicrosPerRecord: millis(100) } });
    w.runFor(seconds(1));
    expect(zombie.assignment()).toEqual(["test-0"]);
    const heir = w.addMember("member-2", { consumer, host: { commitMode: "after-processing" } });
    w.runFor(seconds(2));
    // One partition: the range assignor keeps it with member-1 (the first member id).
    expect(zombie.assignment()).toEqual(["test-0"]);
    expect(heir.assignment()).toEqual([]);
    w.fill("test", 10);
    // Half way through its batch of ten, member-1 freezes (a long GC pause) for longer than its session.
    expect(w.runUntil(() => zombie.processed().length === 5, seconds(2))).toBe(true);
    w.sim.node("member-1").pause();
    expect(w.runUntil(() => heir.processed().length === 10, seconds(14))).toBe(true);
    expect(w.cluster.groups.group(GROUP).members.has(zombie.consumer().generation.memberId)).toBe(false);
    w.sim.node("member-1").resume();
    w.runFor(seconds(5));
    // The zombie finished its batch after the resume; its commit carried the old generation.
    expect(zombie.processed().sort((x, y) => x - y)).toEqual(range(10));
    const failed = w.eventsOf("commit-failed", "member-1");
    // After the resume its heartbeat went first: the session had expired, so it found itself
    // out of the group (UNKNOWN_MEMBER_ID) and the commit failed without being sent.
    expect(failed.map((e) => e.error)).toEqual(["NOT_IN_GROUP"]);
    expect(w.redelivered()).toEqual(range(10));
    // What the coordinator stored came from the heir's generation only.
    expect(committedOf(w, 0)).toBe(10);
    const generations = new Set(w.cluster.groups.commits.filter((c) => c.offsets.length > 0).map((c) => c.memberId));
    expect([...generations].every((m) => m.startsWith("member-2"))).toBe(true);
  });

  it("a zombie whose commit goes out before its heartbeat notices: the coordinator rejects it (UNKNOWN_MEMBER_ID)", () => {
    const w = groupWorld({ topics: { test: 1 } });
    const consumer = { sessionTimeoutMicros: seconds(6), heartbeatIntervalMicros: seconds(3), maxPollRecords: 10 };
    const zombie = w.addMember("member-1", { consumer, host: { commitMode: "after-processing", processingMicrosPerRecord: millis(50) } });
    const heir = w.addMember("member-2", { consumer, host: { commitMode: "after-processing" }, startAtMicros: seconds(1) });
    expect(w.runUntil(() => heir.running() && heir.consumer().memberState === "stable" && zombie.consumer().memberState === "stable", seconds(10))).toBe(true);
    w.fill("test", 10);
    expect(w.runUntil(() => zombie.processed().length === 9, seconds(2))).toBe(true);
    w.sim.node("member-1").pause(); // the last record's timer is due before the next heartbeat
    expect(w.runUntil(() => heir.processed().length === 10, seconds(20))).toBe(true);
    w.sim.node("member-1").resume();
    w.runFor(seconds(5));
    expect(zombie.processed()).toEqual(range(10));
    const failed = w.eventsOf("commit-failed", "member-1");
    expect(failed.map((e) => [e.error, e.offsets[0]!.offset])).toEqual([["UNKNOWN_MEMBER_ID", 10]]);
    expect(w.cluster.groups.rejectedCommits.map((c) => c.error)).toEqual(["UNKNOWN_MEMBER_ID"]);
    expect(w.redelivered()).toEqual(range(10));
    // The zombie rejoins as a new member afterwards.
    expect(zombie.consumer().memberState).toBe("stable");
  });

  it("commitSync retries retriable coordinator errors and lost answers, then succeeds", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 5);
    w.cluster.on(requestOf("kafka.offset-commit"), { kind: "error", error: "COORDINATOR_LOAD_IN_PROGRESS" }, 2);
    w.cluster.on(requestOf("kafka.offset-commit"), { kind: "error", error: "NOT_COORDINATOR" }, 1);
    w.addMember("member-1", { consumer: { requestTimeoutMicros: seconds(2) }, host: { commitMode: "after-processing" } });
    expect(w.runUntil(() => committedOf(w, 0) === 5, seconds(10))).toBe(true);
    expect(w.cluster.groupRequestsOf("kafka.offset-commit").length).toBe(4);
    expect(w.eventsOf("commit-failed")).toEqual([]);
    // NOT_COORDINATOR made the member look the coordinator up again.
    expect(w.cluster.groupRequestsOf("kafka.find-coordinator").length).toBe(2);
  });

  it("a commit failing with ILLEGAL_GENERATION is reported and the member rejoins", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 5);
    w.cluster.on(requestOf("kafka.offset-commit"), { kind: "error", error: "ILLEGAL_GENERATION" }, 1);
    const a = w.addMember("member-1", { host: { commitMode: "after-processing" } });
    expect(w.runUntil(() => w.eventsOf("commit-failed").length === 1, seconds(5))).toBe(true);
    expect(w.eventsOf("commit-failed")[0]!.error).toBe("ILLEGAL_GENERATION");
    expect(w.runUntil(() => a.consumer().generation.generationId === 2 && a.consumer().memberState === "stable", seconds(5))).toBe(true);
    // Nothing was committed: the rejoined member starts again from the beginning.
    expect(w.runUntil(() => committedOf(w, 0) === 5, seconds(5))).toBe(true);
    expect(w.redelivered()).toEqual(range(5));
  });

  it("a consumer restarted without committing re-reads from the committed offset: redelivery", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 30);
    const a = w.addMember("member-1", {
      consumer: { maxPollRecords: 10, sessionTimeoutMicros: seconds(10) },
      host: { commitMode: "after-processing", processingMicrosPerRecord: millis(100) },
    });
    // The first batch (0-9) is processed and committed; the second is cut short at its 5th record.
    expect(w.runUntil(() => a.processed().length === 15, seconds(10))).toBe(true);
    expect(committedOf(w, 0)).toBe(10);
    w.sim.node("member-1").crash();
    w.sim.node("member-1").restart();
    expect(w.runUntil(() => committedOf(w, 0) === 30, seconds(30))).toBe(true);
    expect(w.redelivered()).toEqual(range(5, 10));
    expect(w.processedIds().slice(15, 20)).toEqual(range(5, 10));
  });

  it("commit-before-processing: the same crash loses the rest of the batch", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 30);
    const a = w.addMember("member-1", {
      consumer: { maxPollRecords: 10, sessionTimeoutMicros: seconds(10) },
      host: { commitMode: "before-processing", processingMicrosPerRecord: millis(100) },
    });
    expect(w.runUntil(() => a.processed().length === 15, seconds(10))).toBe(true);
    expect(committedOf(w, 0)).toBe(20);
    w.sim.node("member-1").crash();
    w.sim.node("member-1").restart();
    expect(w.runUntil(() => committedOf(w, 0) === 30 && w.processedIds().length >= 25, seconds(30))).toBe(true);
    w.runFor(seconds(2));
    const processed = new Set(w.processedIds());
    expect(range(30).filter((id) => !processed.has(id))).toEqual(range(5, 15));
    expect(w.redelivered()).toEqual([]);
  });

  it("commitOnRevoke: a manually committing member commits its positions in onPartitionsRevoked before it rejoins", () => {
    const w = groupWorld({ topics: { test: 2 } });
    w.fill("test", 10);
    // A commit that fails leaves the positions uncommitted until the revocation commits them.
    w.cluster.on(requestOf("kafka.offset-commit"), { kind: "error", error: "UNKNOWN_TOPIC_OR_PARTITION" }, Infinity);
    const a = w.addMember("member-1", {
      consumer: { defaultApiTimeoutMicros: millis(300) },
      host: { commitMode: "after-processing", commitOnRevoke: true },
    });
    expect(w.runUntil(() => a.processed().length === 10, seconds(2))).toBe(true);
    expect(w.runUntil(() => w.eventsOf("commit-failed", "member-1").length > 0, seconds(2))).toBe(true);
    expect(w.eventsOf("commit-failed", "member-1")[0]!.error).toBe("TIMEOUT");
    w.cluster.rules.length = 0;
    w.addMember("member-2", { host: { commitMode: "after-processing" } });
    expect(w.runUntil(() => w.eventsOf("revoked", "member-1").length === 1, seconds(5))).toBe(true);
    const revokedAt = w.eventsOf("revoked", "member-1")[0]!.at;
    const commit = w.eventsOf("commit-ok", "member-1").find((e) => e.at >= revokedAt)!;
    expect(commit.offsets.map((o) => o.offset)).toEqual([5, 5]);
    w.runFor(seconds(2));
    expect(w.redelivered()).toEqual([]);
  });

  it("a new member starts at the committed offsets; a partition without one takes auto.offset.reset", () => {
    const w = groupWorld({ topics: { test: 2 } });
    for (let i = 0; i < 10; i++) w.cluster.partition("test", 0).appendDirect([i]);
    for (let i = 0; i < 10; i++) w.cluster.partition("test", 1).appendDirect([100 + i]);
    w.cluster.groups.group(GROUP).offsets.set("test-0", 7);
    const a = w.addMember("member-1", { consumer: { autoOffsetReset: "latest" } });
    w.runFor(seconds(1));
    expect(a.processed()).toEqual([7, 8, 9]);
    expect(a.consumer().position({ topic: "test", partition: 1 })).toBe(10);
    w.cluster.partition("test", 1).appendDirect([110]);
    w.runFor(seconds(2));
    expect(a.processed()).toEqual([7, 8, 9, 110]);
    const fetches = w.cluster.groupRequestsOf("kafka.offset-fetch");
    expect(fetches.length).toBe(1);
    expect(w.cluster.requestsOf("kafka.list-offsets").flatMap((r) => r.partitions.map((p) => p.partition))).toEqual([1]);
  });
});
