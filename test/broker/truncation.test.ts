import { describe, expect, it } from "vitest";
import type { ReplicaLog } from "../../src/broker/log/ReplicaLog.ts";
import type { Profile } from "../../src/protocol/config/profiles.ts";
import { appendAsLeader, BrokerWorld, logsOf, Replica, replicate, valueIds } from "./harness.ts";
import { describeRequest, fetchAnswer, listOffsetsAnswer, pending, ScriptedLeader } from "./scriptedLeader.ts";

/** Broker 2 becomes a follower of broker 1 in `leaderEpoch`, with `log` as its replica's log. */
function follow(world: BrokerWorld, log: ReplicaLog, profile: Profile, leaderEpoch: number): Replica {
  const follower = new Replica(world, 2, { profile, logs: logsOf([["orders-0", log]]) });
  follower.leaderAndIsr({ leader: 1, leaderEpoch, isr: [1, 2], replicas: [1, 2] });
  return follower;
}

const kip279 = (profile: Profile): boolean => profile === "2.1" || profile === "3.x";

/**
 * KIP-101, scenario 1: B leads epoch 0 with m1, m2, both committed (HW 2). Follower A has
 * fetched m2, but its high watermark (learnt a fetch later, checkpointed later still) is 1
 * when it restarts.
 */
function kip101Scenario1(): { world: BrokerWorld; b: ReplicaLog; a: ReplicaLog } {
  const world = new BrokerWorld("kip101-1");
  const b = world.log(1);
  const a = world.log(2);
  appendAsLeader(b, [1, 1], 0);
  replicate(b, a);
  b.updateHighWatermark(2);
  a.updateHighWatermark(1);
  return { world, b, a };
}

/**
 * KIP-101, scenario 2: A led epoch 0 and wrote m1, m2 (its HW 2); B had m1 only when both
 * lost power. B came back first, leads epoch 1 and wrote m3 at offset 1. A returns as B's follower.
 */
function kip101Scenario2(): { world: BrokerWorld; b: ReplicaLog; a: ReplicaLog } {
  const world = new BrokerWorld("kip101-2");
  const b = world.log(1);
  const a = world.log(2);
  appendAsLeader(a, [1, 1], 0);
  a.updateHighWatermark(2);
  replicate(a, b, 1);
  b.assignEpochStartOffset(1, 1);
  appendAsLeader(b, [1], 1);
  b.updateHighWatermark(1);
  return { world, b, a };
}

/**
 * KIP-279's fast leader fail-over: A leads epoch 1 and writes offsets 0-10, which B
 * replicates, then 11-20, which B never gets. A fails; B leads epoch 2 and writes 11-15.
 * B fails at once; A leads epoch 3 from 21 and writes 21-22. B returns as A's follower and
 * asks about epoch 2, which A never knew.
 */
function kip279FastFailover(): { world: BrokerWorld; a: ReplicaLog; b: ReplicaLog } {
  const world = new BrokerWorld("kip279");
  const a = world.log(1);
  const b = world.log(2);
  appendAsLeader(a, [11], 1);
  replicate(a, b);
  appendAsLeader(a, [5, 5], 1);
  b.assignEpochStartOffset(2, 11);
  appendAsLeader(b, [5], 2);
  a.assignEpochStartOffset(3, 21);
  appendAsLeader(a, [2], 3);
  return { world, a, b };
}

/**
 * Three fast fail-overs, where KIP-279 needs two round trips: X leads epoch 0 and writes
 * 0-4; F replicates all of it, L only 0-2. L leads epoch 1 from 3 (writes 3-7); F, which
 * never saw epoch 1, leads epoch 2 from 5 (writes 5-6, or nothing when `f2Records` is 0);
 * L leads epoch 3 from 8 (writes 8-9). F returns as L's follower.
 */
function threeFailovers(f2Records: number): { world: BrokerWorld; l: ReplicaLog; f: ReplicaLog } {
  const world = new BrokerWorld("three-failovers");
  const l = world.log(1);
  const f = world.log(2);
  const x = world.log(3);
  appendAsLeader(x, [3, 2], 0);
  replicate(x, f);
  replicate(x, l, 3);
  l.assignEpochStartOffset(1, 3);
  appendAsLeader(l, [2, 2, 1], 1);
  f.assignEpochStartOffset(2, 5);
  if (f2Records > 0) appendAsLeader(f, [f2Records], 2);
  l.assignEpochStartOffset(3, 8);
  appendAsLeader(l, [2], 3);
  return { world, l, f };
}

