import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { batchLastOffset } from "../../../src/broker/log/storedBatch.ts";
import { appendBatches, batchBases, LogWorld, producerBatch, range, recordOffsets } from "./harness.ts";

describe("log: leader appends", () => {
  it("assigns offsets contiguously from the log end and stamps the leader epoch", () => {
    const log = new LogWorld().open();
    expect(log.logEndOffset).toBe(0);
    const bases = appendBatches(log, [3, 1, 5], 7, 1_000);
    expect(bases).toEqual([0, 3, 4]);
    expect(log.logEndOffset).toBe(9);
    expect(recordOffsets(log)).toEqual(range(0, 9));
    for (const b of log.batches()) {
      expect(b.partitionLeaderEpoch).toBe(7);
      expect(b.appendedAtMicros).toBe(1_000);
    }
    expect(log.epochCache.all).toEqual([{ epoch: 7, startOffset: 0 }]);
  });

  it("the epoch cache records where each new leader epoch starts", () => {
    const log = new LogWorld().open();
    appendBatches(log, [2, 2], 0);
    appendBatches(log, [3], 1);
    appendBatches(log, [1], 3);
    expect(log.epochCache.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 1, startOffset: 4 },
      { epoch: 3, startOffset: 7 },
    ]);
  });

  it("the high watermark is set by the caller and clamped to [log start, LEO]", () => {
    const log = new LogWorld().open();
    appendBatches(log, [5]);
    expect(log.updateHighWatermark(3)).toBe(3);
    expect(log.updateHighWatermark(99)).toBe(5);
    expect(log.updateHighWatermark(-4)).toBe(0);
  });

  it("a full disk fails the append with KAFKA_STORAGE_ERROR and takes the log offline", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [2]);
    world.node().disk.full(true);
    const result = log.appendAsLeader(producerBatch(1), 0, 0);
    expect(result.kind).toBe("failed");
    if (result.kind === "failed") expect(result.error).toBe("KAFKA_STORAGE_ERROR");
    expect(log.isOffline).toBe(true);
    expect(log.logEndOffset).toBe(2);
    world.node().disk.full(false);
    expect(log.read(0, 1_000, 2).error).toBe("KAFKA_STORAGE_ERROR"); // offline until a restart
    expect(world.crashAndReopen({}, "broker-1", "process").read(0, 1_000, 2).error).toBe("NONE");
  });
});

describe("log: follower appends", () => {
  it("takes the leader's offsets and epochs, and they must continue the log", () => {
    const world = new LogWorld("follower", {}, ["broker-1", "broker-2"]);
    const leader = world.open({}, "broker-1");
    const follower = world.open({}, "broker-2");
    appendBatches(leader, [2, 3], 4);
    const fetched = leader.read(0, 10_000, leader.logEndOffset);
    expect(follower.appendAsFollower(fetched.batches)).toEqual({ kind: "appended", logEndOffset: 5 });
    expect(follower.epochCache.all).toEqual([{ epoch: 4, startOffset: 0 }]);
    expect(() => follower.appendAsFollower(fetched.batches)).toThrow(/below the next offset/);
    appendBatches(leader, [1, 1]);
    const skipped = leader.read(6, 10_000, leader.logEndOffset).batches;
    expect(() => follower.appendAsFollower(skipped)).toThrow(/leaves a gap/);
  });
});

