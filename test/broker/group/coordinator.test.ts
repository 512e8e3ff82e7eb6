import { describe, expect, it } from "vitest";
import { Simulation } from "../../../sim/index.ts";
import { GroupCoordinator } from "../../../src/broker/group/GroupCoordinator.ts";
import type { InternalRecord } from "../../../src/broker/group/offsetsLog.ts";
import type { KafkaError } from "../../../src/protocol/errors.ts";
import type { GroupRequest, GroupResponse, JoinGroupResponse, Subscription } from "../../../src/protocol/groups.ts";
import type { KafkaRecord } from "../../../src/protocol/records.ts";

/** A request without its correlation id, per kind (Omit over a union would keep only common keys). */
type Unsent<T> = T extends unknown ? Omit<T, "correlationId"> : never;

const SESSION = 10_000_000;
const REBALANCE = 30_000_000;
const subscription: Subscription = { topics: ["orders"], ownedPartitions: [], generation: -1 };

/** A coordinator on one node whose offsets partition appends succeed after 1 ms (or fail when told). */
function harness() {
  const sim = new Simulation({ seed: "group" });
  const node = sim.addNode("broker-1", () => ({ start() {}, receive() {} }));
  sim.run();
  const log: KafkaRecord[] = [];
  const responses: { to: string; r: GroupResponse }[] = [];
  let failAppends: KafkaError = "NONE";
  const coordinator = new GroupCoordinator({
    ctx: node.context,
    options: { offsetsTopicPartitions: 1, initialRebalanceDelayMicros: 0, minSessionTimeoutMicros: 1_000, maxSessionTimeoutMicros: 60_000_000 },
    appendToOffsetsPartition: (_p, records: readonly InternalRecord[], done) => {
      node.context.setTimer(1_000, "append", () => {
        if (failAppends === "NONE") for (const r of records) log.push({ key: r.key, valueId: 0, sizeBytes: r.sizeBytes, createdAtMicros: 0, payload: r.payload });
        done(failAppends);
      });
    },
    readOffsetsPartition: () => log,
    respond: (to, r) => responses.push({ to, r }),
  });
  coordinator.onElection(0);
  let correlation = 0;
  const send = (from: string, request: Unsent<GroupRequest>) => coordinator.handle(from, { ...request, correlationId: ++correlation } as GroupRequest);
  const join = (from: string, memberId = "") =>
    send(from, { type: "kafka.join-group", groupId: "g", memberId, sessionTimeoutMicros: SESSION, rebalanceTimeoutMicros: REBALANCE, protocols: [{ name: "range", subscription }] });
  const last = <T extends GroupResponse>(to: string, type: T["type"]) => responses.filter((x) => x.to === to && x.r.type === type).at(-1)?.r as T | undefined;
  return { sim, coordinator, responses, log, send, join, last, failWith: (e: KafkaError) => (failAppends = e) };
}

