import { describe, expect, it } from "vitest";
import { History } from "../../../src/check/history/index.ts";
import { ViolationSink } from "../../../src/check/Violation.ts";
import { checkHistory, type CheckHistoryOptions } from "../../../src/check/client/index.ts";

/** Acknowledges `values` (value id = offset + 1 unless given) at consecutive offsets of orders-`partition`, from `from`. */
function produce(h: History, partition: number, offsets: readonly number[], valueOf = (o: number) => partition * 1000 + o + 1, at = 10): void {
  for (const o of offsets) {
    const v = valueOf(o);
    h.sendInvoked("producer", at, "orders", null, v);
    h.sendOk("producer", at + 1, v, partition, o);
  }
}

/** A poll by `process` returning the given offsets of orders-`partition`, with the values `produce` gives them. */
function poll(h: History, process: string, at: number, partition: number, offsets: readonly number[], valueOf = (o: number) => partition * 1000 + o + 1): void {
  h.polled(process, at, offsets.map((o) => ({ topic: "orders", partition, offset: o, valueId: valueOf(o) })));
}

/** `process` was given orders-`partition` (a rebalance or a restart): its next poll may start anywhere. */
function assign(h: History, process: string, at: number, partition: number): void {
  h.assigned(process, at, [{ topic: "orders", partition }]);
}

function check(h: History, options: Partial<CheckHistoryOptions> = {}): ViolationSink {
  const sink = new ViolationSink();
  checkHistory(h, sink, { atMicros: 1_000_000, ...options });
  return sink;
}

const names = (sink: ViolationSink) => Object.fromEntries(sink.list().map((v) => [v.invariant, v.count]));

describe("client checkers: a clean history is silent", () => {
  it("in-order reads, redelivery after a rebalance, a hand-off between members, and empty polls give no violation", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2, 3, 4, 5, 6]);
    produce(h, 1, [0, 1]);
    poll(h, "app-1", 100, 0, [0, 1, 2]);
    poll(h, "app-1", 110, 0, []);
    poll(h, "app-1", 120, 0, [3]);
    // A rebalance: app-1 is assigned the partition again and rewinds to the committed offset 2 (at-least-once redelivery).
    assign(h, "app-1", 125, 0);
    poll(h, "app-1", 130, 0, [2, 3]);
    // The partition moves to app-2, which reads on from the committed offset, then back to app-1.
    assign(h, "app-2", 135, 0);
    poll(h, "app-2", 140, 0, [4, 5]);
    assign(h, "app-1", 145, 0);
    poll(h, "app-1", 150, 0, [6]);
    poll(h, "app-2", 160, 1, [0, 1]);
    expect(check(h).list()).toEqual([]);
  });

  it("a gap no send or poll shows to exist (an offset nobody observed) is no skip", () => {
    const h = new History();
    produce(h, 0, [0, 1, 5, 6]);
    poll(h, "app-1", 100, 0, [0, 1]);
    poll(h, "app-1", 110, 0, [5, 6]);
    expect(check(h).list()).toEqual([]);
  });
});

