import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../sim/index.ts";
import { KafkaConsumer } from "../../src/client/consumer/KafkaConsumer.ts";
import type { ConsumedRecord } from "../../src/client/consumer/Fetcher.ts";
import { GroupConsumerConfigError } from "../../src/client/consumer/group/GroupConsumerOptions.ts";
import { FakePartition } from "./fakeBroker.ts";
import { GROUP, groupWorld, range } from "./groupHarness.ts";

describe("group consumer: poll", () => {
  it("poll returns at most max.poll.records; the position moves past what poll returned, not past what was fetched", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 25);
    const a = w.addMember("member-1", {
      consumer: { maxPollRecords: 10 },
      host: { commitMode: "after-processing", processingMicrosPerRecord: millis(10) },
    });
    expect(w.runUntil(() => w.eventsOf("polled").length === 1, seconds(1))).toBe(true);
    expect(w.eventsOf("polled")[0]!.count).toBe(10);
    expect(a.consumer().position({ topic: "test", partition: 0 })).toBe(10);
    expect(w.runUntil(() => a.processed().length === 25, seconds(2))).toBe(true);
    expect(w.eventsOf("polled").map((e) => e.count)).toEqual([10, 10, 5]);
    // The whole log came in one fetch; the next fetches waited for the buffer to empty.
    expect(a.processed()).toEqual(range(25));
    expect(w.cluster.groups.group(GROUP).committed("test", 0)).toBe(25);
  });

  it("fetches go out only from poll(): a member busy processing does not fetch, except the one request sent as poll() returns", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 5);
    const a = w.addMember("member-1", { consumer: { fetchMaxWaitMicros: millis(100) }, host: { processingMicrosPerRecord: seconds(2) } });
    w.runFor(seconds(1));
    const fetchesAfterFirstPoll = a.consumer().groupStats.fetches;
    w.runFor(seconds(8)); // processing the five records takes 10 seconds
    expect(a.consumer().groupStats.fetches).toBe(fetchesAfterFirstPoll);
    expect(fetchesAfterFirstPoll).toBeLessThanOrEqual(3);
  });

  it("auto.offset.reset=none: a partition with no committed offset stops, and the observer hears why", () => {
    const w = groupWorld({ topics: { test: 2 } });
    w.cluster.groups.group(GROUP).offsets.set("test-1", 0);
    w.cluster.partition("test", 1).appendDirect([5]);
    const a = w.addMember("member-1", { consumer: { autoOffsetReset: "none" } });
    w.runFor(seconds(1));
    expect(w.eventsOf("stopped").map((e) => [e.tp, e.reason])).toEqual([["test-0", "NO_OFFSET"]]);
    expect(a.processed()).toEqual([5]);
  });

  it("a subscription change makes the member rejoin with its new topics", () => {
    const w = groupWorld({ topics: { test: 1, other: 2 } });
    const a = w.addMember("member-1");
    w.runFor(seconds(1));
    expect(a.assignment()).toEqual(["test-0"]);
    a.consumer().subscribe(["test", "other"]);
    expect(w.runUntil(() => a.assignment().length === 3, seconds(5))).toBe(true);
    expect(a.consumer().generation.generationId).toBe(2);
  });

  it("the leader rejoins when a subscribed topic's partition count grows", () => {
    const w = groupWorld({ topics: { test: 2 } });
    const a = w.addMember("member-1", { consumer: { metadataMaxAgeMicros: seconds(5) } });
    w.runFor(seconds(1));
    expect(a.assignment().length).toBe(2);
    w.cluster.partitions.get("test")!.push(new FakePartition("test", 2, 1));
    expect(w.runUntil(() => a.assignment().length === 3, seconds(10))).toBe(true);
    expect(a.consumer().generation.generationId).toBe(2);
  });

  it("options are checked as Kafka checks them: heartbeat.interval.ms below session.timeout.ms, a group id", () => {
    const w = groupWorld();
    w.sim.addNode("probe", (ctx) => {
      expect(() => new KafkaConsumer(ctx, { groupId: GROUP, heartbeatIntervalMicros: seconds(10), sessionTimeoutMicros: seconds(10) })).toThrow(GroupConsumerConfigError);
      expect(() => new KafkaConsumer(ctx, { groupId: "" })).toThrow(GroupConsumerConfigError);
      return { start() {}, receive() {} };
    });
    w.runFor(1);
  });

  it("a consumer hosted by hand: poll(), then commitSync() of the positions", () => {
    const w = groupWorld({ topics: { test: 1 } });
    w.fill("test", 3);
    let consumer: KafkaConsumer | null = null;
    const got: ConsumedRecord[] = [];
    let committed = false;
    w.sim.addNode("app", (ctx) => {
      const c = new KafkaConsumer(ctx, { groupId: GROUP, bootstrapBrokers: [1], autoOffsetReset: "earliest", enableAutoCommit: false });
      consumer = c;
      return {
        start() {
          c.subscribe(["test"]);
          const loop = () => c.poll(seconds(1), (records) => {
            got.push(...records);
            if (records.length === 0) return loop();
            c.commitSync((r) => {
              committed = r.ok;
              loop();
            });
          });
          loop();
        },
        receive(from, message) {
          if (c.handles(from, message)) c.receive(from, message);
        },
        connectionReset: (peer) => c.connectionReset(peer),
      };
    });
    expect(w.runUntil(() => committed, seconds(2))).toBe(true);
    expect(got.map((r) => r.record.valueId)).toEqual([0, 1, 2]);
    expect(consumer!.committed({ topic: "test", partition: 0 })).toBe(3);
    expect(w.cluster.groups.group(GROUP).committed("test", 0)).toBe(3);
  });
});

describe("group consumer: determinism and quiet waiting", () => {
  function run(seed: string) {
    const w = groupWorld({ seed, brokers: 2, topics: { test: 4 } });
    w.fill("test", 200);
    const host = { commitMode: "after-processing" as const, processingMicrosPerRecord: millis(3) };
    const consumer = { maxPollRecords: 20, sessionTimeoutMicros: seconds(6), heartbeatIntervalMicros: seconds(1) };
    w.addMember("member-1", { consumer, host });
    w.addMember("member-2", { consumer, host, startAtMicros: millis(300) });
    w.addMember("member-3", { consumer, host, startAtMicros: millis(700) });
    w.sim.scheduleAt(millis(900), w.sim.label("test.crash"), () => w.sim.node("member-2").crash());
    w.runFor(seconds(20));
    return { fingerprint: w.sim.fingerprint.toString(), processed: w.processedIds(), redelivered: w.redelivered() };
  }

  it("the same seed gives the same fingerprint and the same processing, record by record", () => {
    const a = run("group-det-1");
    expect(run("group-det-1")).toEqual(a);
    expect(new Set(a.processed)).toEqual(new Set(range(200)));
    expect(run("group-det-2").fingerprint).not.toBe(a.fingerprint);
  });

  it("an idle group costs a few events per heartbeat and poll timeout", () => {
    const w = groupWorld({ topics: { test: 2 } });
    w.addMember("member-1");
    w.addMember("member-2");
    w.runFor(seconds(5));
    const before = w.sim.eventsFired;
    w.runFor(seconds(60));
    // Per member: a heartbeat every 3 s, a poll timeout every second, a long-poll fetch every 500 ms, auto-commits every 5 s.
    expect(w.sim.eventsFired - before).toBeLessThan(2 * 60 * 20);
  });
});