describe("log: reads", () => {
  const world = new LogWorld();
  const log = world.open();
  // Batches of 1, 2, 3 and 4 records: offsets 0 | 1-2 | 3-5 | 6-9, sizes 161 | 261 | 361 | 461.
  appendBatches(log, [1, 2, 3, 4]);

  it("returns whole batches from the one holding the fetch offset", () => {
    const read = log.read(4, 10_000, 10);
    expect(read.error).toBe("NONE");
    expect(batchBases(read.batches)).toEqual([3, 6]);
  });

  it("stays within maxBytes, in whole batches", () => {
    expect(batchBases(log.read(0, 161 + 261, 10).batches)).toEqual([0, 1]);
    expect(batchBases(log.read(0, 161 + 261 + 360, 10).batches)).toEqual([0, 1]);
    expect(log.read(0, 161 + 261, 10).sizeBytes).toBe(422);
  });

  it("returns at least one batch even if it is larger than maxBytes, as Kafka does", () => {
    expect(batchBases(log.read(6, 10, 10).batches)).toEqual([6]);
    expect(log.read(6, 10, 10, false).batches).toEqual([]);
  });

  it("returns only batches that end below the upper bound (the high watermark for consumers)", () => {
    expect(batchBases(log.read(0, 10_000, 6).batches)).toEqual([0, 1, 3]);
    // A batch straddling the bound is not returned.
    expect(batchBases(log.read(0, 10_000, 5).batches)).toEqual([0, 1]);
    expect(log.read(6, 10_000, 6)).toMatchObject({ error: "NONE", batches: [] });
  });

  it("answers OFFSET_OUT_OF_RANGE outside [log start, LEO], and nothing at the LEO", () => {
    expect(log.read(11, 1_000, 10).error).toBe("OFFSET_OUT_OF_RANGE");
    expect(log.read(-1, 1_000, 10).error).toBe("OFFSET_OUT_OF_RANGE");
    expect(log.read(10, 1_000, 10)).toMatchObject({ error: "NONE", batches: [] });
  });

  it("a corrupt batch reads as CORRUPT_MESSAGE, or ends the read before it", () => {
    const w = new LogWorld("corrupt");
    const l = w.open();
    appendBatches(l, [1, 1, 1]);
    w.node().disk.corrupt("orders-0/00000000000000000000.log", 1);
    expect(batchBases(l.read(0, 10_000, 3).batches)).toEqual([0]);
    expect(l.read(1, 10_000, 3).error).toBe("CORRUPT_MESSAGE");
  });

  it("a read never spans two segments, as Kafka reads one segment per fetch", () => {
    const w = new LogWorld("segments");
    const l = w.open({ segmentBytes: 500 });
    appendBatches(l, [2, 2, 2, 2]); // 261 bytes each: two would exceed 500, so one per segment
    expect(l.segmentCount).toBe(4);
    expect(batchBases(l.read(0, 10_000, 8).batches)).toEqual([0]);
    expect(batchBases(l.read(3, 10_000, 8).batches)).toEqual([2]);
  });

  it("property: a read is a run of consecutive batches starting at the one holding the fetch offset", () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 30 }),
        fc.integer({ min: 300, max: 3_000 }),
        fc.nat(),
        fc.nat(),
        fc.integer({ min: 0, max: 5_000 }),
        (counts, segmentBytes, fetchSeed, boundSeed, maxBytes) => {
          const l = new LogWorld("prop").open({ segmentBytes });
          appendBatches(l, counts);
          const leo = l.logEndOffset;
          const fetchOffset = fetchSeed % (leo + 1);
          const upper = boundSeed % (leo + 1);
          const read = l.read(fetchOffset, maxBytes, upper);
          expect(read.error).toBe("NONE");
          if (read.batches.length === 0) return;
          const first = read.batches[0]!;
          expect(first.baseOffset).toBeLessThanOrEqual(fetchOffset);
          expect(batchLastOffset(first)).toBeGreaterThanOrEqual(fetchOffset);
          for (let i = 1; i < read.batches.length; i++) expect(read.batches[i]!.baseOffset).toBe(batchLastOffset(read.batches[i - 1]!) + 1);
          for (const b of read.batches) expect(batchLastOffset(b)).toBeLessThan(upper);
          if (read.batches.length > 1) expect(read.sizeBytes).toBeLessThanOrEqual(maxBytes);
        },
      ),
      { numRuns: 150 },
    );
  });
});
