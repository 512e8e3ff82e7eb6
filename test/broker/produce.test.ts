import { describe, expect, it } from "vitest";
import { batch, BrokerWorld, Replica } from "./harness.ts";

const SECOND = 1_000_000;

/** Broker 1 leads orders-0 (epoch 0, replicas 1, 2, 3) with min.insync.replicas = `minIsr`. */
function leader(isr = [1, 2, 3], minIsr = 2): Replica {
  const r = new Replica(new BrokerWorld(), 1, { topic: { minInsyncReplicas: minIsr }, broker: { replicaLagTimeMaxMicros: 10 * SECOND } });
  r.leaderAndIsr({ leader: 1, leaderEpoch: 0, isr });
  return r;
}

describe("produce: acks=all", () => {
  it("is refused with NOT_ENOUGH_REPLICAS, before anything is appended, when the ISR is smaller than min.insync.replicas", () => {
    const r = leader([1], 2);
    const answer = r.produceAnswer(r.produce(batch(3), -1))!;
    expect(answer.error).toBe("NOT_ENOUGH_REPLICAS");
    expect(answer.baseOffset).toBe(-1);
    expect(r.partition().log.logEndOffset).toBe(0);
  });

  it("an ISR exactly min.insync.replicas large is enough", () => {
    const r = leader([1, 2], 2);
    const id = r.produce(batch(3), -1);
    r.fetch(2, 3);
    expect(r.produceAnswer(id)).toEqual({ topic: "orders", partition: 0, error: "NONE", baseOffset: 0 });
  });

  it("is answered only once the high watermark passes the whole batch: every ISR member has it", () => {
    const r = leader();
    const id = r.produce(batch(4), -1);
    expect(r.partition().log.logEndOffset).toBe(4);
    expect(r.produceAnswer(id)).toBeUndefined();
    r.fetch(2, 4);
    expect(r.produceAnswer(id)).toBeUndefined(); // follower 3 may not have it yet
    r.fetch(3, 2);
    expect(r.partition().highWatermark).toBe(2);
    expect(r.produceAnswer(id)).toBeUndefined(); // half the batch is not the batch
    r.fetch(3, 4);
    expect(r.produceAnswer(id)).toEqual({ topic: "orders", partition: 0, error: "NONE", baseOffset: 0 });
  });

  it("a later batch waits for its own end, not for the first one's", () => {
    const r = leader([1, 2]);
    const first = r.produce(batch(2), -1);
    const second = r.produce(batch(2), -1);
    r.fetch(2, 2);
    expect(r.produceAnswer(first)?.error).toBe("NONE");
    expect(r.produceAnswer(second)).toBeUndefined();
    r.fetch(2, 4);
    expect(r.produceAnswer(second)).toMatchObject({ error: "NONE", baseOffset: 2 });
  });

  it("answers NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below min.insync.replicas while it waited; the records stay in the log", () => {
    const r = leader([1, 2, 3], 2);
    const id = r.produce(batch(3), -1);
    // Neither follower fetches: after replica.lag.time.max.ms (10 s) the ISR shrinks to the leader,
    // whose high watermark then covers the batch, with too few replicas to count.
    r.world.advance(16 * SECOND);
    expect(r.partition().isr).toEqual([1]);
    expect(r.produceAnswer(id)).toMatchObject({ error: "NOT_ENOUGH_REPLICAS_AFTER_APPEND", baseOffset: -1 });
    expect(r.partition().log.logEndOffset).toBe(3);
    expect(r.partition().highWatermark).toBe(3);
  });

  it("times out with REQUEST_TIMED_OUT when the followers do not fetch within the request's timeout", () => {
    const r = leader();
    const id = r.produce(batch(3), -1, { timeoutMicros: 2 * SECOND });
    r.world.advance(2 * SECOND - 1);
    expect(r.produceAnswer(id)).toBeUndefined();
    r.world.advance(1);
    expect(r.produceAnswer(id)).toMatchObject({ error: "REQUEST_TIMED_OUT", baseOffset: -1 });
    expect(r.partition().log.logEndOffset).toBe(3); // written, but not known to be committed
  });

  it("answers NOT_LEADER_OR_FOLLOWER when the broker stops leading while the request waits", () => {
    const r = leader();
    const id = r.produce(batch(3), -1);
    r.leaderAndIsr({ leader: 2, leaderEpoch: 1, isr: [1, 2, 3] });
    expect(r.produceAnswer(id)).toMatchObject({ error: "NOT_LEADER_OR_FOLLOWER" });
  });

  it("with min.insync.replicas=1 and the leader alone in the ISR, is answered at once", () => {
    const r = leader([1], 1);
    expect(r.produceAnswer(r.produce(batch(3), -1))).toMatchObject({ error: "NONE", baseOffset: 0 });
  });
});

