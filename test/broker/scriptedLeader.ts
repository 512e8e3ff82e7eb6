/**
 * A leader played by the test: it answers a follower's OffsetsForLeaderEpoch, ListOffsets and
 * Fetch from a real ReplicaLog, the way a leader of the given era would (KIP-101's or
 * KIP-279's epoch answer), or with whatever a test scripts for the next request. `sync`
 * plays the conversation until the follower has caught up, and keeps what it asked.
 */
import type { ReplicaLog } from "../../src/broker/log/ReplicaLog.ts";
import type { KafkaError } from "../../src/protocol/errors.ts";
import type { RecordBatch } from "../../src/protocol/records.ts";
import type { KafkaRequest, KafkaResponse } from "../../src/protocol/requests.ts";
import { EARLIEST_TIMESTAMP } from "../../src/protocol/requests.ts";
import type { Replica } from "./harness.ts";
import { TOPIC } from "./harness.ts";

/** One request of the follower, in short: what a test asserts on. */
export type Asked =
  | { readonly epochFor: number; readonly currentLeaderEpoch: number }
  | { readonly fetchAt: number; readonly currentLeaderEpoch: number }
  | { readonly listOffsets: "earliest" | "latest" };

export function describeRequest(request: KafkaRequest): Asked {
  switch (request.type) {
    case "kafka.offsets-for-leader-epoch":
      return { epochFor: request.partitions[0]!.leaderEpoch, currentLeaderEpoch: request.partitions[0]!.currentLeaderEpoch };
    case "kafka.fetch":
      return { fetchAt: request.partitions[0]!.fetchOffset, currentLeaderEpoch: request.partitions[0]!.currentLeaderEpoch };
    case "kafka.list-offsets":
      return { listOffsets: request.partitions[0]!.timestamp === EARLIEST_TIMESTAMP ? "earliest" : "latest" };
    default:
      throw new Error(`a follower does not send ${request.type}`);
  }
}

export class ScriptedLeader {
  readonly asked: Asked[] = [];

  constructor(
    readonly log: ReplicaLog,
    readonly kip279: boolean,
    readonly brokerId = 1,
  ) {}

  /** The leader's answer to `request`, from its log. */
  answerFor(request: KafkaRequest): KafkaResponse {
    const correlationId = request.correlationId;
    switch (request.type) {
      case "kafka.offsets-for-leader-epoch": {
        const asked = request.partitions[0]!;
        const answer = this.log.endOffsetForEpoch(asked.leaderEpoch, this.kip279 ? "kip-279" : "kip-101");
        return epochAnswer(correlationId, "NONE", answer.epoch, answer.endOffset);
      }
      case "kafka.list-offsets": {
        const asked = request.partitions[0]!;
        const offset = asked.timestamp === EARLIEST_TIMESTAMP ? this.log.logStartOffset : this.log.logEndOffset;
        return { type: "kafka.list-offsets.response", correlationId, partitions: [{ topic: TOPIC, partition: 0, error: "NONE", offset, leaderEpoch: this.log.latestEpoch }] };
      }
      case "kafka.fetch": {
        const read = this.log.read(request.partitions[0]!.fetchOffset, 1 << 30, this.log.logEndOffset);
        return fetchAnswer(correlationId, read.error, read.batches, this.log.highWatermark, this.log.logStartOffset);
      }
      default:
        throw new Error(`a leader is not asked ${request.type} by a follower`);
    }
  }

  /**
   * Answers the follower's requests from the log until it fetches at the leader's log end
   * (that fetch stays in flight) or `maxSteps` requests went by; returns what it asked.
   */
  sync(follower: Replica, maxSteps = 20): Asked[] {
    for (let step = 0; step < maxSteps; step++) {
      const request = this.next(follower);
      const asked = describeRequest(request);
      this.asked.push(asked);
      // Caught up: this fetch would wait in the leader's purgatory; it stays unanswered.
      if ("fetchAt" in asked && asked.fetchAt === this.log.logEndOffset) return this.asked;
      follower.answer(this.brokerId, this.answerFor(request));
    }
    return this.asked;
  }

  /** The one request the follower has in flight to this leader. */
  next(follower: Replica): KafkaRequest {
    return pending(follower, this.brokerId);
  }
}

/** The one request a follower sent (to `leader`) since the test last looked. */
export function pending(follower: Replica, leader = 1): KafkaRequest {
  const sent = follower.takeSent();
  if (sent.length !== 1) throw new Error(`expected one new request from the follower, found ${sent.length}`);
  if (sent[0]!.to !== leader) throw new Error(`request sent to broker ${sent[0]!.to}, not ${leader}`);
  return sent[0]!.request;
}

export function epochAnswer(correlationId: number, error: KafkaError, leaderEpoch: number, endOffset: number): KafkaResponse {
  return { type: "kafka.offsets-for-leader-epoch.response", correlationId, partitions: [{ topic: TOPIC, partition: 0, error, leaderEpoch, endOffset }] };
}

export function fetchAnswer(correlationId: number, error: KafkaError, batches: readonly RecordBatch[], highWatermark: number, logStartOffset = 0): KafkaResponse {
  return { type: "kafka.fetch.response", correlationId, partitions: [{ topic: TOPIC, partition: 0, error, highWatermark, logStartOffset, batches }] };
}

export function listOffsetsAnswer(correlationId: number, offset: number, error: KafkaError = "NONE"): KafkaResponse {
  return { type: "kafka.list-offsets.response", correlationId, partitions: [{ topic: TOPIC, partition: 0, error, offset, leaderEpoch: 0 }] };
}
