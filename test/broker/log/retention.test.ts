import { describe, expect, it } from "vitest";
import { seconds } from "../../../sim/index.ts";
import { appendBatches, LogWorld, recordOffsets } from "./harness.ts";

/** Three closed segments of two 261-byte batches each (segment.bytes 600), written 10s apart, and an active one. */
function agedLog(world: LogWorld, config: { retentionMicros?: number; retentionBytes?: number } = {}) {
  const log = world.open({ segmentBytes: 600, ...config });
  appendBatches(log, [2, 2], 0, seconds(0));
  appendBatches(log, [2, 2], 0, seconds(10));
  appendBatches(log, [2, 2], 1, seconds(20));
  appendBatches(log, [2], 1, seconds(30));
  expect(log.segmentBaseOffsets).toEqual([0, 4, 8, 12]);
  return log;
}

describe("log retention: by time (retention.ms)", () => {
  it("deletes the closed segments whose newest batch is older than retention.ms, and moves the log start", () => {
    const world = new LogWorld();
    const log = agedLog(world, { retentionMicros: seconds(15) });
    log.updateHighWatermark(log.logEndOffset);
    // At 30s the segments at 0 and 4 (newest batches at 0s and 10s) are older than 15s; the one at 8 is not.
    expect(log.deleteOldSegments(seconds(30))).toBe(2);
    expect(log.segmentBaseOffsets).toEqual([8, 12]);
    expect(log.logStartOffset).toBe(8);
    expect(world.node().disk.exists("orders-0/00000000000000000000.log")).toBe(false);
  });

  it("a consumer below the new log start gets OFFSET_OUT_OF_RANGE", () => {
    const log = agedLog(new LogWorld(), { retentionMicros: seconds(15) });
    log.updateHighWatermark(log.logEndOffset);
    log.deleteOldSegments(seconds(30));
    expect(log.logStartOffset).toBe(8);
    expect(log.read(3, 1 << 20, log.highWatermark).error).toBe("OFFSET_OUT_OF_RANGE");
    expect(log.read(8, 1 << 20, log.highWatermark).error).toBe("NONE");
  });

  it("never deletes a segment holding offsets at or above the high watermark", () => {
    const log = agedLog(new LogWorld(), { retentionMicros: seconds(1) });
    log.updateHighWatermark(5); // inside the second segment
    expect(log.deleteOldSegments(seconds(100))).toBe(1);
    expect(log.logStartOffset).toBe(4);
    log.updateHighWatermark(8); // the second segment is now wholly below it
    expect(log.deleteOldSegments(seconds(100))).toBe(1);
    expect(log.logStartOffset).toBe(8);
  });

  it("rolls an expired active segment away only once it is wholly below the high watermark, as Kafka does", () => {
    const world = new LogWorld();
    const log = agedLog(world, { retentionMicros: seconds(1) });
    log.updateHighWatermark(13);
    expect(log.deleteOldSegments(seconds(100))).toBe(3);
    expect(log.segmentBaseOffsets).toEqual([12]); // the active segment holds offset 13, not below the HW
    log.updateHighWatermark(14);
    expect(log.deleteOldSegments(seconds(100))).toBe(1);
    // Kafka rolls a new empty active segment and deletes the old one: the log is empty, at its end.
    expect(log.segmentBaseOffsets).toEqual([14]);
    expect(log.logStartOffset).toBe(14);
    expect(log.logEndOffset).toBe(14);
    expect(log.deleteOldSegments(seconds(200))).toBe(0); // an empty active segment is never deleted
  });

  it("truncates the leader epoch cache from the start", () => {
    const log = agedLog(new LogWorld(), { retentionMicros: seconds(6) });
    log.updateHighWatermark(log.logEndOffset);
    log.deleteOldSegments(seconds(25)); // the segment at 8 (written at 20s) stays
    expect(log.logStartOffset).toBe(8);
    expect(log.epochCache.all).toEqual([{ epoch: 1, startOffset: 8 }]);
  });

  it("does nothing with the default retention of a week, or for a compacted topic", () => {
    const log = agedLog(new LogWorld());
    log.updateHighWatermark(log.logEndOffset);
    expect(log.deleteOldSegments(seconds(3600))).toBe(0);
    const compacted = new LogWorld().open({ cleanupPolicy: "compact", retentionMicros: 1, segmentBytes: 600 });
    appendBatches(compacted, [2, 2, 2]);
    compacted.updateHighWatermark(6);
    expect(compacted.deleteOldSegments(seconds(100))).toBe(0);
  });
});

describe("log retention: by size (retention.bytes)", () => {
  it("deletes the oldest segments while the log stays at or above retention.bytes without them", () => {
    const world = new LogWorld();
    const log = agedLog(world, { retentionBytes: 1_100 }); // 3 x 522 + 261 = 1827 bytes
    log.updateHighWatermark(log.logEndOffset);
    expect(log.deleteOldSegments(seconds(30))).toBe(1); // 1827 - 522 = 1305 >= 1100; one more would leave 783
    expect(log.sizeBytes).toBe(1_305);
    expect(log.logStartOffset).toBe(4);
    expect(recordOffsets(log)[0]).toBe(4);
  });

  it("never deletes above the high watermark, whatever the size", () => {
    const log = agedLog(new LogWorld(), { retentionBytes: 1 });
    log.updateHighWatermark(3);
    expect(log.deleteOldSegments(seconds(30))).toBe(0);
  });
});
