import { describe, expect, it } from "vitest";
import { isCompacted, recordOffset, type StoredBatch } from "../../../src/broker/log/storedBatch.ts";
import type { ReplicaLog } from "../../../src/broker/log/ReplicaLog.ts";
import { appendBatches, batchBases, LogWorld, producerBatch, recordOffsets } from "./harness.ts";

const COMPACT = { cleanupPolicy: "compact" as const, segmentBytes: 600 };

/** Appends one 2-record batch per key pair (261 bytes: two batches per 600-byte segment). */
function appendKeyed(log: ReplicaLog, pairs: [string, string][], nowMicros = 0): void {
  for (const keys of pairs) appendBatches(log, [2], 0, nowMicros, { keys });
}

/** key@offset for every record of the log. */
function keyedOffsets(log: ReplicaLog): string[] {
  return log.batches().flatMap((b: StoredBatch) => b.records.toArray().map((r, i) => `${r.key}@${recordOffset(b, i)}`));
}

describe("log compaction: the latest record per key", () => {
  it("keeps only the latest record of each key in the closed segments, at its original offset", () => {
    const world = new LogWorld();
    const log = world.open(COMPACT);
    // Segment 0: [a b] [a c]; segment 4: [b d] [a e]; active segment 8: [x y].
    appendKeyed(log, [["a", "b"], ["a", "c"], ["b", "d"], ["a", "e"], ["x", "y"]]);
    expect(log.segmentBaseOffsets).toEqual([0, 4, 8]);
    log.updateHighWatermark(log.logEndOffset);
    const result = log.compact();
    expect(result).toMatchObject({ segmentsCleaned: 2, recordsRemoved: 3, batchesRemoved: 1, endOffset: 8 });
    world.settle(); // the cleaned segments swap in once durable
    expect(keyedOffsets(log)).toEqual(["c@3", "b@4", "d@5", "a@6", "e@7", "x@8", "y@9"]);
    expect(log.logStartOffset).toBe(0);
    expect(log.logEndOffset).toBe(10);
    expect(log.isCleaning).toBe(false);
  });

  it("reads return compacted batches with their gaps, from any offset in the gap", () => {
    const world = new LogWorld();
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["a", "c"], ["b", "d"], ["a", "e"], ["x", "y"]]);
    log.updateHighWatermark(10);
    log.compact();
    world.settle();
    const read = log.read(0, 1 << 20, 10);
    expect(batchBases(read.batches)).toEqual([2]);
    expect(isCompacted(read.batches[0]!)).toBe(true);
    expect(read.batches[0]!.records.toArray().map((r) => r.key)).toEqual(["c"]);
    expect(read.sizeBytes).toBe(161);
  });

  it("never cleans the active segment, nor the segment holding the high watermark or anything after it", () => {
    const world = new LogWorld();
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["a", "c"], ["b", "d"], ["a", "e"], ["a", "b"]]);
    log.updateHighWatermark(5); // inside segment 4: only segment 0 is cleanable
    log.compact();
    world.settle();
    expect(keyedOffsets(log)).toEqual(["b@1", "a@2", "c@3", "b@4", "d@5", "a@6", "e@7", "a@8", "b@9"]);
  });

  it("drops keyless records, as Kafka's cleaner does", () => {
    const world = new LogWorld();
    const log = world.open(COMPACT);
    appendBatches(log, [2, 2], 0, 0, { keys: [null, "k"] });
    appendBatches(log, [1]);
    log.updateHighWatermark(5);
    log.compact();
    world.settle();
    expect(keyedOffsets(log)).toEqual(["k@3", "null@4"]);
  });

  it("cleans again only when the dirty part is at least min.cleanable.dirty.ratio of the log", () => {
    const world = new LogWorld();
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["c", "d"], ["e", "f"], ["g", "h"], ["x", "y"]]);
    log.updateHighWatermark(10);
    expect(log.compact()).not.toBeNull();
    world.settle();
    expect(log.compact()).toBeNull(); // nothing dirty
    appendKeyed(log, [["a", "z"], ["q", "r"]]); // [a z] fills segment 8, [q r] rolls segment 12
    log.updateHighWatermark(log.logEndOffset);
    // Dirty: segment 8 (522 bytes) against 1044 clean bytes, a ratio of 1/3: below 0.5.
    expect(log.compact()).toBeNull();
  });

  it("keeps a producer's last batch, even emptied, so its sequence survives", () => {
    const world = new LogWorld();
    const log = world.open({ ...COMPACT, segmentBytes: 300 });
    appendBatches(log, [2], 0, 0, { keys: ["a", "b"], producerId: 9, producerEpoch: 0, baseSequence: 0 });
    appendBatches(log, [2], 0, 0, { keys: ["a", "b"] }); // supersedes both records
    appendBatches(log, [1], 0, 0, { keys: ["z"] });
    log.updateHighWatermark(5);
    log.compact();
    world.settle();
    const first = log.batches()[0]!;
    expect(first.baseOffset).toBe(0);
    expect(first.records.length).toBe(0);
    expect(first.producerId).toBe(9);
    const reopened = world.crashAndReopen({ ...COMPACT, segmentBytes: 300 }, "broker-1", "process");
    expect(reopened.producerState.entry(9)!.lastSeq).toBe(1);
    const retry = reopened.appendAsLeader(producerBatch(2, { keys: ["a", "b"], producerId: 9, producerEpoch: 0, baseSequence: 0 }), 0, 0);
    expect(retry).toEqual({ kind: "duplicate", baseOffset: 0, lastOffset: 1 });
  });
});