describe("truncation on 0.10: to the follower's own high watermark (before KIP-101)", () => {
  it("becoming a follower truncates to the high watermark at once, before anything is asked of the leader", () => {
    const { world, a } = kip101Scenario1();
    const follower = follow(world, a, "0.10", 0);
    expect(a.logEndOffset).toBe(1);
    expect(follower.takeSent().map((s) => describeRequest(s.request))).toEqual([{ fetchAt: 1, currentLeaderEpoch: -1 }]);
  });

  it("KIP-101 scenario 1: the restarted follower throws away committed m2; elected next, it leads without it", () => {
    const { world, b, a } = kip101Scenario1();
    const m2 = valueIds(b)[1]!;
    const follower = follow(world, a, "0.10", 0);
    expect(valueIds(a)).not.toContain(m2);
    // B dies before A fetches again; A is elected.
    follower.leaderAndIsr({ leader: 2, leaderEpoch: 1, isr: [2], replicas: [1, 2] });
    expect(follower.partition().isLeader).toBe(true);
    expect(valueIds(a)).not.toContain(m2);
  });

  it("KIP-101 scenario 2: the returning follower keeps m2 where the leader has m3: the replicas diverge", () => {
    const { world, b, a } = kip101Scenario2();
    const follower = follow(world, a, "0.10", 1);
    const asked = new ScriptedLeader(b, false).sync(follower);
    expect(asked).toEqual([{ fetchAt: 2, currentLeaderEpoch: -1 }]);
    expect(valueIds(a)[1]).not.toBe(valueIds(b)[1]);
  });
});

describe("truncation on 0.11: to the leader's end offset for the follower's latest epoch (KIP-101)", () => {
  it("KIP-101 scenario 1: the leader says epoch 0 ends at 2, so the follower keeps m2", () => {
    const { world, b, a } = kip101Scenario1();
    const follower = follow(world, a, "0.11", 0);
    const asked = new ScriptedLeader(b, false).sync(follower);
    expect(asked).toEqual([
      { epochFor: 0, currentLeaderEpoch: -1 },
      { fetchAt: 2, currentLeaderEpoch: -1 },
    ]);
    expect(valueIds(a)).toEqual(valueIds(b));
  });

  it("KIP-101 scenario 2: the leader says epoch 0 ends at 1, so the follower drops m2 and fetches m3", () => {
    const { world, b, a } = kip101Scenario2();
    const follower = follow(world, a, "0.11", 1);
    const asked = new ScriptedLeader(b, false).sync(follower);
    expect(asked).toEqual([
      { epochFor: 0, currentLeaderEpoch: -1 },
      { fetchAt: 1, currentLeaderEpoch: -1 },
      { fetchAt: 2, currentLeaderEpoch: -1 },
    ]);
    expect(valueIds(a)).toEqual(valueIds(b));
  });

  it("the truncation point is min(the leader's answer, the follower's log end): a short follower keeps everything", () => {
    const { world, b, a } = kip101Scenario1();
    a.truncateTo(1); // A has only m1
    const follower = follow(world, a, "0.11", 0);
    const leader = new ScriptedLeader(b, false);
    const request = leader.next(follower);
    follower.answer(1, leader.answerFor(request)); // epoch 0 ends at 2, above A's end
    expect(a.logEndOffset).toBe(1);
    expect(describeRequest(leader.next(follower))).toEqual({ fetchAt: 1, currentLeaderEpoch: -1 });
  });

  it("when the leader knows no end for the epoch (UNDEFINED_EPOCH_OFFSET) the follower falls back to its high watermark", () => {
    const { world, b, a } = kip101Scenario1();
    const follower = follow(world, a, "0.11", 0);
    const request = new ScriptedLeader(b, false).next(follower);
    follower.answer(1, { type: "kafka.offsets-for-leader-epoch.response", correlationId: request.correlationId, partitions: [{ topic: "orders", partition: 0, error: "NONE", leaderEpoch: -1, endOffset: -1 }] });
    expect(a.logEndOffset).toBe(1);
  });

  it("KIP-279's fast fail-over defeats it: the leader answers 21 for an epoch it never knew, and B keeps its epoch-2 records", () => {
    const { world, a, b } = kip279FastFailover();
    const follower = follow(world, b, "0.11", 3);
    const asked = new ScriptedLeader(a, false).sync(follower);
    expect(asked).toEqual([
      { epochFor: 2, currentLeaderEpoch: -1 },
      { fetchAt: 16, currentLeaderEpoch: -1 },
      { fetchAt: 23, currentLeaderEpoch: -1 },
    ]);
    expect(b.logEndOffset).toBe(a.logEndOffset);
    expect(valueIds(b).slice(11, 16)).not.toEqual(valueIds(a).slice(11, 16)); // diverged at 11-15
  });
});

