import { describe, expect, it } from "vitest";
import { millis, seconds } from "../../../sim/index.ts";
import { appendBatches, LogWorld } from "./harness.ts";

const SEGMENT_FILE_0 = "orders-0/00000000000000000000.log";

describe("log: segments", () => {
  it("lives in files named by base offset, zero-padded to 20 digits", () => {
    const world = new LogWorld();
    const log = world.open({ segmentBytes: 1_000 });
    appendBatches(log, [4, 4, 4]); // 461 bytes each: two per segment
    expect(log.segmentBaseOffsets).toEqual([0, 8]);
    expect(world.node().disk.list("orders-0/").filter((n) => n.endsWith(".log"))).toEqual([
      SEGMENT_FILE_0,
      "orders-0/00000000000000000008.log",
    ]);
    expect(world.node().disk.file(SEGMENT_FILE_0).length).toBe(2); // one disk record per batch
  });

  it("rolls when the next batch would make the active segment exceed segment.bytes", () => {
    const log = new LogWorld().open({ segmentBytes: 922 });
    appendBatches(log, [4, 4]); // 461 + 461 = 922: fits exactly
    expect(log.segmentCount).toBe(1);
    appendBatches(log, [1]);
    expect(log.segmentBaseOffsets).toEqual([0, 8]);
  });

  it("rolls when the active segment's first batch is older than segment.ms", () => {
    const log = new LogWorld().open({ segmentMicros: seconds(10) });
    appendBatches(log, [1], 0, 0);
    appendBatches(log, [1], 0, seconds(10)); // exactly segment.ms: not yet
    expect(log.segmentCount).toBe(1);
    appendBatches(log, [1], 0, seconds(10) + 1);
    expect(log.segmentBaseOffsets).toEqual([0, 2]);
    appendBatches(log, [1], 0, seconds(15));
    expect(log.segmentCount).toBe(2); // the clock of the new segment starts at its first batch
  });

  it("never rolls an empty segment", () => {
    const log = new LogWorld().open({ segmentBytes: 100 });
    appendBatches(log, [5]); // 561 bytes, larger than a segment: it goes into the empty active one
    expect(log.segmentCount).toBe(1);
    appendBatches(log, [5]);
    expect(log.segmentBaseOffsets).toEqual([0, 5]);
  });

  it("flushes the old segment when it rolls a new one, as Kafka does", () => {
    const world = new LogWorld();
    const log = world.open({ segmentBytes: 1_000 });
    appendBatches(log, [4, 4]);
    expect(log.recoveryPoint).toBe(0);
    appendBatches(log, [4]); // rolls at 8
    expect(log.recoveryPoint).toBe(0); // the fsync takes time
    world.settle();
    expect(log.recoveryPoint).toBe(8);
    expect(world.node().disk.file(SEGMENT_FILE_0).unsyncedCount).toBe(0);
  });
});

describe("log: flush policy", () => {
  it("relies on replication by default: nothing is fsynced", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, Array(100).fill(1));
    world.settle();
    expect(log.recoveryPoint).toBe(0);
  });

  it("fsyncs once flush.messages records are unflushed", () => {
    const world = new LogWorld();
    const log = world.open({ flushMessages: 5 });
    appendBatches(log, [2, 2]);
    world.settle();
    expect(log.recoveryPoint).toBe(0);
    appendBatches(log, [1]);
    world.settle();
    expect(log.recoveryPoint).toBe(5);
    appendBatches(log, [3]);
    world.settle();
    expect(log.recoveryPoint).toBe(5);
  });

  it("with flush.messages=1 every append is durable once its fsync completes, and a caller can wait for it", () => {
    const world = new LogWorld("flush-1", { fsyncMicros: millis(2) });
    const log = world.open({ flushMessages: 1 });
    appendBatches(log, [1]);
    const durableAt: number[] = [];
    log.whenFlushed(log.logEndOffset, () => durableAt.push(world.sim.now));
    expect(durableAt).toEqual([]);
    world.settle();
    expect(durableAt).toHaveLength(1);
    expect(durableAt[0]).toBeGreaterThanOrEqual(millis(2));
    log.whenFlushed(1, () => durableAt.push(-1));
    expect(durableAt).toHaveLength(2); // already durable: at once
  });

  it("flush.ms: the log flusher flushes a log whose last flush is that old", () => {
    const world = new LogWorld();
    const log = world.open({ flushMicros: seconds(1) });
    appendBatches(log, [3]);
    expect(log.flushIfDue(world.sim.now)).toBe(false);
    world.advance(seconds(1));
    expect(log.flushIfDue(world.sim.now)).toBe(true);
    world.settle();
    expect(log.recoveryPoint).toBe(3);
    world.advance(seconds(5));
    expect(log.flushIfDue(world.sim.now)).toBe(false); // nothing new to flush
  });
});
