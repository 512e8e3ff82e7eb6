import { describe, expect, it } from "vitest";
import { batch, BrokerWorld, Replica } from "./harness.ts";

/** Broker 1 leads orders-0 in epoch 0 with replicas 1, 2, 3, all in the ISR, and holds `records` records. */
function leaderWith(records: number, isr = [1, 2, 3]): Replica {
  const leader = new Replica(new BrokerWorld(), 1);
  leader.leaderAndIsr({ leader: 1, leaderEpoch: 0, isr });
  if (records > 0) leader.produce(batch(records), 1);
  return leader;
}

describe("replication: the high watermark", () => {
  it("stays at the smallest log end offset in the ISR: a record only the leader has is not committed", () => {
    const leader = leaderWith(5);
    expect(leader.partition().log.logEndOffset).toBe(5);
    expect(leader.partition().highWatermark).toBe(0);
    leader.fetch(2, 5);
    expect(leader.partition().highWatermark).toBe(0); // follower 3 has not fetched: it may have nothing
    leader.fetch(3, 3);
    expect(leader.partition().highWatermark).toBe(3);
    leader.fetch(3, 5);
    expect(leader.partition().highWatermark).toBe(5);
  });

  it("a follower's fetch at offset N proves it has everything below N, and nothing at or above N", () => {
    const leader = leaderWith(10);
    leader.fetch(2, 4);
    leader.fetch(3, 4);
    expect(leader.partition().highWatermark).toBe(4);
    expect(leader.partition().followerLogEndOffsets()).toEqual(new Map([[2, 4], [3, 4]]));
  });

  it("never goes backwards, even when a follower fetches from below it again", () => {
    const leader = leaderWith(5);
    leader.fetch(2, 5);
    leader.fetch(3, 5);
    expect(leader.partition().highWatermark).toBe(5);
    leader.fetch(2, 2); // a follower that truncated (or a late request) fetches from 2
    expect(leader.partition().highWatermark).toBe(5);
    leader.produce(batch(3), 1);
    leader.fetch(3, 8);
    expect(leader.partition().highWatermark).toBe(5); // follower 2 is at 2 now: the HW waits, it does not drop
  });

  it("a replica outside the ISR does not hold it back", () => {
    const leader = leaderWith(6, [1, 2]);
    leader.fetch(2, 6);
    expect(leader.partition().highWatermark).toBe(6);
  });

  it("never passes the leader's own log end offset", () => {
    const leader = leaderWith(3);
    leader.fetch(2, 3);
    leader.fetch(3, 3);
    expect(leader.partition().highWatermark).toBe(3);
    expect(leader.partition().highWatermark).toBeLessThanOrEqual(leader.partition().log.logEndOffset);
  });

  it("with the leader alone in the ISR an append commits at once, and observers hear of the new high watermark", () => {
    const leader = leaderWith(0, [1]);
    leader.produce(batch(4), 1);
    expect(leader.partition().highWatermark).toBe(4);
    expect(leader.hwChanges).toEqual([4]);
  });

  it("observers hear every move of the high watermark a follower's fetch causes", () => {
    const leader = leaderWith(5, [1, 2]);
    leader.fetch(2, 3);
    leader.fetch(2, 5);
    expect(leader.hwChanges).toEqual([3, 5]);
  });

  it("a follower's fetch is answered with the high watermark as it was before that fetch moved it (the follower learns it one fetch later, as in Kafka)", () => {
    const leader = leaderWith(5, [1, 2]);
    const first = leader.fetchAnswer(leader.fetch(2, 0))!;
    expect(first.batches.map((b) => b.baseOffset)).toEqual([0]);
    expect(first.highWatermark).toBe(0);
    leader.produce(batch(2), 1);
    const second = leader.fetchAnswer(leader.fetch(2, 5))!; // this fetch moves the HW to 5
    expect(leader.partition().highWatermark).toBe(5);
    expect(second.highWatermark).toBe(0);
    const third = leader.fetchAnswer(leader.fetch(2, 7))!;
    expect(third.highWatermark).toBe(5);
  });

  it("a fetch that waits in purgatory is answered with the high watermark of the moment it completes", () => {
    const leader = leaderWith(5, [1, 2]);
    const id = leader.fetch(2, 5, { maxWaitMicros: 500_000 }); // nothing new to read: it waits
    expect(leader.fetchAnswer(id)).toBeUndefined();
    leader.world.advance(500_000);
    expect(leader.fetchAnswer(id)!.highWatermark).toBe(5);
  });

  it("a consumer reads only below the high watermark; a follower reads up to the log end", () => {
    const leader = leaderWith(5, [1, 2]);
    leader.fetch(2, 3);
    const consumer = leader.fetchAnswer(leader.fetch(-1, 0))!;
    expect(consumer.batches).toEqual([]); // the single batch 0-4 ends above the HW (3)
    const follower = leader.fetchAnswer(leader.fetch(2, 3))!;
    expect(follower.batches.map((b) => b.baseOffset)).toEqual([0]);
  });

  it("a follower's out-of-range fetch (above the leader's log end) proves nothing and does not move the high watermark", () => {
    const leader = leaderWith(5, [1, 2]);
    leader.fetch(2, 3);
    const answer = leader.fetchAnswer(leader.fetch(2, 9))!;
    expect(answer.error).toBe("OFFSET_OUT_OF_RANGE");
    expect(leader.partition().followerLogEndOffsets().get(2)).toBe(3);
    expect(leader.partition().highWatermark).toBe(3);
  });
});
