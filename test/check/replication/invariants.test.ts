import { describe, expect, it } from "vitest";
import { ReplicationChecker } from "../../../src/check/replication/index.ts";
import { ViolationSink } from "../../../src/check/Violation.ts";
import { broker, FakeCluster, FakeLog, replica, T } from "./fakes.ts";

function setup(o: { assignment?: number[][] } = {}) {
  const sink = new ViolationSink();
  const cluster = new FakeCluster();
  const checker = new ReplicationChecker(sink, {
    logOf: cluster.logOf,
    assignment: o.assignment ? new Map([[T, o.assignment]]) : undefined,
  });
  return { sink, cluster, checker };
}

const names = (sink: ViolationSink) => sink.list().map((v) => v.invariant);

describe("replication checker: one leader per epoch", () => {
  it("two brokers becoming leader of one partition in the same epoch is a violation", () => {
    const { sink, checker } = setup();
    checker.becameLeader(1, T, 0, 1, 100);
    checker.becameLeader(2, T, 0, 2, 200);
    checker.becameLeader(3, T, 0, 2, 300);
    expect(names(sink)).toEqual(["one-leader-per-epoch"]);
    const [v] = sink.list();
    expect(v!.count).toBe(1);
    expect(v!.examples[0]).toMatchObject({ atMicros: 300, topic: T, partition: 0 });
    expect(v!.examples[0]!.detail).toContain("brokers 2 and 3");
    expect(v!.examples[0]!.detail).toContain("epoch 2");
  });

  it("a new epoch per election, the same broker again after a restart, and other partitions are all fine", () => {
    const { sink, checker } = setup();
    checker.becameLeader(1, T, 0, 1, 100);
    checker.becameLeader(1, T, 0, 1, 150); // the same broker, restarted, told again
    checker.becameLeader(2, T, 0, 2, 200);
    checker.becameLeader(3, T, 1, 2, 200); // epoch 2 of another partition
    checker.becameLeader(3, "payments", 0, 2, 200);
    expect(sink.list()).toEqual([]);
    expect(checker.leadersByEpoch(T, 0)).toEqual([[1, 1], [2, 2]]);
  });
});

describe("replication checker: the ISR", () => {
  it("a leader that applies an ISR without itself violates leader-in-isr", () => {
    const { sink, checker } = setup();
    checker.becameLeader(1, T, 0, 1, 0);
    checker.isrChanged(1, T, 0, [1, 2], 10);
    checker.isrChanged(1, T, 0, [2, 3], 20);
    checker.isrChanged(1, T, 0, [], 30);
    expect(names(sink)).toEqual(["leader-in-isr"]);
    expect(sink.count("leader-in-isr")).toBe(2);
    expect(sink.list()[0]!.examples[0]!.detail).toContain("leader 1 of orders-0 is not in its ISR [2, 3]");
  });

  it("an ISR member outside the assignment violates isr-within-replicas; shrinking and growing within it does not", () => {
    const { sink, checker } = setup({ assignment: [[1, 2, 3], [2, 3, 4]] });
    checker.isrChanged(1, T, 0, [1, 2, 3], 10);
    checker.isrChanged(1, T, 0, [1], 20);
    checker.isrChanged(2, T, 1, [2, 3, 4], 20);
    expect(sink.list()).toEqual([]);
    checker.isrChanged(1, T, 0, [1, 4], 30);
    expect(names(sink)).toEqual(["isr-within-replicas"]);
    expect(sink.list()[0]!.examples[0]).toMatchObject({ atMicros: 30, partition: 0 });
    expect(sink.list()[0]!.examples[0]!.detail).toContain("with 4, not an assigned replica of [1, 2, 3]");
  });

  it("with a state lookup, the ISR a new leader starts from is checked too, and its replica list stands in for the assignment", () => {
    const sink = new ViolationSink();
    const states = new Map([
      [1, { isr: [1, 2], replicas: [1, 2, 3] }],
      [2, { isr: [3], replicas: [1, 2, 3] }], // the controller elected 2 but left it out of the ISR
      [3, { isr: [3, 5], replicas: [1, 2, 3] }],
    ]);
    const checker = new ReplicationChecker(sink, { stateOf: (b) => states.get(b) });
    checker.becameLeader(1, T, 0, 1, 10);
    expect(sink.list()).toEqual([]);
    checker.becameLeader(2, T, 0, 2, 20);
    checker.becameLeader(3, T, 0, 3, 30);
    expect(names(sink)).toEqual(["isr-within-replicas", "leader-in-isr"]);
  });
});

