import { describe, expect, it } from "vitest";
import type { Message } from "../../sim/index.ts";
import { Broker } from "../../src/broker/Broker.ts";
import { defaultBrokerOptions } from "../../src/broker/BrokerOptions.ts";
import type { KafkaRequest, LeaderAndIsrRequest, LeaderAndIsrResponse, UpdateMetadataResponse } from "../../src/protocol/requests.ts";
import { BrokerWorld, TOPIC } from "./harness.ts";
import { epochAnswer } from "./scriptedLeader.ts";

/**
 * Broker 2 as a whole process (not started, so without a coordination session), told by
 * the controller that it follows broker 1; what it sends broker 1 is kept.
 */
function followerBroker(): { broker: Broker; toLeader: KafkaRequest[] } {
  const world = new BrokerWorld("broker");
  const ctx = world.ctx(2);
  const toLeader: KafkaRequest[] = [];
  const send = ctx.send.bind(ctx);
  ctx.send = (to: string, message: Message, size?: number) => {
    if (to === "broker-1") toLeader.push(message as KafkaRequest);
    send(to, message, size);
  };
  const broker = new Broker(ctx, defaultBrokerOptions(2, ["zk-1"]));
  const leaderAndIsr: LeaderAndIsrRequest = {
    type: "kafka.leader-and-isr",
    correlationId: 1,
    controllerId: 1,
    controllerEpoch: 1,
    partitionStates: [{ topic: TOPIC, partition: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, replicas: [1, 2] }],
  };
  broker.receive("broker-1", leaderAndIsr);
  return { broker, toLeader };
}

describe("broker: responses from other brokers", () => {
  it("an answer to a controller request that shares a correlation id with the fetcher's request in flight is not taken for the fetcher's answer", () => {
    const { broker, toLeader } = followerBroker();
    const epochs = toLeader.find((m) => m.type === "kafka.offsets-for-leader-epoch")!;
    expect(epochs).toBeDefined();
    // Broker 1 answers a LeaderAndIsr and an UpdateMetadata this broker sent as the controller.
    const leaderAndIsrAnswer: LeaderAndIsrResponse = { type: "kafka.leader-and-isr.response", correlationId: epochs.correlationId, error: "NONE" };
    const metadataAnswer: UpdateMetadataResponse = { type: "kafka.update-metadata.response", correlationId: epochs.correlationId, error: "NONE" };
    broker.receive("broker-1", leaderAndIsrAnswer);
    broker.receive("broker-1", metadataAnswer);
    expect(toLeader.filter((m) => m.type === "kafka.fetch")).toEqual([]);
    // The fetcher still waits for, and takes, the real answer: then it fetches.
    broker.receive("broker-1", epochAnswer(epochs.correlationId, "NONE", 0, 0));
    expect(toLeader.filter((m) => m.type === "kafka.fetch")).toHaveLength(1);
  });
});
