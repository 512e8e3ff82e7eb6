import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/protocol/config/profiles.ts";
import { appendAsLeader, batch, BrokerWorld, logsOf, Replica } from "./harness.ts";

const SECOND = 1_000_000;
const LAG = 10 * SECOND;

/**
 * Broker 1 leads orders-0 (epoch 0, replicas 1, 2, 3) with replica.lag.time.max.ms = 10 s.
 * With `frozenIsr` the store never answers, so the ISR stays as elected and a test can
 * watch who the leader thinks is out of sync.
 */
function leader(isr = [1, 2, 3], frozenIsr = false): Replica {
  const r = new Replica(new BrokerWorld(), 1, { broker: { replicaLagTimeMaxMicros: LAG } });
  if (frozenIsr) r.zk.mode = "hold";
  r.leaderAndIsr({ leader: 1, leaderEpoch: 0, isr });
  return r;
}

/** Moves the clock to `at` (absolute, from the leader's election at 0). */
function at(r: Replica, micros: number): void {
  r.world.advance(micros - r.world.now);
}

describe("replication: when a follower counts as caught up (Kafka's lastCaughtUpTimeMs)", () => {
  it("a follower that fetches at the leader's log end is caught up as of that fetch", () => {
    const r = leader([1, 2, 3], true);
    r.produce(batch(5), 1);
    at(r, 9 * SECOND);
    r.fetch(2, 5);
    at(r, 15 * SECOND);
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).toEqual([3]); // 3 never fetched; 2 caught up at 9 s
    at(r, 19 * SECOND + 1);
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).toEqual([2, 3]);
  });

  it("a follower that never reaches the log end, but reaches the end the leader had at its previous fetch, was caught up as of that previous fetch", () => {
    const r = leader([1, 2, 3], true);
    // Records keep arriving, so the follower is never at the log end when it fetches.
    r.produce(batch(10), 1);
    at(r, 1 * SECOND);
    r.fetch(2, 0); // the leader's end then: 10
    r.produce(batch(10), 1);
    at(r, 4 * SECOND);
    r.fetch(2, 10); // reaches 10, the end at its previous fetch: caught up as of 1 s
    r.produce(batch(10), 1);
    at(r, 10 * SECOND + 500_000);
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).not.toContain(2); // not as of the election (0 s)
    at(r, 11 * SECOND + 500_000);
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).toContain(2); // not as of its own fetch (4 s)
  });

  it("a follower that keeps fetching but stays behind the previous end never catches up, and falls out after replica.lag.time.max.ms", () => {
    const r = leader([1, 2], true);
    r.produce(batch(10), 1);
    let fetchOffset = 0;
    for (let s = 1; s <= 12; s++) {
      at(r, s * SECOND);
      r.fetch(2, fetchOffset); // one record a second, while ten arrive: always behind the previous end
      fetchOffset += 1;
      r.produce(batch(10), 1);
    }
    // Caught up only at the election (0 s): more than 10 s ago.
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).toEqual([2]);
  });

  it("an ISR member gets one lag period of grace from the election", () => {
    const r = leader([1, 2], true);
    at(r, LAG);
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).toEqual([]);
    at(r, LAG + 1);
    expect(r.partition().outOfSyncReplicas(r.world.now, LAG)).toEqual([2]);
  });
});

describe("replication: the ISR shrinks after replica.lag.time.max.ms", () => {
  it("the leader's periodic check removes a silent follower through the store, and the high watermark moves on without it", () => {
    const r = leader();
    r.produce(batch(5), 1);
    for (let s = 1; s <= 25; s++) {
      at(r, s * SECOND);
      r.fetch(2, 5); // follower 2 keeps up; follower 3 is silent
    }
    expect(r.zk.isrs).toEqual([[1, 2]]);
    expect(r.partition().isr).toEqual([1, 2]);
    expect(r.isrChanges).toEqual([[1, 2]]);
    expect(r.partition().highWatermark).toBe(5);
  });

  it("nothing is removed while every follower keeps fetching at the log end", () => {
    const r = leader();
    for (let s = 1; s <= 40; s++) {
      at(r, s * SECOND);
      r.produce(batch(1), 1);
      r.fetch(2, s);
      r.fetch(3, s);
    }
    expect(r.zk.writes).toEqual([]);
    expect(r.partition().isr).toEqual([1, 2, 3]);
  });

  it("the leader acts on a new ISR only once the store accepted it", () => {
    const r = leader([1, 2]);
    r.zk.mode = "hold";
    at(r, 16 * SECOND); // the check at 15 s proposes [1]
    expect(r.zk.isrs).toEqual([[1]]);
    expect(r.partition().isr).toEqual([1, 2]);
    at(r, 30 * SECOND);
    expect(r.zk.writes).toHaveLength(1); // no second proposal while one is in flight
    r.zk.release();
    expect(r.partition().isr).toEqual([1]);
  });

  it("a write refused for its version (the controller changed the state) leaves the ISR as it was", () => {
    const r = leader([1, 2]);
    r.zk.mode = "conflict";
    at(r, 16 * SECOND);
    expect(r.zk.isrs).toEqual([[1]]);
    expect(r.partition().isr).toEqual([1, 2]);
  });

  it("a write whose answer was lost, retried into its own new version, counts as landed when the store holds exactly what was written (Kafka's checkLeaderAndIsrZkData)", () => {
    const r = leader([1, 2, 3]);
    r.zk.mode = "answer-lost";
    r.produce(batch(5), -1);
    for (let s = 1; s <= 16; s++) {
      at(r, s * SECOND);
      r.fetch(2, 5);
    } // follower 3 silent: ISR [1, 2] written, answered BADVERSION
    expect(r.zk.isrs).toEqual([[1, 2]]);
    expect(r.partition().isr).toEqual([1, 2]);
    expect(r.partition().isrUpdateInFlight).toBe(false);
  });

  it("writes carry the partition state's version, so a stale leader's write fails", () => {
    const r = new Replica(new BrokerWorld(), 1, { broker: { replicaLagTimeMaxMicros: LAG } });
    r.leaderAndIsr({ leader: 1, leaderEpoch: 0, isr: [1, 2, 3], zkVersion: 7 });
    at(r, 16 * SECOND);
    expect(r.zk.writes.map((w) => w.version)).toEqual([7]);
    expect(r.zk.writes[0]!.path).toBe("/brokers/topics/orders/partitions/0/state");
  });
});