describe("replication checker: the high watermark", () => {
  it("a leader whose announced high watermark goes back within its tenure violates hw-monotonic", () => {
    const { sink, checker } = setup();
    checker.becameLeader(1, T, 0, 1, 0);
    checker.highWatermarkChanged(1, T, 0, 5, 10);
    checker.highWatermarkChanged(1, T, 0, 9, 20);
    checker.highWatermarkChanged(1, T, 0, 7, 30);
    expect(names(sink)).toEqual(["hw-monotonic"]);
    expect(sink.list()[0]!.examples[0]).toMatchObject({ atMicros: 30, offset: 7 });
    expect(sink.list()[0]!.examples[0]!.detail).toContain("from 9 to 7");
  });

  it("a new leader may start below its predecessor's high watermark (Kafka's lagging HW) without a violation", () => {
    const { sink, checker } = setup();
    checker.becameLeader(1, T, 0, 1, 0);
    checker.highWatermarkChanged(1, T, 0, 9, 10);
    checker.becameLeader(2, T, 0, 2, 20);
    checker.highWatermarkChanged(2, T, 0, 7, 30);
    checker.highWatermarkChanged(2, T, 0, 12, 40);
    // The same broker leading again starts a new tenure.
    checker.becameLeader(1, T, 0, 3, 50);
    checker.highWatermarkChanged(1, T, 0, 11, 60);
    expect(sink.list()).toEqual([]);
  });
});

describe("replication checker: leader completeness", () => {
  it("records what the leader's HW passes, and a clean successor that has it all is silent", () => {
    const { sink, cluster, checker } = setup();
    const l1 = cluster.set(1, new FakeLog([100, 101, 102, 103, 104]));
    cluster.set(2, new FakeLog([100, 101, 102, 103]));
    checker.becameLeader(1, T, 0, 1, 0);
    l1.highWatermark = 2;
    checker.highWatermarkChanged(1, T, 0, 2, 10);
    l1.highWatermark = 4;
    checker.highWatermarkChanged(1, T, 0, 4, 20);
    expect(checker.committedEnd(T, 0)).toBe(4);
    expect([0, 1, 2, 3, 4].map((o) => checker.committedValue(T, 0, o))).toEqual([100, 101, 102, 103, undefined]);
    checker.becameLeader(2, T, 0, 2, 30); // has offsets 0..3: everything committed
    expect(sink.list()).toEqual([]);
  });

  it("an unclean leader without the committed tail, or with other values at committed offsets, is reported per record", () => {
    const { sink, cluster, checker } = setup();
    const l1 = cluster.set(1, new FakeLog([100, 101, 102, 103, 104], 5));
    cluster.set(2, new FakeLog([100, 101, 900])); // diverged at 2, ends at 3
    checker.becameLeader(1, T, 0, 1, 0);
    checker.highWatermarkChanged(1, T, 0, 5, 10);
    void l1;
    checker.becameLeader(2, T, 0, 2, 20);
    expect(names(sink)).toEqual(["leader-completeness"]);
    expect(sink.count("leader-completeness")).toBe(3); // offsets 2 (other value), 3 and 4 (missing)
    const ex = sink.list()[0]!.examples;
    expect(ex.map((e) => [e.offset, e.valueId])).toEqual([[2, 102], [3, 103], [4, 104]]);
    expect(ex[0]!.detail).toContain("has value 900");
    expect(ex[1]!.detail).toContain("has nothing");
    // The committed history restarts where the new leader diverged: its own commits are
    // recorded, and a later leader is checked against them, not against the lost records.
    expect(checker.committedEnd(T, 0)).toBe(2);
    const l2 = cluster.get(2)!.append(201, 202);
    l2.highWatermark = 5;
    checker.highWatermarkChanged(2, T, 0, 5, 30);
    expect([2, 3, 4].map((o) => checker.committedValue(T, 0, o))).toEqual([900, 201, 202]);
    cluster.set(3, new FakeLog([100, 101, 900, 201, 202, 203]));
    checker.becameLeader(3, T, 0, 3, 40);
    expect(sink.count("leader-completeness")).toBe(3);
  });

  it("a zombie leader's HW (an older epoch) commits nothing; a stale election does not reset the history", () => {
    const { sink, cluster, checker } = setup();
    cluster.set(1, new FakeLog([100, 101, 102], 3));
    cluster.set(2, new FakeLog([100, 101], 2));
    checker.becameLeader(1, T, 0, 1, 0);
    checker.becameLeader(2, T, 0, 2, 10);
    checker.highWatermarkChanged(1, T, 0, 3, 20); // broker 1 still thinks it leads epoch 1
    expect(checker.committedEnd(T, 0)).toBe(0);
    checker.highWatermarkChanged(2, T, 0, 2, 30);
    expect(checker.committedEnd(T, 0)).toBe(2);
    cluster.set(3, new FakeLog([100, 101]));
    checker.becameLeader(3, T, 0, 3, 40);
    expect(sink.list()).toEqual([]);
  });

  it("offsets below the new leader's log start (retention) cannot be told and are not reported", () => {
    const { sink, cluster, checker } = setup();
    cluster.set(1, new FakeLog([100, 101, 102, 103], 4));
    checker.becameLeader(1, T, 0, 1, 0);
    checker.highWatermarkChanged(1, T, 0, 4, 10);
    cluster.set(2, new FakeLog([102, 103], 0, 2));
    checker.becameLeader(2, T, 0, 2, 20);
    expect(sink.list()).toEqual([]);
  });

  it("handles a long run: 200,000 records committed a few at a time, then two elections", () => {
    const { sink, cluster, checker } = setup();
    const n = 200_000;
    const values = Array.from({ length: n }, (_, i) => 1e9 + i);
    const l1 = cluster.set(1, new FakeLog([]));
    checker.becameLeader(1, T, 0, 1, 0);
    // One-record batches read three at a time: the fake log is slow on purpose; real logs read 1 MiB at once.
    for (let i = 0; i < n; i += 100) {
      l1.append(...values.slice(i, i + 100));
      l1.highWatermark = i + 100;
      checker.highWatermarkChanged(1, T, 0, i + 100, i);
    }
    expect(checker.committedEnd(T, 0)).toBe(n);
    cluster.set(2, new FakeLog(values.slice()));
    checker.becameLeader(2, T, 0, 2, n);
    expect(sink.list()).toEqual([]);
    cluster.set(3, new FakeLog(values.slice(0, n - 10)));
    checker.becameLeader(3, T, 0, 3, n + 1);
    expect(sink.count("leader-completeness")).toBe(10);
  });

  it("after a loss the lost records are forgotten, across however many stretches of offsets they span: the next leader with the same log is not reported again", () => {
    const { sink, cluster, checker } = setup();
    const n = 140_000;
    const values = Array.from({ length: n }, (_, i) => 1e9 + i);
    const l1 = cluster.set(1, new FakeLog([]));
    checker.becameLeader(1, T, 0, 1, 0);
    for (let i = 0; i < n; i += 1000) {
      l1.append(...values.slice(i, i + 1000));
      l1.highWatermark = i + 1000;
      checker.highWatermarkChanged(1, T, 0, i + 1000, i);
    }
    // The new leader lost everything from offset 60,000 on (the checker keeps committed
    // values in stretches of 65,536 offsets: the loss spans the end of the first and the
    // whole second).
    const kept = values.slice(0, 60_000);
    cluster.set(2, new FakeLog(kept.slice()));
    checker.becameLeader(2, T, 0, 2, n);
    expect(sink.count("leader-completeness")).toBe(n - 60_000);
    expect(checker.committedEnd(T, 0)).toBe(60_000);
    expect([59_999, 60_000, 65_535, 65_536, 131_072, n - 1].map((o) => checker.committedValue(T, 0, o))).toEqual([1e9 + 59_999, undefined, undefined, undefined, undefined, undefined]);
    cluster.set(3, new FakeLog(kept.slice()));
    checker.becameLeader(3, T, 0, 3, n + 1);
    expect(sink.count("leader-completeness")).toBe(n - 60_000);
  });
});

