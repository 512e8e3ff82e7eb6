import { describe, expect, it } from "vitest";
import { RecordSet } from "../../src/protocol/RecordSet.ts";
import type { CompactedBatch } from "../../src/broker/log/storedBatch.ts";
import type { ReplicaLog } from "../../src/broker/log/ReplicaLog.ts";
import type { Profile } from "../../src/protocol/config/profiles.ts";
import { appendAsLeader, BrokerWorld, logsOf, record, Replica, valueIds } from "./harness.ts";
import { describeRequest, epochAnswer, fetchAnswer, pending, ScriptedLeader } from "./scriptedLeader.ts";

const SECOND = 1_000_000;
const BACKOFF = 1 * SECOND; // replica.fetch.backoff.ms
const SOCKET_TIMEOUT = 30 * SECOND; // replica.socket.timeout.ms

/** Broker 2 follows broker 1 in epoch 4 on `profile`, with a log of `records` records from epoch 3. */
function follower(profile: Profile, records = 5): { world: BrokerWorld; f: Replica; log: ReplicaLog } {
  const world = new BrokerWorld("fetcher");
  const log = world.log(2);
  if (records > 0) appendAsLeader(log, Array.from({ length: records }, () => 1), 3); // one record a batch
  log.updateHighWatermark(records);
  const f = new Replica(world, 2, { profile, logs: logsOf([["orders-0", log]]) });
  f.leaderAndIsr({ leader: 1, leaderEpoch: 4, isr: [1, 2], replicas: [1, 2] });
  return { world, f, log };
}

describe("replica fetcher: the requests a follower sends", () => {
  it("on 2.1 and 3.x every request carries the follower's current leader epoch (KIP-320)", () => {
    for (const profile of ["2.1", "3.x"] as const) {
      const { f } = follower(profile);
      const epochs = pending(f);
      expect(describeRequest(epochs)).toEqual({ epochFor: 3, currentLeaderEpoch: 4 });
      f.answer(1, epochAnswer(epochs.correlationId, "NONE", 3, 5));
      expect(describeRequest(pending(f))).toEqual({ fetchAt: 5, currentLeaderEpoch: 4 });
    }
  });

  it("on 0.10 and 0.11 requests carry no leader epoch", () => {
    const { f: old } = follower("0.10");
    expect(describeRequest(pending(old))).toEqual({ fetchAt: 5, currentLeaderEpoch: -1 });
    const { f } = follower("0.11");
    expect(describeRequest(pending(f))).toEqual({ epochFor: 3, currentLeaderEpoch: -1 });
  });

  it("a follower takes the leader's high watermark, capped at its own log end", () => {
    const { f, log } = follower("0.10", 0);
    const leaderLog = new BrokerWorld("leader").log(1);
    appendAsLeader(leaderLog, [3, 3], 0);
    const first = pending(f);
    f.answer(1, fetchAnswer(first.correlationId, "NONE", leaderLog.read(0, 1 << 20, 3).batches, 6));
    expect(log.logEndOffset).toBe(3);
    expect(log.highWatermark).toBe(3);
    const second = pending(f);
    f.answer(1, fetchAnswer(second.correlationId, "NONE", leaderLog.read(3, 1 << 20, 6).batches, 4));
    expect(log.logEndOffset).toBe(6);
    expect(log.highWatermark).toBe(4);
  });

  it("appends the leader's batches after a gap the leader's cleaner left (cleanup.policy=compact)", () => {
    const { f, log } = follower("0.10", 5);
    // The leader's cleaner removed the batch at 5-6 whole, and offset 7 of the batch at 7-9.
    const compacted: CompactedBatch = {
      baseOffset: 7,
      records: RecordSet.of([record("k1"), record("k2")]),
      recordOffsets: [8, 9],
      lastOffset: 9,
      partitionLeaderEpoch: 3,
      producerId: -1,
      producerEpoch: 0,
      baseSequence: -1,
      appendedAtMicros: 0,
      sizeBytes: 261,
    };
    const first = pending(f);
    f.answer(1, fetchAnswer(first.correlationId, "NONE", [compacted], 10));
    expect(log.logEndOffset).toBe(10);
    expect(describeRequest(pending(f))).toEqual({ fetchAt: 10, currentLeaderEpoch: -1 });
  });
});