describe("replication: the ISR expands when a follower reaches the high watermark", () => {
  it("a follower outside the ISR joins once its fetch offset reaches the high watermark, not before", () => {
    const r = leader([1, 2]);
    r.produce(batch(6), 1);
    r.fetch(2, 6);
    expect(r.partition().highWatermark).toBe(6);
    r.fetch(3, 4);
    expect(r.zk.writes).toEqual([]);
    r.fetch(3, 6);
    expect(r.zk.isrs).toEqual([[1, 2, 3]]);
    expect(r.partition().isr).toEqual([1, 2, 3]);
  });

  it("a replica that is not assigned to the partition never joins", () => {
    const r = leader([1, 2]);
    r.fetch(4, 0);
    expect(r.zk.writes).toEqual([]);
  });

  /** Broker 1 had 10 records from epoch 0 and a stale high watermark of 6 when it was elected for epoch 1 with follower 3 (silent) still in the ISR, so the high watermark stays at 6. */
  function newLeaderWithStaleHighWatermark(profile: Profile): Replica {
    const world = new BrokerWorld();
    const log = world.log(1);
    appendAsLeader(log, [6, 4], 0);
    log.updateHighWatermark(6);
    return new Replica(world, 1, { logs: logsOf([["orders-0", log]]), profile });
  }

  it("before Kafka 2.1 (profile 0.11) a follower at a new leader's stale high watermark joins, without the records the leader's epoch began after (KAFKA-7128's gap)", () => {
    const r = newLeaderWithStaleHighWatermark("0.11");
    r.leaderAndIsr({ leader: 1, leaderEpoch: 1, isr: [1, 3] });
    r.fetch(2, 6);
    expect(r.zk.isrs).toEqual([[1, 2, 3]]);
  });

  it("a follower at the high watermark but below the start of the leader's epoch does not join (KAFKA-7128)", () => {
    const r = newLeaderWithStaleHighWatermark("3.x");
    r.leaderAndIsr({ leader: 1, leaderEpoch: 1, isr: [1, 3] });
    expect(r.partition().highWatermark).toBe(6);
    r.fetch(2, 6); // at the high watermark, but without records 6-9 the leader's epoch began after
    expect(r.zk.writes).toEqual([]);
    r.fetch(2, 10);
    expect(r.zk.isrs).toEqual([[1, 2, 3]]);
  });
});

describe("replication: the high watermark while an ISR change is on its way to the store (Kafka's maximal ISR)", () => {
  it("counts a follower being added, so the expanded ISR never holds a member without what was committed", () => {
    const r = leader([1, 2], true); // the store holds every write: the expansion stays pending
    const produced = r.produce(batch(5), -1);
    r.fetch(3, 0); // caught up to the high watermark (0): the leader proposes ISR [1, 2, 3]
    expect(r.partition().isrUpdateInFlight).toBe(true);
    r.fetch(2, 5); // the committed ISR [1, 2] has everything
    expect(r.partition().highWatermark).toBe(0); // but follower 3, maybe in the ISR already, has nothing
    expect(r.produceAnswer(produced)).toBeUndefined();
    r.fetch(3, 5);
    expect(r.partition().highWatermark).toBe(5);
    expect(r.produceAnswer(produced)?.error).toBe("NONE");
  });

  it("keeps counting a follower being removed until the store has the smaller ISR", () => {
    const r = leader([1, 2, 3], true);
    r.produce(batch(5), -1);
    r.fetch(2, 0);
    r.fetch(3, 0);
    at(r, 2 * LAG); // both silent past the lag: the periodic check proposes ISR [1]
    expect(r.partition().isrUpdateInFlight).toBe(true);
    r.fetch(2, 5);
    expect(r.partition().highWatermark).toBe(0); // follower 3 is still in the ISR the store has
    r.zk.release();
    expect(r.partition().isr).toEqual([1]);
  });
});