describe("replication checker: committed prefix at the end", () => {
  it("in-sync replicas that agree below the smallest HW are fine, whatever they hold above it", () => {
    const { sink, checker } = setup();
    const leader = new FakeLog([1, 2, 3, 4, 5], 5);
    const f2 = new FakeLog([1, 2, 3, 4, 77], 4); // differs only above its own HW
    const f3 = new FakeLog([1, 9], 1); // out of the ISR: not compared
    checker.finish([
      broker(replica(1, leader, { isLeader: true, leaderEpoch: 3, isr: [1, 2] })),
      broker(replica(2, f2, { leaderEpoch: 3 })),
      broker(replica(3, f3, { leaderEpoch: 3 })),
    ]);
    expect(sink.list()).toEqual([]);
  });

  it("two in-sync replicas with different values below the committed point violate committed-prefix", () => {
    const { sink, checker } = setup();
    const leader = new FakeLog([1, 2, 3, 4, 5], 5);
    const f2 = new FakeLog([1, 2, 30, 4, 5], 5);
    checker.finish(
      [
        broker(replica(1, leader, { isLeader: true, leaderEpoch: 3, isr: [1, 2, 3] })),
        // A stale leader (epoch 2) on broker 2 is not the one compared against.
        broker(replica(2, f2, { isLeader: true, leaderEpoch: 2, isr: [2] })),
      ],
      999,
    );
    expect(names(sink)).toEqual(["committed-prefix"]);
    expect(sink.list()[0]!.examples[0]).toMatchObject({ atMicros: 999, topic: T, partition: 0, offset: 2, valueId: 30 });
    expect(sink.list()[0]!.examples[0]!.detail).toContain("leader 1 has 3");
  });

  it("partitions with no live leader are skipped", () => {
    const { sink, checker } = setup();
    checker.finish([broker(replica(1, new FakeLog([1], 1))), broker(replica(2, new FakeLog([2], 1)))]);
    expect(sink.list()).toEqual([]);
  });
});
