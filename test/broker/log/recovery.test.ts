import { describe, expect, it } from "vitest";
import { appendBatches, LogWorld, producerBatch, range, recordOffsets, valueIds } from "./harness.ts";

const SEGMENT_0 = "orders-0/00000000000000000000.log";

describe("log recovery: a machine crash keeps exactly what was flushed", () => {
  it("with the default flush policy, an unflushed log is lost entirely", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [3, 3]);
    world.settle();
    const reopened = world.crashAndReopen();
    expect(reopened.logEndOffset).toBe(0);
    expect(reopened.latestEpoch).toBe(-1); // the checkpoint was fsynced, then cut back to the recovered LEO
  });

  it("the flushed prefix survives and the rest is gone, epoch cache and all", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [2, 2], 0);
    log.flush();
    world.settle();
    appendBatches(log, [3], 1);
    world.settle();
    const reopened = world.crashAndReopen();
    expect(reopened.logEndOffset).toBe(4);
    expect(recordOffsets(reopened)).toEqual(range(0, 4));
    expect(reopened.epochCache.all).toEqual([{ epoch: 0, startOffset: 0 }]);
    expect(reopened.recoveryPoint).toBe(4);
  });

  it("a flush still under way at the crash makes nothing durable", () => {
    const world = new LogWorld("slow", { fsyncMicros: 5_000 });
    const log = world.open();
    appendBatches(log, [2]);
    log.flush();
    world.advance(1_000);
    expect(world.crashAndReopen().logEndOffset).toBe(0);
  });

  it("with flush.messages=1 every acknowledged append survives", () => {
    const world = new LogWorld();
    const log = world.open({ flushMessages: 1 });
    appendBatches(log, [1, 1, 1, 1]);
    world.settle();
    expect(world.crashAndReopen({ flushMessages: 1 }).logEndOffset).toBe(4);
  });

  it("a process crash (kill -9) loses nothing: the page cache survives", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [2, 5]);
    expect(world.crashAndReopen({}, "broker-1", "process").logEndOffset).toBe(7);
  });
});

describe("log recovery: torn and corrupt data is truncated", () => {
  it("a torn tail keeps a prefix of the unflushed batches and cuts a corrupt last one", () => {
    let corruptTails = 0;
    let partialTails = 0;
    for (let seed = 0; seed < 60; seed++) {
      const world = new LogWorld(`torn-${seed}`, { crashLoss: "torn" });
      const log = world.open();
      appendBatches(log, [1, 2, 3]);
      log.flush();
      world.settle();
      appendBatches(log, [1, 1, 1, 1, 1, 1, 1, 1]);
      const written = valueIds(log);
      const reopened = world.crashAndReopen();
      const kept = valueIds(reopened);
      expect(kept).toEqual(written.slice(0, kept.length));
      expect(reopened.logEndOffset).toBeGreaterThanOrEqual(6);
      expect(reopened.logEndOffset).toBe(kept.length);
      // Everything left reads back: no corrupt batch remains.
      expect(reopened.read(0, 1 << 20, reopened.logEndOffset).batches.length).toBe(reopened.batches().length);
      if (reopened.recovered.truncatedBatches > 0) corruptTails++;
      if (reopened.logEndOffset > 6) partialTails++;
    }
    expect(corruptTails).toBeGreaterThan(0);
    expect(partialTails).toBeGreaterThan(0);
  });

  it("a corrupt batch in a flushed segment cuts the log there and deletes every later segment", () => {
    const world = new LogWorld();
    const log = world.open({ segmentBytes: 500 });
    appendBatches(log, [1, 1, 1, 1, 1]); // 161 bytes: three batches per segment
    log.flush();
    world.settle();
    expect(log.segmentBaseOffsets).toEqual([0, 3]);
    world.node().disk.corrupt(SEGMENT_0, 1);
    const reopened = world.crashAndReopen({ segmentBytes: 500 });
    expect(reopened.logEndOffset).toBe(1);
    expect(reopened.segmentBaseOffsets).toEqual([0]);
    expect(reopened.recovered).toEqual({ truncatedBatches: 4, deletedSegments: 1 });
    expect(world.node().disk.exists("orders-0/00000000000000000003.log")).toBe(false);
  });

  it("a later segment that does not continue the offsets before it is deleted", () => {
    const world = new LogWorld();
    const log = world.open({ segmentBytes: 500 });
    appendBatches(log, [1, 1, 1, 1, 1]);
    log.flush();
    world.settle();
    // The first segment lost its last batch while the second kept its data.
    world.node().disk.truncate(world.node().disk.file(SEGMENT_0), 2);
    const reopened = world.crashAndReopen({ segmentBytes: 500 });
    expect(reopened.logEndOffset).toBe(2);
    expect(reopened.segmentBaseOffsets).toEqual([0]);
    expect(recordOffsets(reopened)).toEqual([0, 1]);
  });

  it("recovery keeps the log appendable and replicable from where it ends", () => {
    const world = new LogWorld("torn-append", { crashLoss: "torn" });
    const log = world.open();
    appendBatches(log, [2, 2, 2]);
    const reopened = world.crashAndReopen();
    const at = reopened.logEndOffset;
    const next = reopened.appendAsLeader(producerBatch(1), 1, 0);
    expect(next.kind === "appended" && next.batch.baseOffset).toBe(at);
  });
});

