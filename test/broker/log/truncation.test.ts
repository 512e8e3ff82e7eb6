import { describe, expect, it } from "vitest";
import { appendBatches, LogWorld, producerBatch, range, recordOffsets } from "./harness.ts";

describe("log: truncation", () => {
  it("truncating to a batch boundary removes exactly the batches at and after it", () => {
    const log = new LogWorld().open();
    appendBatches(log, [3, 2, 4]); // 0-2 | 3-4 | 5-8
    expect(log.truncateTo(5)).toBe(true);
    expect(log.logEndOffset).toBe(5);
    expect(recordOffsets(log)).toEqual(range(0, 5));
  });

  it("a batch that straddles the target goes whole, so the LEO ends below the target (LogSegment.truncateTo)", () => {
    const log = new LogWorld().open();
    appendBatches(log, [3, 2, 4]);
    log.truncateTo(4); // batch 3-4 has its last offset at or after 4
    expect(log.logEndOffset).toBe(3);
    expect(recordOffsets(log)).toEqual(range(0, 3));
  });

  it("truncating at or past the LEO removes nothing", () => {
    const log = new LogWorld().open();
    appendBatches(log, [3]);
    expect(log.truncateTo(3)).toBe(false);
    expect(log.truncateTo(10)).toBe(false);
    expect(log.logEndOffset).toBe(3);
  });

  it("...but drops an epoch entry a leader wrote at the LEO without appending after it", () => {
    const log = new LogWorld().open();
    appendBatches(log, [3], 1);
    log.assignEpochStartOffset(2, 3);
    expect(log.latestEpoch).toBe(2);
    log.truncateTo(3);
    expect(log.epochCache.all).toEqual([{ epoch: 1, startOffset: 0 }]);
  });

  it("deletes the segments above the target, and their files", () => {
    const world = new LogWorld();
    const log = world.open({ segmentBytes: 500 });
    appendBatches(log, [2, 2, 2, 2]); // one batch per segment: 0, 2, 4, 6
    log.truncateTo(3);
    expect(log.segmentBaseOffsets).toEqual([0, 2]);
    expect(log.logEndOffset).toBe(2); // the batch 2-3 straddles 3
    expect(world.node().disk.list("orders-0/").filter((n) => n.endsWith(".log"))).toHaveLength(2);
    appendBatches(log, [1]);
    expect(recordOffsets(log)).toEqual(range(0, 3));
  });

  it("rewinds the leader epoch cache", () => {
    const log = new LogWorld().open();
    appendBatches(log, [2], 0);
    appendBatches(log, [2], 1);
    appendBatches(log, [2], 2);
    log.truncateTo(3);
    expect(log.epochCache.all).toEqual([{ epoch: 0, startOffset: 0 }]);
    expect(log.latestEpoch).toBe(0);
  });

  it("rewinds the producer state: a truncated batch, sent again, is appended again", () => {
    const log = new LogWorld().open();
    const p = { producerId: 7, producerEpoch: 0 };
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 0 });
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 2 });
    log.truncateTo(2);
    expect(log.producerState.entry(7)!.lastSeq).toBe(1);
    const again = log.appendAsLeader(producerBatch(2, { ...p, baseSequence: 2 }), 0, 0);
    expect(again.kind).toBe("appended");
  });

  it("clamps the high watermark to the new LEO", () => {
    const log = new LogWorld().open();
    appendBatches(log, [5]);
    log.updateHighWatermark(5);
    log.truncateTo(2); // the whole batch goes
    expect(log.highWatermark).toBe(0);
  });

  it("below the first segment, the log restarts empty at the target (truncateFullyAndStartAt)", () => {
    const world = new LogWorld();
    const log = world.open({ segmentBytes: 500 });
    appendBatches(log, [2, 2, 2]);
    log.truncateFullyAndStartAt(40);
    expect(log.logStartOffset).toBe(40);
    expect(log.logEndOffset).toBe(40);
    expect(log.highWatermark).toBe(40);
    expect(log.epochCache.isEmpty).toBe(true);
    expect(log.segmentBaseOffsets).toEqual([40]);
    expect(world.node().disk.list("orders-0/").filter((n) => n.endsWith(".log"))).toEqual(["orders-0/00000000000000000040.log"]);
    const appended = log.appendAsLeader(producerBatch(1), 3, 0);
    expect(appended.kind === "appended" && appended.batch.baseOffset).toBe(40);
  });

  it("truncation is durable at once: after a crash the truncated batches stay gone", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [2, 2, 2]);
    log.flush();
    world.settle();
    log.truncateTo(2);
    const reopened = world.crashAndReopen();
    expect(reopened.logEndOffset).toBe(2);
    expect(reopened.latestEpoch).toBe(0);
  });
});
