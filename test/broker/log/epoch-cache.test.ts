import { describe, expect, it } from "vitest";
import { LeaderEpochCache } from "../../../src/broker/log/LeaderEpochCache.ts";
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from "../../../src/protocol/requests.ts";
import { appendBatches, LogWorld, valueIds } from "./harness.ts";

const FILE = "orders-0/leader-epoch-checkpoint";
const UNDEFINED = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };

function cacheWith(entries: [number, number][], world = new LogWorld()): LeaderEpochCache {
  const cache = new LeaderEpochCache(world.node().disk, FILE);
  for (const [epoch, start] of entries) cache.assign(epoch, start);
  return cache;
}

describe("leader epoch cache: entries", () => {
  it("ignores an assignment that is not newer (same epoch, same or later offset)", () => {
    const cache = cacheWith([[1, 10]]);
    cache.assign(1, 15);
    cache.assign(1, 10);
    expect(cache.all).toEqual([{ epoch: 1, startOffset: 10 }]);
  });

  it("drops entries that an assignment shows to be non-monotonic, as Kafka 2.x+ does", () => {
    const cache = cacheWith([[1, 10], [2, 20], [3, 30]]);
    cache.assign(2, 15); // epoch 2 really starts at 15: entries at epoch >= 2 or offset >= 15 go
    expect(cache.all).toEqual([{ epoch: 1, startOffset: 10 }, { epoch: 2, startOffset: 15 }]);
  });

  it("truncateFromEnd removes the entries starting at or after the end offset", () => {
    const cache = cacheWith([[0, 0], [1, 10], [2, 20]]);
    cache.truncateFromEnd(20);
    expect(cache.all.map((e) => e.epoch)).toEqual([0, 1]);
    cache.truncateFromEnd(11);
    expect(cache.all.map((e) => e.epoch)).toEqual([0, 1]);
  });

  it("truncateFromStart keeps the epoch of the new first offset, starting there", () => {
    const cache = cacheWith([[0, 0], [1, 10], [2, 20]]);
    cache.truncateFromStart(15);
    expect(cache.all).toEqual([{ epoch: 1, startOffset: 15 }, { epoch: 2, startOffset: 20 }]);
    cache.truncateFromStart(20);
    expect(cache.all).toEqual([{ epoch: 2, startOffset: 20 }]);
  });

  it("every change rewrites and fsyncs the checkpoint; a crash before the fsync brings back the old one", () => {
    const world = new LogWorld();
    cacheWith([[0, 0], [1, 10]], world);
    world.settle();
    const cache = new LeaderEpochCache(world.node().disk, FILE);
    expect(cache.all.map((e) => e.epoch)).toEqual([0, 1]);
    cache.assign(2, 20);
    world.node().crash();
    world.node().restart();
    expect(new LeaderEpochCache(world.node().disk, FILE).all.map((e) => e.epoch)).toEqual([0, 1]);
  });
});

describe("leader epoch cache: OffsetsForLeaderEpoch answers", () => {
  // The cache of a leader whose log ends at 120: epoch 1 from 0, epoch 3 from 50, epoch 4 from 100.
  const cache = cacheWith([[1, 0], [3, 50], [4, 100]]);
  const LEO = 120;

  it("KIP-101: the latest epoch ends at the LEO", () => {
    expect(cache.endOffsetFor(4, LEO, "kip-101")).toEqual({ epoch: UNDEFINED_EPOCH, endOffset: 120 });
  });

  it("KIP-101: an earlier epoch ends where the next larger one starts", () => {
    expect(cache.endOffsetFor(1, LEO, "kip-101").endOffset).toBe(50);
    expect(cache.endOffsetFor(3, LEO, "kip-101").endOffset).toBe(100);
    // Epoch 2 never had a leader that wrote here: the answer is still the start of epoch 3.
    expect(cache.endOffsetFor(2, LEO, "kip-101").endOffset).toBe(50);
  });

  it("KIP-101: below the earliest epoch or above the latest, undefined (the follower falls back to its HW)", () => {
    expect(cache.endOffsetFor(0, LEO, "kip-101")).toEqual(UNDEFINED);
    expect(cache.endOffsetFor(5, LEO, "kip-101")).toEqual(UNDEFINED);
    expect(cache.endOffsetFor(UNDEFINED_EPOCH, LEO, "kip-101")).toEqual(UNDEFINED);
  });

  it("KIP-279: the largest epoch at or below the one asked, with its end offset", () => {
    expect(cache.endOffsetFor(4, LEO, "kip-279")).toEqual({ epoch: 4, endOffset: 120 });
    expect(cache.endOffsetFor(3, LEO, "kip-279")).toEqual({ epoch: 3, endOffset: 100 });
    expect(cache.endOffsetFor(2, LEO, "kip-279")).toEqual({ epoch: 1, endOffset: 50 });
  });

  it("KIP-279: below the earliest epoch, the asked epoch and the earliest start; above the latest, undefined", () => {
    expect(cache.endOffsetFor(0, LEO, "kip-279")).toEqual({ epoch: 0, endOffset: 0 });
    expect(cache.endOffsetFor(5, LEO, "kip-279")).toEqual(UNDEFINED);
  });

  it("an empty cache knows nothing", () => {
    const empty = cacheWith([]);
    expect(empty.latestEpoch).toBe(UNDEFINED_EPOCH);
    expect(empty.endOffsetFor(0, 10, "kip-279")).toEqual(UNDEFINED);
    expect(empty.endOffsetFor(0, 10, "kip-101")).toEqual(UNDEFINED);
  });
});