describe("replica fetcher: errors and lost requests do not skip truncation", () => {
  it("an error answer to OffsetsForLeaderEpoch (the leader has not heard it leads) is retried after the back-off, and truncation still happens before any fetch", () => {
    const leaderWorld = new BrokerWorld("leader");
    const leaderLog = leaderWorld.log(1);
    appendAsLeader(leaderLog, [2], 3); // the leader has only the first 2 of our 5 records of epoch 3
    leaderLog.assignEpochStartOffset(4, 2);
    const { world, f, log } = follower("3.x");
    const first = pending(f);
    f.answer(1, epochAnswer(first.correlationId, "UNKNOWN_LEADER_EPOCH", -1, -1));
    expect(f.takeSent()).toEqual([]); // backing off
    world.advance(BACKOFF);
    const again = pending(f);
    expect(describeRequest(again)).toEqual({ epochFor: 3, currentLeaderEpoch: 4 });
    expect(log.logEndOffset).toBe(5); // nothing fetched meanwhile
    f.answer(1, new ScriptedLeader(leaderLog, true).answerFor(again)); // epoch 3 ends at 2 on the leader
    expect(log.logEndOffset).toBe(2);
    expect(describeRequest(pending(f))).toEqual({ fetchAt: 2, currentLeaderEpoch: 4 });
  });

  it("a NOT_LEADER_OR_FOLLOWER answer during truncation is retried too (0.11: no fencing, same rule)", () => {
    const { world, f } = follower("0.11");
    const first = pending(f);
    f.answer(1, epochAnswer(first.correlationId, "NOT_LEADER_OR_FOLLOWER", -1, -1));
    world.advance(BACKOFF);
    expect(describeRequest(pending(f))).toEqual({ epochFor: 3, currentLeaderEpoch: -1 });
  });

  it("an OffsetsForLeaderEpoch lost to the socket timeout is sent again after the back-off", () => {
    const { world, f } = follower("3.x");
    expect(describeRequest(pending(f))).toEqual({ epochFor: 3, currentLeaderEpoch: 4 });
    world.advance(SOCKET_TIMEOUT + BACKOFF);
    expect(describeRequest(pending(f))).toEqual({ epochFor: 3, currentLeaderEpoch: 4 });
  });

  it("a ListOffsets lost to a connection reset is sent again after the back-off", () => {
    const { world, f } = follower("0.10");
    const fetch = pending(f);
    f.answer(1, fetchAnswer(fetch.correlationId, "OFFSET_OUT_OF_RANGE", [], -1));
    expect(describeRequest(pending(f))).toEqual({ listOffsets: "latest" });
    f.fetchers.connectionReset(1);
    world.advance(BACKOFF);
    expect(describeRequest(pending(f))).toEqual({ listOffsets: "latest" });
  });

  it("a fetch error backs off replica.fetch.backoff.ms, then fetches again from the same offset", () => {
    const { world, f } = follower("0.10");
    const fetch = pending(f);
    f.answer(1, fetchAnswer(fetch.correlationId, "NOT_LEADER_OR_FOLLOWER", [], -1));
    world.advance(BACKOFF - 1);
    expect(f.takeSent()).toEqual([]);
    world.advance(1);
    expect(describeRequest(pending(f))).toEqual({ fetchAt: 5, currentLeaderEpoch: -1 });
  });

  it("a late answer to a request that timed out is ignored", () => {
    const { world, f, log } = follower("3.x");
    const lost = pending(f);
    world.advance(SOCKET_TIMEOUT);
    f.answer(1, epochAnswer(lost.correlationId, "NONE", 3, 0)); // would truncate everything
    expect(log.logEndOffset).toBe(5);
    expect(valueIds(log)).toHaveLength(5);
  });
});
