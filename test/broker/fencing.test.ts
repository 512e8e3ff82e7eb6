import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/protocol/config/profiles.ts";
import type { KafkaError } from "../../src/protocol/errors.ts";
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, NO_LEADER_EPOCH, type ListOffsetsResponse, type OffsetsForLeaderEpochResponse } from "../../src/protocol/requests.ts";
import { batch, BrokerWorld, Replica, TOPIC } from "./harness.ts";

const EPOCH = 5;

/** Broker 1 leads orders-0 in epoch 5 on `profile`, with 4 records, followers 2 and 3 in the ISR. */
function leader(profile: Profile): Replica {
  const r = new Replica(new BrokerWorld(), 1, { profile });
  r.leaderAndIsr({ leader: 1, leaderEpoch: EPOCH });
  r.produce(batch(4), 1);
  return r;
}

function fetchError(r: Replica, currentLeaderEpoch: number): KafkaError {
  return r.fetchAnswer(r.fetch(2, 0, { currentLeaderEpoch }))!.error;
}

function listOffsetsError(r: Replica, currentLeaderEpoch: number): KafkaError {
  r.rm.handleListOffsets("broker-2", {
    type: "kafka.list-offsets",
    correlationId: 77,
    replicaId: 2,
    partitions: [{ topic: TOPIC, partition: 0, timestamp: LATEST_TIMESTAMP, currentLeaderEpoch }],
  });
  return (r.responses.get(77) as ListOffsetsResponse).partitions[0]!.error;
}

function epochsError(r: Replica, currentLeaderEpoch: number): KafkaError {
  r.rm.handleOffsetsForLeaderEpoch("broker-2", {
    type: "kafka.offsets-for-leader-epoch",
    correlationId: 78,
    replicaId: 2,
    partitions: [{ topic: TOPIC, partition: 0, currentLeaderEpoch, leaderEpoch: EPOCH }],
  });
  return (r.responses.get(78) as OffsetsForLeaderEpochResponse).partitions[0]!.error;
}

const REQUESTS = [
  ["Fetch", fetchError],
  ["ListOffsets", listOffsetsError],
  ["OffsetsForLeaderEpoch", epochsError],
] as const;

describe("KIP-320 fencing on the 2.1 and 3.x profiles", () => {
  for (const profile of ["2.1", "3.x"] as const) {
    for (const [name, errorOf] of REQUESTS) {
      it(`${profile}: ${name} with an older leader epoch is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH, the current one or none is served`, () => {
        const r = leader(profile);
        expect(errorOf(r, EPOCH - 1)).toBe("FENCED_LEADER_EPOCH");
        expect(errorOf(r, EPOCH + 1)).toBe("UNKNOWN_LEADER_EPOCH");
        expect(errorOf(r, EPOCH)).toBe("NONE");
        expect(errorOf(r, NO_LEADER_EPOCH)).toBe("NONE");
      });
    }
  }

  it("a fenced follower fetch does not count as progress: the high watermark does not move", () => {
    const r = leader("3.x");
    r.fetch(2, 4, { currentLeaderEpoch: EPOCH - 1 });
    r.fetch(3, 4, { currentLeaderEpoch: EPOCH - 1 });
    expect(r.partition().highWatermark).toBe(0);
    r.fetch(2, 4, { currentLeaderEpoch: EPOCH });
    r.fetch(3, 4, { currentLeaderEpoch: EPOCH });
    expect(r.partition().highWatermark).toBe(4);
  });

  it("the fencing check comes before the leadership check: a follower replica fences a stale epoch too", () => {
    const r = new Replica(new BrokerWorld(), 2, { profile: "3.x" });
    r.leaderAndIsr({ leader: 1, leaderEpoch: EPOCH });
    expect(fetchError(r, EPOCH - 1)).toBe("FENCED_LEADER_EPOCH");
    expect(fetchError(r, EPOCH)).toBe("NOT_LEADER_OR_FOLLOWER");
  });
});

describe("no fencing before KIP-320 (0.10 and 0.11 profiles)", () => {
  for (const profile of ["0.10", "0.11"] as const) {
    for (const [name, errorOf] of REQUESTS) {
      it(`${profile}: ${name} is served whatever leader epoch it carries`, () => {
        const r = leader(profile);
        expect(errorOf(r, EPOCH - 1)).toBe("NONE");
        expect(errorOf(r, EPOCH + 1)).toBe("NONE");
      });
    }
  }

  it("a replica that does not lead answers NOT_LEADER_OR_FOLLOWER", () => {
    const r = new Replica(new BrokerWorld(), 2, { profile: "0.11" });
    r.leaderAndIsr({ leader: 1, leaderEpoch: EPOCH });
    expect(fetchError(r, NO_LEADER_EPOCH)).toBe("NOT_LEADER_OR_FOLLOWER");
  });
});

describe("the leader's answers to a follower's offset questions", () => {
  function epochsAnswer(profile: Profile, leaderEpoch: number): { leaderEpoch: number; endOffset: number } {
    // Epoch 1 wrote offsets 0-2, epoch 3 offsets 3-6; the leader is in epoch 5, from 7.
    const r = new Replica(new BrokerWorld(), 1, { profile });
    r.leaderAndIsr({ leader: 1, leaderEpoch: 1, isr: [1] });
    r.produce(batch(3), 1);
    r.leaderAndIsr({ leader: 1, leaderEpoch: 3, isr: [1] });
    r.produce(batch(4), 1);
    r.leaderAndIsr({ leader: 1, leaderEpoch: 5, isr: [1] });
    r.rm.handleOffsetsForLeaderEpoch("broker-2", {
      type: "kafka.offsets-for-leader-epoch",
      correlationId: 9,
      replicaId: 2,
      partitions: [{ topic: TOPIC, partition: 0, currentLeaderEpoch: NO_LEADER_EPOCH, leaderEpoch }],
    });
    const p = (r.responses.get(9) as OffsetsForLeaderEpochResponse).partitions[0]!;
    return { leaderEpoch: p.leaderEpoch, endOffset: p.endOffset };
  }

  it("0.11 (KIP-101): the end offset only: the start of the next larger epoch", () => {
    expect(epochsAnswer("0.11", 2)).toEqual({ leaderEpoch: -1, endOffset: 3 });
    expect(epochsAnswer("0.11", 3)).toEqual({ leaderEpoch: -1, endOffset: 7 });
  });

  it("2.1 and 3.x (KIP-279): the largest epoch at or below the one asked, and its end offset", () => {
    expect(epochsAnswer("2.1", 2)).toEqual({ leaderEpoch: 1, endOffset: 3 });
    expect(epochsAnswer("3.x", 4)).toEqual({ leaderEpoch: 3, endOffset: 7 });
    expect(epochsAnswer("3.x", 5)).toEqual({ leaderEpoch: 5, endOffset: 7 });
  });

  it("ListOffsets gives a replica the log end and log start, and a consumer the high watermark as the end", () => {
    const r = leader("3.x");
    const ask = (replicaId: number, timestamp: number): number => {
      r.rm.handleListOffsets("x", {
        type: "kafka.list-offsets",
        correlationId: 5,
        replicaId,
        partitions: [{ topic: TOPIC, partition: 0, timestamp, currentLeaderEpoch: NO_LEADER_EPOCH }],
      });
      return (r.responses.get(5) as ListOffsetsResponse).partitions[0]!.offset;
    };
    expect(ask(2, LATEST_TIMESTAMP)).toBe(4);
    expect(ask(-1, LATEST_TIMESTAMP)).toBe(0);
    expect(ask(2, EARLIEST_TIMESTAMP)).toBe(0);
  });
});