describe("log recovery: epoch cache and producer state", () => {
  it("an unreadable checkpoint is rebuilt from the batches' leader epochs", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [2], 0);
    appendBatches(log, [2], 3);
    log.flush();
    world.settle();
    world.node().disk.corrupt("orders-0/leader-epoch-checkpoint", 0);
    const reopened = world.crashAndReopen();
    expect(reopened.epochCache.all).toEqual([
      { epoch: 0, startOffset: 0 },
      { epoch: 3, startOffset: 2 },
    ]);
  });

  it("a new leader's epoch entry survives a restart, as the checkpoint does", () => {
    const world = new LogWorld();
    const log = world.open();
    appendBatches(log, [2], 0);
    log.flush();
    world.settle();
    log.assignEpochStartOffset(1, 2);
    world.settle();
    // No batch of epoch 1 yet, so recovery drops the entry at the LEO, as Kafka's LogLoader does.
    expect(world.crashAndReopen().epochCache.all).toEqual([{ epoch: 0, startOffset: 0 }]);
  });

  it("the producer state is rebuilt: a retry of a batch that survived is still a duplicate", () => {
    const world = new LogWorld();
    const log = world.open();
    const p = { producerId: 11, producerEpoch: 0 };
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 0 });
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 2 });
    log.flush();
    world.settle();
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 4 }); // lost in the crash
    const reopened = world.crashAndReopen();
    expect(reopened.appendAsLeader(producerBatch(2, { ...p, baseSequence: 2 }), 1, 0)).toEqual({ kind: "duplicate", baseOffset: 2, lastOffset: 3 });
    const lostRetry = reopened.appendAsLeader(producerBatch(2, { ...p, baseSequence: 4 }), 1, 0);
    expect(lostRetry.kind === "appended" && lostRetry.batch.baseOffset).toBe(4);
  });

  it("a producer snapshot (taken at each roll) keeps only each producer's last batch, as Kafka's does", () => {
    const world = new LogWorld();
    const config = { segmentBytes: 600 };
    const log = world.open(config);
    const p = { producerId: 5, producerEpoch: 0 };
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 0 }); // 261 bytes
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 2 });
    appendBatches(log, [2], 0, 0, { ...p, baseSequence: 4 }); // rolls at 4: snapshot at 4
    log.flush();
    world.settle();
    expect(world.node().disk.exists("orders-0/00000000000000000004.snapshot")).toBe(true);
    const reopened = world.crashAndReopen(config);
    expect(reopened.producerState.entry(5)!.batches.map((b) => b.firstSeq)).toEqual([2, 4]);
    const old = reopened.appendAsLeader(producerBatch(2, { ...p, baseSequence: 0 }), 0, 0);
    expect(old.kind === "failed" && old.error).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });
});