describe("log compaction: replication and crashes", () => {
  function cleanedLeader(world: LogWorld): ReplicaLog {
    const log = world.open(COMPACT, "broker-1");
    appendKeyed(log, [["a", "b"], ["a", "b"], ["a", "c"], ["b", "d"], ["x", "y"]]);
    log.updateHighWatermark(10);
    log.compact();
    world.settle();
    expect(keyedOffsets(log)).toEqual(["a@4", "c@5", "b@6", "d@7", "x@8", "y@9"]);
    return log;
  }

  it("a follower replicates compacted batches, gaps and all, and recovers them after a crash", () => {
    const world = new LogWorld("compact-follower", {}, ["broker-1", "broker-2"]);
    const leader = cleanedLeader(world);
    const follower = world.open(COMPACT, "broker-2");
    while (follower.logEndOffset < leader.logEndOffset) {
      const read = leader.read(follower.logEndOffset, 300, leader.logEndOffset);
      expect(follower.appendAsFollower(read.batches).kind).toBe("appended");
    }
    expect(keyedOffsets(follower)).toEqual(keyedOffsets(leader));
    follower.flush();
    world.settle();
    const reopened = world.crashAndReopen(COMPACT, "broker-2");
    expect(keyedOffsets(reopened)).toEqual(keyedOffsets(leader));
    expect(reopened.logEndOffset).toBe(10);
  });

  it("a crash before the cleaned segment is durable leaves the old segments whole", () => {
    const world = new LogWorld("swap-early", { fsyncMicros: 10_000 });
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["a", "b"], ["x", "y"]]);
    log.flush();
    world.settle();
    log.updateHighWatermark(6);
    log.compact();
    world.advance(5_000);
    const reopened = world.crashAndReopen(COMPACT);
    expect(recordOffsets(reopened)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(world.node().disk.list("orders-0/").filter((n) => n.endsWith(".cleaned") || n.endsWith(".swap"))).toEqual([]);
  });

  it("a crash after the swap committed but before the rewritten segment is durable completes the swap", () => {
    const world = new LogWorld("swap-late", { fsyncMicros: 10_000 });
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["a", "b"], ["x", "y"]]);
    log.flush();
    world.settle();
    log.updateHighWatermark(6);
    log.compact();
    world.advance(15_000); // the cleaned file is durable and the swap committed; the segment's own fsync is under way
    expect(recordOffsets(log)).toEqual([2, 3, 4, 5]);
    expect(world.node().disk.exists("orders-0/00000000000000000000.swap")).toBe(true);
    const reopened = world.crashAndReopen(COMPACT);
    expect(recordOffsets(reopened)).toEqual([2, 3, 4, 5]);
    world.settle();
    expect(world.node().disk.list("orders-0/").filter((n) => n.endsWith(".cleaned") || n.endsWith(".swap"))).toEqual([]);
  });

  it("a truncation into the compacted part continues at the target, so offsets are not handed out twice", () => {
    const world = new LogWorld();
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["a", "b"], ["c", "d"], ["x", "y"]]);
    log.updateHighWatermark(8);
    log.compact();
    world.settle();
    expect(keyedOffsets(log)).toEqual(["a@2", "b@3", "c@4", "d@5", "x@6", "y@7"]);
    log.truncateTo(1); // inside the gap the cleaner left at 0-1
    expect(log.logEndOffset).toBe(1);
    const next = log.appendAsLeader(producerBatch(1, { keys: ["n"] }), 1, 0);
    expect(next.kind === "appended" && next.batch.baseOffset).toBe(1);
    log.flush();
    world.settle();
    expect(recordOffsets(world.crashAndReopen(COMPACT))).toEqual([1]);
  });

  it("a follower takes the leader's next batch across a gap the cleaner left before the leader's truncation point", () => {
    const world = new LogWorld("gap-follow", {}, ["broker-1", "broker-2"]);
    const config = { ...COMPACT, segmentBytes: 900 }; // three 261-byte batches per segment
    const leader = world.open(config, "broker-1");
    appendKeyed(leader, [["c", "d"], ["a", "b"], ["a", "b"], ["x", "y"]]);
    leader.updateHighWatermark(8);
    leader.compact();
    world.settle();
    expect(keyedOffsets(leader)).toEqual(["c@0", "d@1", "a@4", "b@5", "x@6", "y@7"]);
    leader.truncateTo(3); // into the gap at 2-3: the LEO is 3, the data ends at 2
    expect(leader.logEndOffset).toBe(3);
    appendBatches(leader, [1], 1, 0, { keys: ["n"] });
    const follower = world.open(config, "broker-2");
    while (follower.logEndOffset < leader.logEndOffset) {
      expect(follower.appendAsFollower(leader.read(follower.logEndOffset, 1 << 20, leader.logEndOffset).batches).kind).toBe("appended");
    }
    expect(keyedOffsets(follower)).toEqual(["c@0", "d@1", "n@3"]);
    follower.flush();
    world.settle();
    expect(keyedOffsets(world.crashAndReopen(config, "broker-2"))).toEqual(["c@0", "d@1", "n@3"]);
  });

  it("a truncation while a swap is pending cannot bring the truncated records back after a crash", () => {
    const world = new LogWorld("swap-truncate", { fsyncMicros: 10_000 });
    const log = world.open(COMPACT);
    appendKeyed(log, [["a", "b"], ["c", "d"], ["x", "y"]]);
    log.flush();
    world.settle();
    log.updateHighWatermark(6);
    log.compact();
    world.advance(15_000);
    log.truncateTo(2);
    expect(log.logEndOffset).toBe(2);
    expect(recordOffsets(world.crashAndReopen(COMPACT))).toEqual([0, 1]);
  });
});