describe("client checkers: each anomaly is found", () => {
  it("inconsistent-offsets: an offset acknowledged with one value and polled with another", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2]);
    poll(h, "app-1", 100, 0, [0, 1, 2], (o) => (o === 1 ? 777 : o + 1));
    poll(h, "app-2", 110, 0, [1], () => 777);
    const sink = check(h);
    expect(sink.count("inconsistent-offsets")).toBe(1);
    expect(sink.list().find((v) => v.invariant === "inconsistent-offsets")!.examples[0]).toMatchObject({ topic: "orders", partition: 0, offset: 1, valueId: 777, atMicros: 100 });
  });

  it("poll-skip: a consumer jumps over an offset that a send shows exists, between polls and within one poll", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2, 3, 4, 5, 6]);
    poll(h, "app-1", 100, 0, [0, 1]);
    poll(h, "app-1", 110, 0, [3, 4]);
    poll(h, "app-1", 120, 0, [5]);
    poll(h, "app-2", 130, 0, [0, 2, 3]);
    const sink = check(h);
    expect(sink.count("poll-skip")).toBe(2);
    const examples = sink.list().find((v) => v.invariant === "poll-skip")!.examples;
    expect(examples.map((e) => [e.atMicros, e.offset, e.valueId])).toEqual([
      [110, 2, 3],
      [130, 1, 2],
    ]);
    expect(examples[1]!.detail).toContain("same poll");
  });

  it("poll-skip: within one assignment a jump is a skip even where another member read the gap; a new assignment may start anywhere", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2, 3, 4, 5, 6, 7]);
    poll(h, "app-1", 100, 0, [0, 1]);
    poll(h, "app-2", 110, 0, [2, 3]);
    poll(h, "app-1", 120, 0, [6, 7]);
    const skipped = check(h);
    expect(skipped.count("poll-skip")).toBe(1);
    expect(skipped.list().find((v) => v.invariant === "poll-skip")!.examples[0]).toMatchObject({ offset: 2, atMicros: 120 });
    expect(skipped.list().find((v) => v.invariant === "poll-skip")!.examples[0]!.detail).toContain("skipping 4 known offset(s)");

    const reassigned = new History();
    produce(reassigned, 0, [0, 1, 2, 3, 4, 5, 6, 7]);
    poll(reassigned, "app-1", 100, 0, [0, 1]);
    assign(reassigned, "app-2", 105, 0);
    poll(reassigned, "app-2", 110, 0, [2, 3]);
    assign(reassigned, "app-1", 115, 0);
    poll(reassigned, "app-1", 120, 0, [6, 7]);
    // Offsets 4 and 5 were skipped by everyone: not a poll-skip of anyone's assignment, but unseen, and read past.
    expect(names(check(reassigned))).toEqual({ unseen: 2, "lost-write-read": 2 });
  });

  it("nonmonotonic-poll: offsets going backwards within one poll or between polls of one assignment; after a new assignment a rewind is redelivery", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2, 3]);
    poll(h, "app-1", 100, 0, [0, 1, 2, 1, 2, 3]);
    poll(h, "app-1", 110, 0, [0, 1, 2, 3]);
    assign(h, "app-1", 115, 0);
    poll(h, "app-1", 120, 0, [1, 2, 3]);
    const sink = check(h);
    expect(names(sink)).toEqual({ "nonmonotonic-poll": 2 });
    expect(sink.list()[0]!.examples.map((e) => [e.offset, e.atMicros])).toEqual([
      [1, 100],
      [0, 110],
    ]);
  });

  it("unseen: acknowledged values no poll returned, only in partitions that were polled", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2]);
    produce(h, 1, [0, 1]); // nobody reads partition 1
    h.sendInvoked("producer", 50, "orders", null, 99);
    h.sendFailed("producer", 60, 99, true, 0); // info: not acknowledged, not unseen
    poll(h, "app-1", 100, 0, [0, 1]);
    const sink = check(h);
    expect(names(sink)).toEqual({ unseen: 1 });
    expect(sink.list()[0]!.examples[0]).toMatchObject({ atMicros: 11, topic: "orders", partition: 0, offset: 2, valueId: 3, producerSequence: 3 });
  });

  it("lost-write-read: an acknowledged value a reader read past and nobody ever polled", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2, 3]);
    poll(h, "app-1", 100, 0, [0]);
    poll(h, "app-2", 110, 0, [2, 3]); // app-2 starts at 2 (its first poll: not a skip for it)
    const committed = new Map([[1, [0]], [2, [1]], [3, [2]], [4, [3]]]);
    const sink = new ViolationSink();
    const counts = checkHistory(h, sink, { atMicros: 1_000, committed: (topic, partition) => (topic === "orders" && partition === 0 ? committed : null) });
    expect(names(sink)).toEqual({ unseen: 1, "lost-write-read": 1 });
    expect(counts).toMatchObject({ unseen: 1, "lost-write-read": 1, lostWriteReadNotCommitted: 0 });
    const example = sink.list().find((v) => v.invariant === "lost-write-read")!.examples[0]!;
    expect(example).toMatchObject({ offset: 1, valueId: 2 });
    expect(example.detail).toContain("still in the final committed log");

    committed.delete(2);
    const again = checkHistory(h, new ViolationSink(), { atMicros: 1_000, committed: () => committed });
    expect(again.lostWriteReadNotCommitted).toBe(1);
  });

  it("commit-skip: a commit past what the process polled in its assignment, over offsets known to exist", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2, 3, 4]);
    assign(h, "app-1", 90, 0);
    h.commit("app-1", 95, "billing", "orders", 0, 2, 1, true); // before its first poll: the offset it started from
    poll(h, "app-1", 100, 0, [2, 3]);
    h.commit("app-1", 105, "billing", "orders", 0, 4, 1, true); // fine: everything below 4 read
    h.commit("app-1", 106, "billing", "orders", 0, 5, 1, false); // failed: no claim made
    h.commit("app-1", 107, "billing", "orders", 0, 5, 1, true); // offset 4 committed unread
    const sink = check(h);
    expect(sink.count("commit-skip")).toBe(1);
    expect(sink.list().find((v) => v.invariant === "commit-skip")!.examples[0]).toMatchObject({ offset: 4, atMicros: 107 });
  });

  it("hw-monotonic: a record a consumer read below the high watermark is gone from its offset at the end", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2]);
    poll(h, "app-1", 100, 0, [0, 1, 2]);
    // The final committed log ends at offset 1, and offset 1 now holds another value: what app-1 read went back.
    const committed = new Map([[1, [0]], [555, [1]]]);
    const sink = check(h, { committed: () => committed });
    expect(sink.count("hw-monotonic")).toBe(2);
    expect(sink.list().find((v) => v.invariant === "hw-monotonic")!.examples.map((e) => e.offset)).toEqual([1, 2]);
    expect(check(h, { committed: () => new Map([[1, [0]], [2, [1]], [3, [2]]]) }).list()).toEqual([]);
  });

  it("an unread tail is unseen but not lost-write-read: nobody read past it", () => {
    const h = new History();
    produce(h, 0, [0, 1, 2]);
    poll(h, "app-1", 100, 0, [0, 1]);
    expect(names(check(h))).toEqual({ unseen: 1 });
  });
});