describe("group coordinator: membership", () => {
  it("two members join one generation and the first is its leader with the membership", () => {
    const h = harness();
    h.join("c1");
    h.join("c2");
    h.sim.run({ untilMicros: 100_000 });
    const r1 = h.last<JoinGroupResponse>("c1", "kafka.join-group.response")!;
    const r2 = h.last<JoinGroupResponse>("c2", "kafka.join-group.response")!;
    expect(r1.error).toBe("NONE");
    expect(r1.generationId).toBe(1);
    expect(r2.generationId).toBe(1);
    expect(r1.leader).toBe(r1.memberId);
    expect(r1.members.map((m) => m.memberId).sort()).toEqual([r1.memberId, r2.memberId].sort());
    expect(r2.members).toEqual([]);
  });

  it("SyncGroup hands out the leader's assignment once it is stored, and the group is stable", () => {
    const h = harness();
    h.join("c1");
    h.join("c2");
    h.sim.run({ untilMicros: 100_000 });
    const leader = h.last<JoinGroupResponse>("c1", "kafka.join-group.response")!;
    const other = h.last<JoinGroupResponse>("c2", "kafka.join-group.response")!;
    h.send("c2", { type: "kafka.sync-group", groupId: "g", generationId: 1, memberId: other.memberId, assignments: [] });
    h.send("c1", {
      type: "kafka.sync-group",
      groupId: "g",
      generationId: 1,
      memberId: leader.memberId,
      assignments: [
        { memberId: leader.memberId, partitions: [{ topic: "orders", partition: 0 }] },
        { memberId: other.memberId, partitions: [{ topic: "orders", partition: 1 }] },
      ],
    });
    expect(h.responses.filter((x) => x.r.type === "kafka.sync-group.response")).toEqual([]); // not before the append
    h.sim.run({ untilMicros: 200_000 });
    expect(h.last("c2", "kafka.sync-group.response")).toMatchObject({ error: "NONE", partitions: [{ topic: "orders", partition: 1 }] });
    expect(h.coordinator.group("g")!.state).toBe("Stable");
    expect(h.log.some((r) => r.key === "group:g")).toBe(true);
  });

  it("a member that stops heartbeating is removed after its session timeout and the group rebalances", () => {
    const h = harness();
    h.join("c1");
    h.sim.run({ untilMicros: 100_000 });
    const r1 = h.last<JoinGroupResponse>("c1", "kafka.join-group.response")!;
    h.send("c1", { type: "kafka.sync-group", groupId: "g", generationId: 1, memberId: r1.memberId, assignments: [{ memberId: r1.memberId, partitions: [] }] });
    h.sim.run({ untilMicros: SESSION + 200_000 });
    const g = h.coordinator.group("g")!;
    expect(g.members.size).toBe(0);
    expect(g.state).toBe("Empty");
    expect(g.generationId).toBe(2);
  });

  it("heartbeats answer REBALANCE_IN_PROGRESS while a rebalance waits for members to rejoin", () => {
    const h = harness();
    h.join("c1");
    h.sim.run({ untilMicros: 100_000 });
    const r1 = h.last<JoinGroupResponse>("c1", "kafka.join-group.response")!;
    h.send("c1", { type: "kafka.sync-group", groupId: "g", generationId: 1, memberId: r1.memberId, assignments: [] });
    h.sim.run({ untilMicros: 200_000 });
    h.join("c2"); // a newcomer starts a rebalance
    h.send("c1", { type: "kafka.heartbeat", groupId: "g", generationId: 1, memberId: r1.memberId });
    expect(h.last("c1", "kafka.heartbeat.response")).toMatchObject({ error: "REBALANCE_IN_PROGRESS" });
    h.join("c1", r1.memberId);
    h.sim.run({ untilMicros: 300_000 });
    expect(h.last<JoinGroupResponse>("c1", "kafka.join-group.response")!.generationId).toBe(2);
  });
});

describe("group coordinator: offsets", () => {
  it("a commit from a stale generation fails with ILLEGAL_GENERATION and stores nothing", () => {
    const h = harness();
    h.join("c1");
    h.sim.run({ untilMicros: 100_000 });
    const r1 = h.last<JoinGroupResponse>("c1", "kafka.join-group.response")!;
    h.send("c1", { type: "kafka.sync-group", groupId: "g", generationId: 1, memberId: r1.memberId, assignments: [] });
    h.sim.run({ untilMicros: 200_000 });
    h.send("c1", { type: "kafka.offset-commit", groupId: "g", generationId: 0, memberId: r1.memberId, offsets: [{ topic: "orders", partition: 0, offset: 7 }] });
    expect(h.last("c1", "kafka.offset-commit.response")).toMatchObject({ partitions: [{ error: "ILLEGAL_GENERATION" }] });
    h.send("c1", { type: "kafka.offset-fetch", groupId: "g", partitions: [{ topic: "orders", partition: 0 }] });
    expect(h.last("c1", "kafka.offset-fetch.response")).toMatchObject({ partitions: [{ offset: -1 }] });
  });

  it("a committed offset is answered once stored and survives a coordinator move (reload from the log)", () => {
    const h = harness();
    h.send("c1", { type: "kafka.offset-commit", groupId: "g", generationId: -1, memberId: "", offsets: [{ topic: "orders", partition: 0, offset: 42 }] });
    h.sim.run({ untilMicros: 100_000 });
    expect(h.last("c1", "kafka.offset-commit.response")).toMatchObject({ partitions: [{ error: "NONE" }] });
    h.coordinator.onResignation(0);
    h.send("c1", { type: "kafka.offset-fetch", groupId: "g", partitions: [{ topic: "orders", partition: 0 }] });
    expect(h.last("c1", "kafka.offset-fetch.response")).toMatchObject({ error: "NOT_COORDINATOR" });
    h.coordinator.onElection(0);
    h.send("c1", { type: "kafka.offset-fetch", groupId: "g", partitions: [{ topic: "orders", partition: 0 }] });
    expect(h.last("c1", "kafka.offset-fetch.response")).toMatchObject({ error: "NONE", partitions: [{ offset: 42 }] });
  });

  it("a commit whose append fails for lack of replicas answers COORDINATOR_NOT_AVAILABLE", () => {
    const h = harness();
    h.failWith("NOT_ENOUGH_REPLICAS");
    h.send("c1", { type: "kafka.offset-commit", groupId: "g", generationId: -1, memberId: "", offsets: [{ topic: "orders", partition: 0, offset: 1 }] });
    h.sim.run({ untilMicros: 100_000 });
    expect(h.last("c1", "kafka.offset-commit.response")).toMatchObject({ partitions: [{ error: "COORDINATOR_NOT_AVAILABLE" }] });
  });
});