describe("produce: acks=1 and acks=0", () => {
  it("acks=1 is answered as soon as the leader has appended, before any follower has the records", () => {
    const r = leader();
    const answer = r.produceAnswer(r.produce(batch(3), 1))!;
    expect(answer).toEqual({ topic: "orders", partition: 0, error: "NONE", baseOffset: 0 });
    expect(r.partition().highWatermark).toBe(0);
  });

  it("acks=1 ignores min.insync.replicas", () => {
    const r = leader([1], 3);
    expect(r.produceAnswer(r.produce(batch(3), 1))?.error).toBe("NONE");
  });

  it("acks=0 gets no answer at all, and the records are appended", () => {
    const r = leader();
    const id = r.produce(batch(3), 0);
    r.world.advance(60 * SECOND);
    expect(r.responses.has(id)).toBe(false);
    expect(r.partition().log.logEndOffset).toBe(3);
  });

  it("a broker that does not lead the partition answers NOT_LEADER_OR_FOLLOWER and appends nothing", () => {
    const r = new Replica(new BrokerWorld(), 2);
    r.leaderAndIsr({ leader: 1, leaderEpoch: 0 });
    expect(r.produceAnswer(r.produce(batch(3), 1))?.error).toBe("NOT_LEADER_OR_FOLLOWER");
    expect(r.partition().log.logEndOffset).toBe(0);
  });

  it("a partition the broker does not host is UNKNOWN_TOPIC_OR_PARTITION", () => {
    const r = leader();
    expect(r.produceAnswer(r.produce(batch(1), 1, { partition: 7 }))?.error).toBe("UNKNOWN_TOPIC_OR_PARTITION");
  });
});

describe("produce: idempotence (KIP-98)", () => {
  const PID = 4_000_001;

  it("a duplicate of a batch already in the log is answered with its original offset and not written again", () => {
    const r = leader([1], 1);
    const first = batch(3, { producerId: PID, baseSequence: 0 });
    expect(r.produceAnswer(r.produce(first, 1))).toMatchObject({ error: "NONE", baseOffset: 0 });
    expect(r.produceAnswer(r.produce(batch(2, { producerId: PID, baseSequence: 3 }), 1))).toMatchObject({ error: "NONE", baseOffset: 3 });
    // The producer never saw the first answer and sends the batch again.
    expect(r.produceAnswer(r.produce(first, 1))).toMatchObject({ error: "NONE", baseOffset: 0 });
    expect(r.partition().log.logEndOffset).toBe(5);
  });

  it("with acks=all, the duplicate's answer waits, like the original's, until the high watermark passes the original", () => {
    const r = leader([1, 2], 2);
    const first = batch(3, { producerId: PID, baseSequence: 0 });
    const original = r.produce(first, -1);
    const retry = r.produce(first, -1);
    expect(r.partition().log.logEndOffset).toBe(3);
    expect(r.produceAnswer(original)).toBeUndefined();
    expect(r.produceAnswer(retry)).toBeUndefined();
    r.fetch(2, 3);
    expect(r.produceAnswer(original)).toMatchObject({ error: "NONE", baseOffset: 0 });
    expect(r.produceAnswer(retry)).toMatchObject({ error: "NONE", baseOffset: 0 });
  });

  it("a sequence gap is OUT_OF_ORDER_SEQUENCE_NUMBER and nothing is written", () => {
    const r = leader([1], 1);
    r.produce(batch(3, { producerId: PID, baseSequence: 0 }), 1);
    expect(r.produceAnswer(r.produce(batch(2, { producerId: PID, baseSequence: 5 }), 1))?.error).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(r.partition().log.logEndOffset).toBe(3);
  });

  it("without a producer id, the same batch sent twice is written twice", () => {
    const r = leader([1], 1);
    const b = batch(3);
    r.produce(b, 1);
    expect(r.produceAnswer(r.produce(b, 1))).toMatchObject({ error: "NONE", baseOffset: 3 });
    expect(r.partition().log.logEndOffset).toBe(6);
  });
});
