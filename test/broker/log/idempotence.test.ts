import { describe, expect, it } from "vitest";
import { RecordSet } from "../../../src/protocol/RecordSet.ts";
import { ProducerStateManager } from "../../../src/broker/log/ProducerStateManager.ts";
import type { ReplicaLog } from "../../../src/broker/log/ReplicaLog.ts";
import { appendBatches, LogWorld, producerBatch, record } from "./harness.ts";

const PID = 42;

/** Sends a batch of `count` records from producer PID with the given sequence and epoch. */
function send(log: ReplicaLog, baseSequence: number, count = 2, producerEpoch = 0) {
  return log.appendAsLeader(producerBatch(count, { producerId: PID, producerEpoch, baseSequence }), 0, 0);
}

/** Sends `batches` in-order batches of 2 records from sequence 0; returns their base offsets. */
function sendInOrder(log: ReplicaLog, batches: number): number[] {
  return Array.from({ length: batches }, (_, i) => {
    const r = send(log, 2 * i);
    if (r.kind !== "appended") throw new Error(`batch ${i}: ${JSON.stringify(r)}`);
    return r.batch.baseOffset;
  });
}

describe("idempotent producer: duplicates", () => {
  it("a retry of any of the last five batches is a duplicate, answered with its original offsets, and not written", () => {
    const log = new LogWorld().open();
    appendBatches(log, [3]); // someone else's records first, so offsets and sequences differ
    const bases = sendInOrder(log, 5);
    const end = log.logEndOffset;
    for (let i = 0; i < 5; i++) {
      expect(send(log, 2 * i)).toEqual({ kind: "duplicate", baseOffset: bases[i], lastOffset: bases[i]! + 1 });
    }
    expect(log.logEndOffset).toBe(end);
  });

  it("a retry of the sixth-newest batch is no longer recognised: OUT_OF_ORDER_SEQUENCE_NUMBER, as Kafka answers", () => {
    const log = new LogWorld().open();
    sendInOrder(log, 6);
    const retry = send(log, 0);
    expect(retry.kind === "failed" && retry.error).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });

  it("only the exact sequence range is a duplicate", () => {
    const log = new LogWorld().open();
    sendInOrder(log, 2);
    const overlapping = send(log, 1, 2);
    expect(overlapping.kind === "failed" && overlapping.error).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
  });
});

describe("idempotent producer: sequence and epoch rules", () => {
  it("a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER", () => {
    const log = new LogWorld().open();
    sendInOrder(log, 1);
    const gap = send(log, 3);
    expect(gap.kind === "failed" && gap.error).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(send(log, 2).kind).toBe("appended");
  });

  it("a new producer epoch must start at sequence 0 and forgets the old epoch's batches", () => {
    const log = new LogWorld().open();
    sendInOrder(log, 2);
    const notZero = send(log, 4, 2, 1);
    expect(notZero.kind === "failed" && notZero.error).toBe("OUT_OF_ORDER_SEQUENCE_NUMBER");
    expect(send(log, 0, 2, 1).kind).toBe("appended");
    expect(log.producerState.entry(PID)!.batches).toHaveLength(1);
  });

  it("an older producer epoch is fenced with INVALID_PRODUCER_EPOCH", () => {
    const log = new LogWorld().open();
    send(log, 0, 2, 3);
    const zombie = send(log, 2, 2, 2);
    expect(zombie.kind === "failed" && zombie.error).toBe("INVALID_PRODUCER_EPOCH");
  });

  it("a producer the log has no state for may start at any sequence since KIP-360 (2.5)", () => {
    const log = new LogWorld().open();
    expect(send(log, 17).kind).toBe("appended");
  });

  it("...and got UNKNOWN_PRODUCER_ID before it", () => {
    const log = new LogWorld().open({ rejectUnknownProducerSequence: true });
    const unknown = send(log, 17);
    expect(unknown.kind === "failed" && unknown.error).toBe("UNKNOWN_PRODUCER_ID");
    expect(send(log, 0).kind).toBe("appended");
  });

  it("sequences wrap from Int.MAX to 0", () => {
    const state = new ProducerStateManager({ producerIdExpirationMicros: Infinity, rejectUnknownProducerSequence: false });
    const records = RecordSet.of([record(), record()]);
    state.update({ baseOffset: 0, records, partitionLeaderEpoch: 0, producerId: 1, producerEpoch: 0, baseSequence: 2147483646, appendedAtMicros: 0, sizeBytes: 261 });
    expect(state.entry(1)!.lastSeq).toBe(2147483647);
    expect(state.check(1, 0, 0, 1)).toEqual({ kind: "ok" });
  });

  it("non-idempotent batches (producer id -1) skip all of it: a retry is written twice", () => {
    const log = new LogWorld().open();
    const batch = producerBatch(2);
    expect(log.appendAsLeader(batch, 0, 0).kind).toBe("appended");
    expect(log.appendAsLeader(batch, 0, 0).kind).toBe("appended");
    expect(log.logEndOffset).toBe(4);
    expect(log.producerState.producerCount).toBe(0);
  });
});

describe("idempotent producer: state follows the log", () => {
  it("a follower's appends update its producer state, so a new leader detects duplicates", () => {
    const world = new LogWorld("pid-follower", {}, ["broker-1", "broker-2"]);
    const leader = world.open({}, "broker-1");
    const follower = world.open({}, "broker-2");
    sendInOrder(leader, 3);
    follower.appendAsFollower(leader.read(0, 1 << 20, leader.logEndOffset).batches);
    expect(send(follower, 4)).toEqual({ kind: "duplicate", baseOffset: 4, lastOffset: 5 });
    expect(send(follower, 6).kind).toBe("appended");
  });

  it("idle producers expire after producer.id.expiration.ms", () => {
    const log = new LogWorld().open({ producerIdExpirationMicros: 1_000 });
    sendInOrder(log, 1);
    log.removeExpiredProducers(999);
    expect(log.producerState.producerCount).toBe(1);
    log.removeExpiredProducers(1_000);
    expect(log.producerState.producerCount).toBe(0);
  });
});
