import { describe, expect, it } from "vitest";
import { CONSUMER_REPLICA_ID, type FetchRequest, type FetchResponse } from "../../src/protocol/requests.ts";
import { batch, BrokerWorld, Replica, TOPIC } from "./harness.ts";

/** A consumer's fetch of `partitions` from offset 0 that waits up to 500 ms for one byte. */
function consumerFetch(correlationId: number, partitions: number[]): FetchRequest {
  return {
    type: "kafka.fetch",
    correlationId,
    replicaId: CONSUMER_REPLICA_ID,
    maxWaitMicros: 500_000,
    minBytes: 1,
    maxBytes: 1 << 20,
    partitions: partitions.map((partition) => ({ topic: TOPIC, partition, fetchOffset: 0, currentLeaderEpoch: 0, maxBytes: 1 << 20 })),
  };
}

/** Broker 1 leads orders-0 and orders-1, with followers 2 and 3. */
function leaderOfTwoPartitions(): Replica {
  const r = new Replica(new BrokerWorld(), 1, { profile: "3.x" });
  for (const partition of [0, 1]) r.leaderAndIsr({ partition, leader: 1, leaderEpoch: 0, isr: [1, 2, 3] });
  return r;
}

describe("fetches in purgatory are watched by partition (Kafka's TopicPartitionOperationKey)", () => {
  it("a consumer's fetch waiting on a leader that becomes a follower answers at once, not at the end of its wait (its leader epoch is now old: FENCED_LEADER_EPOCH)", () => {
    const r = leaderOfTwoPartitions();
    r.rm.handleFetch("consumer", consumerFetch(7, [0]));
    expect(r.responses.get(7)).toBeUndefined(); // nothing to read: it waits
    r.leaderAndIsr({ partition: 0, leader: 2, leaderEpoch: 1, isr: [2, 3] });
    const answer = r.responses.get(7) as FetchResponse | undefined;
    expect(answer?.type).toBe("kafka.fetch.response");
    expect(answer!.partitions.map((p) => p.error)).toEqual(["FENCED_LEADER_EPOCH"]);
  });

  it("records appended to one partition answer the fetches that read it, in the order they came, and leave a fetch of another partition waiting", () => {
    const r = leaderOfTwoPartitions();
    // Followers' fetches: they read up to the log end, so an append alone satisfies them.
    for (const [correlationId, follower, partitions] of [[1, 2, [0]], [2, 3, [1]], [3, 3, [0, 1]]] as const) {
      r.rm.handleFetch(`broker-${follower}`, { ...consumerFetch(correlationId, [...partitions]), replicaId: follower });
    }
    const answered: number[] = [];
    const before = new Set(r.responses.keys());
    r.rm.handleProduce("producer", { type: "kafka.produce", correlationId: 9, acks: 1, timeoutMicros: 30_000_000, partitions: [{ topic: TOPIC, partition: 0, batch: batch(2) }] });
    for (const id of r.responses.keys()) if (!before.has(id) && id !== 9) answered.push(id);
    expect(answered).toEqual([1, 3]);
    expect(r.responses.get(2)).toBeUndefined();
  });
});
