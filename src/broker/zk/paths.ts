import type { PartitionState } from "../../protocol/requests.ts";

/**
 * Kafka's znode layout in the coordination store (the ZooKeeper-mode cluster metadata),
 * with the JSON each node holds. Paths and field names follow Kafka's, so a state dump
 * reads like `zookeeper-shell` on a real cluster.
 */
export const ZK = {
  brokers: "/brokers",
  brokerIds: "/brokers/ids",
  brokerTopics: "/brokers/topics",
  controller: "/controller",
  controllerEpoch: "/controller_epoch",
  isrChangeNotification: "/isr_change_notification",
  isrChangePrefix: "/isr_change_notification/isr_change_",
  brokerId: (id: number) => `/brokers/ids/${id}`,
  topic: (topic: string) => `/brokers/topics/${topic}`,
  partitions: (topic: string) => `/brokers/topics/${topic}/partitions`,
  partition: (topic: string, p: number) => `/brokers/topics/${topic}/partitions/${p}`,
  partitionState: (topic: string, p: number) => `/brokers/topics/${topic}/partitions/${p}/state`,
} as const;

/** The persistent nodes every cluster has before any broker starts. */
export const ZK_ROOTS = [ZK.brokers, ZK.brokerIds, ZK.brokerTopics, ZK.isrChangeNotification];

export interface BrokerRegistration {
  readonly id: number;
  readonly node: string;
}

/** /brokers/topics/<topic>: the replica assignment, partition -> replicas (broker ids). */
export interface TopicAssignment {
  readonly partitions: Readonly<Record<string, readonly number[]>>;
}

/** /brokers/topics/<t>/partitions/<p>/state, Kafka's LeaderIsrAndControllerEpoch. */
export interface PartitionStateZnode {
  readonly controller_epoch: number;
  readonly leader: number;
  readonly leader_epoch: number;
  readonly isr: readonly number[];
  readonly version: 1;
}

export interface ControllerZnode {
  readonly brokerid: number;
}

export const encode = (value: unknown): string => JSON.stringify(value);

export function decode<T>(data: string): T {
  return JSON.parse(data) as T;
}

export function stateZnode(s: Pick<PartitionState, "controllerEpoch" | "leader" | "leaderEpoch" | "isr">): PartitionStateZnode {
  return { controller_epoch: s.controllerEpoch, leader: s.leader, leader_epoch: s.leaderEpoch, isr: [...s.isr], version: 1 };
}

export const NO_LEADER = -1;
