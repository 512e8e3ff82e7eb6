import { describe, expect, it } from "vitest";
import type { Profile } from "../../src/protocol/config/profiles.ts";
import type { FetchResponse } from "../../src/protocol/requests.ts";
import { batch, BrokerWorld, Replica, TOPIC } from "./harness.ts";

/**
 * Broker 1 leads orders-0 and orders-1. Follower 2 has a fetch for both waiting in
 * purgatory (nothing new yet); then one produce request appends to both partitions.
 */
function waitingFetchThenTwoPartitionProduce(profile: Profile): FetchResponse {
  const r = new Replica(new BrokerWorld(), 1, { profile });
  for (const partition of [0, 1]) r.leaderAndIsr({ partition, leader: 1, leaderEpoch: 0, isr: [1, 2, 3] });
  r.rm.handleFetch("broker-2", {
    type: "kafka.fetch",
    correlationId: 1,
    replicaId: 2,
    maxWaitMicros: 500_000,
    minBytes: 1,
    maxBytes: 1 << 20,
    partitions: [0, 1].map((partition) => ({ topic: TOPIC, partition, fetchOffset: 0, currentLeaderEpoch: 0, maxBytes: 1 << 20 })),
  });
  expect(r.responses.get(1)).toBeUndefined(); // waits: nothing to read
  r.rm.handleProduce("producer", {
    type: "kafka.produce",
    correlationId: 2,
    acks: -1,
    timeoutMicros: 30_000_000,
    partitions: [0, 1].map((partition) => ({ topic: TOPIC, partition, batch: batch(3) })),
  });
  const answer = r.responses.get(1);
  expect(answer?.type).toBe("kafka.fetch.response");
  return answer as FetchResponse;
}

const recordsPerPartition = (answer: FetchResponse): number[] => answer.partitions.map((p) => p.batches.reduce((n, b) => n + b.records.length, 0));

describe("a produce request's appends and a follower's waiting fetch", () => {
  it("3.x: waiting fetches complete after the whole request (KAFKA-8334's action queue), so the follower gets both partitions' records in one answer", () => {
    expect(recordsPerPartition(waitingFetchThenTwoPartitionProduce("3.x"))).toEqual([3, 3]);
  });

  it("2.1: each partition's append completes them at once, so the answer carries the first partition only", () => {
    expect(recordsPerPartition(waitingFetchThenTwoPartitionProduce("2.1"))).toEqual([3, 0]);
  });
});