describe("leader epochs: the stories of the KIPs, on two replicas", () => {
  it("KIP-101 scenario 2: a restarted replica truncates to the new leader's epoch end instead of diverging", () => {
    // A leads epoch 0 and writes m1, m2; B has fetched only m1 when A fails.
    const world = new LogWorld("kip101", {}, ["broker-1", "broker-2"]);
    const a = world.open({}, "broker-1");
    const b = world.open({}, "broker-2");
    appendBatches(a, [1, 1], 0);
    b.appendAsFollower(a.read(0, 1 << 20, 1).batches);
    // B becomes the leader of epoch 1 and writes m3 at offset 1.
    b.assignEpochStartOffset(1, b.logEndOffset);
    appendBatches(b, [1], 1);
    // A comes back as a follower and asks for the end of its latest epoch, 0.
    const answer = b.endOffsetForEpoch(a.latestEpoch, "kip-101");
    expect(answer.endOffset).toBe(1);
    a.truncateTo(Math.min(answer.endOffset, a.logEndOffset));
    a.appendAsFollower(b.read(a.logEndOffset, 1 << 20, b.logEndOffset).batches);
    expect(valueIds(a)).toEqual(valueIds(b));
  });

  it("KIP-279: with only KIP-101's answer a follower keeps records the leader never had; KIP-279's answer removes them", () => {
    // Leader L: epoch 0 from 0, then (after another broker's short epoch 1 it never saw) epoch 2 from 4.
    // Follower F: epoch 0 from 0, epoch 1 from 2 (it led epoch 1 briefly and wrote 2 batches L never got).
    const world = new LogWorld("kip279", {}, ["broker-1", "broker-2"]);
    const leader = world.open({}, "broker-1");
    const follower = world.open({}, "broker-2");
    appendBatches(leader, [1, 1], 0);
    follower.appendAsFollower(leader.read(0, 1 << 20, 2).batches);
    appendBatches(follower, [1, 1], 1); // offsets 2, 3 in epoch 1
    appendBatches(leader, [1, 1], 0); // offsets 2, 3 in epoch 0
    leader.assignEpochStartOffset(2, 4);
    appendBatches(leader, [1], 2);
    // KIP-101: the leader answers only the end offset for epoch 1: the start of epoch 2, 4.
    const old = leader.endOffsetForEpoch(follower.latestEpoch, "kip-101");
    expect(old.endOffset).toBe(4);
    expect(Math.min(old.endOffset, follower.logEndOffset)).toBe(4); // nothing truncated: offsets 2, 3 diverge
    // KIP-279: the leader answers epoch 0 (the largest it has at or below 1), ending at 4; the
    // follower cuts to the end of its own epoch 0, which is 2, and asks again with epoch 0.
    const first = leader.endOffsetForEpoch(follower.latestEpoch, "kip-279");
    expect(first).toEqual({ epoch: 0, endOffset: 4 });
    const mine = follower.endOffsetForEpoch(first.epoch, "kip-279");
    expect(mine).toEqual({ epoch: 0, endOffset: 2 });
    follower.truncateTo(Math.min(first.endOffset, mine.endOffset));
    const second = leader.endOffsetForEpoch(follower.latestEpoch, "kip-279");
    expect(second).toEqual({ epoch: 0, endOffset: 4 });
    follower.truncateTo(Math.min(second.endOffset, follower.logEndOffset));
    follower.appendAsFollower(leader.read(follower.logEndOffset, 1 << 20, leader.logEndOffset).batches);
    expect(valueIds(follower)).toEqual(valueIds(leader));
  });
});