describe("truncation on 2.1 and 3.x: KIP-279's answer, iterated until both sides know the epoch", () => {
  for (const profile of ["2.1", "3.x"] as const) {
    it(`${profile}: KIP-279's fast fail-over: the leader answers (epoch 1, 21); B truncates to its own end of epoch 1, 11, and converges`, () => {
      const { world, a, b } = kip279FastFailover();
      const follower = follow(world, b, profile, 3);
      const asked = new ScriptedLeader(a, kip279(profile)).sync(follower);
      expect(asked).toEqual([
        { epochFor: 2, currentLeaderEpoch: 3 },
        { fetchAt: 11, currentLeaderEpoch: 3 },
        { fetchAt: 23, currentLeaderEpoch: 3 },
      ]);
      expect(valueIds(b)).toEqual(valueIds(a));
    });
  }

  it("three fast fail-overs: the leader answers an epoch the follower never had; it cuts to the end of its own earlier epoch and asks again", () => {
    const { world, l, f } = threeFailovers(2);
    const follower = follow(world, f, "3.x", 3);
    const asked = new ScriptedLeader(l, true).sync(follower);
    expect(asked).toEqual([
      { epochFor: 2, currentLeaderEpoch: 3 }, // answer (1, 8): F never had epoch 1; its epoch 0 ends at 5
      { epochFor: 0, currentLeaderEpoch: 3 }, // answer (0, 3): both know epoch 0; truncate to min(3, 5)
      { fetchAt: 3, currentLeaderEpoch: 3 },
      { fetchAt: 10, currentLeaderEpoch: 3 },
    ]);
    expect(valueIds(f)).toEqual(valueIds(l));
  });

  it("the same fail-overs on 0.11 leave the follower with records the leader never had", () => {
    const { world, l, f } = threeFailovers(2);
    const follower = follow(world, f, "0.11", 3);
    new ScriptedLeader(l, false).sync(follower);
    expect(valueIds(f)).not.toEqual(valueIds(l));
  });

  it("an epoch the follower led without writing anything (its entry sits at the log end) is dropped, so the next question asks about an earlier epoch", () => {
    const { world, l, f } = threeFailovers(0);
    expect(f.latestEpoch).toBe(2);
    const follower = follow(world, f, "3.x", 3);
    const asked = new ScriptedLeader(l, true).sync(follower);
    expect(asked).toEqual([
      { epochFor: 2, currentLeaderEpoch: 3 }, // answer (1, 8); F's epoch 0 ends at 5, its log end
      { epochFor: 0, currentLeaderEpoch: 3 },
      { fetchAt: 3, currentLeaderEpoch: 3 },
      { fetchAt: 10, currentLeaderEpoch: 3 },
    ]);
    expect(valueIds(f)).toEqual(valueIds(l));
  });

  it("a follower whose latest epoch the leader has answers at once: truncate to min(both ends) and fetch", () => {
    const { world, b, a } = kip101Scenario1();
    const follower = follow(world, a, "3.x", 0);
    expect(new ScriptedLeader(b, true).sync(follower)).toEqual([
      { epochFor: 0, currentLeaderEpoch: 0 },
      { fetchAt: 2, currentLeaderEpoch: 0 },
    ]);
    expect(valueIds(a)).toEqual(valueIds(b));
  });
});

describe("truncation after OFFSET_OUT_OF_RANGE (AbstractFetcherThread.handleOutOfRangeError)", () => {
  /** A 0.10 follower with 10 records, all below its high watermark (so becoming a follower truncates nothing). */
  function followerWithTen(): { follower: Replica; log: ReplicaLog } {
    const world = new BrokerWorld("out-of-range");
    const log = world.log(2);
    appendAsLeader(log, [7, 3], 0);
    log.updateHighWatermark(10);
    return { follower: follow(world, log, "0.10", 1), log };
  }

  /** The follower's fetch at its log end, answered OFFSET_OUT_OF_RANGE. */
  function outOfRange(follower: Replica): void {
    const fetch = pending(follower);
    expect(describeRequest(fetch)).toEqual({ fetchAt: 10, currentLeaderEpoch: -1 });
    follower.answer(1, fetchAnswer(fetch.correlationId, "OFFSET_OUT_OF_RANGE", [], -1));
  }

  /** Expects a ListOffsets for `which` and answers it with `offset`. */
  function listOffsets(follower: Replica, which: "earliest" | "latest", offset: number): void {
    const request = pending(follower);
    expect(describeRequest(request)).toEqual({ listOffsets: which });
    follower.answer(1, listOffsetsAnswer(request.correlationId, offset));
  }

  it("a leader whose log ends below ours (an unclean election, or a truncation by high watermark) makes us truncate to its end", () => {
    const { follower, log } = followerWithTen();
    outOfRange(follower);
    listOffsets(follower, "latest", 7);
    expect(log.logEndOffset).toBe(7);
    expect(describeRequest(pending(follower))).toEqual({ fetchAt: 7, currentLeaderEpoch: -1 });
  });

  it("a leader whose log starts above our end (retention removed what we lack) makes us start over there, empty", () => {
    const { follower, log } = followerWithTen();
    outOfRange(follower);
    listOffsets(follower, "latest", 60);
    listOffsets(follower, "earliest", 50);
    expect(log.logStartOffset).toBe(50);
    expect(log.logEndOffset).toBe(50);
    expect(valueIds(log)).toEqual([]);
    expect(describeRequest(pending(follower))).toEqual({ fetchAt: 50, currentLeaderEpoch: -1 });
  });

  it("a leader whose log spans ours leaves our log alone, and we fetch from our end again", () => {
    const { follower, log } = followerWithTen();
    outOfRange(follower);
    listOffsets(follower, "latest", 60);
    listOffsets(follower, "earliest", 0);
    expect(log.logEndOffset).toBe(10);
    expect(describeRequest(pending(follower))).toEqual({ fetchAt: 10, currentLeaderEpoch: -1 });
  });
});