describe("client checkers: scale", () => {
  it("checks a history of 300,000 sends read by three consumers with hand-offs and rewinds, finding nothing", () => {
    const h = new History();
    const perPartition = 50_000;
    const valueOf = (p: number, o: number) => 1_000_000_000 + p * perPartition + o;
    for (let p = 0; p < 6; p++) produce(h, p, Array.from({ length: perPartition }, (_, o) => o), (o) => valueOf(p, o));
    for (let p = 0; p < 6; p++) {
      // Batches of 500; every 20th batch the partition moves to the next member, which rewinds 100 records.
      let member = p % 3;
      for (let start = 0; start < perPartition; start += 500) {
        if (start > 0 && (start / 500) % 20 === 0) {
          member = (member + 1) % 3;
          assign(h, `app-${member}`, start, p);
        }
        const from = start > 0 && (start / 500) % 20 === 0 ? start - 100 : start;
        poll(h, `app-${member}`, start, p, Array.from({ length: start + 500 - from }, (_, i) => from + i), (o) => valueOf(p, o));
      }
    }
    const sink = new ViolationSink();
    const counts = checkHistory(h, sink, { atMicros: 0 });
    expect(h.polledRecordCount).toBeGreaterThan(300_000);
    expect(sink.list()).toEqual([]);
    expect(counts.unseen).toBe(0);
  });
});
