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
  /**
   * KIP-966 (4.x profile): the incarnation of each broker's last registration the controller
   * acted on, kept persistently as KRaft's controller keeps registrations in its metadata
   * log, so that a new controller does not take an old registration for a new one.
   */
  brokerIncarnations: "/brokers/incarnations",
  brokerIncarnation: (id: number) => `/brokers/incarnations/${id}`,
} as const;

/** The persistent nodes every cluster has before any broker starts. */
export const ZK_ROOTS = [ZK.brokers, ZK.brokerIds, ZK.brokerTopics, ZK.isrChangeNotification];

export interface BrokerRegistration {
  readonly id: number;
  readonly node: string;
  /**
   * KIP-966 (4.x profile): which process start registered, like KRaft's incarnation id. ksim
   * has no controlled shutdown (so no clean-shutdown file): a new incarnation always follows
   * an unclean shutdown, and its replicas may have lost what they had not fsynced.
   */
  readonly incarnation?: number;
}

/** /brokers/incarnations/<id>: the registration the controller last acted on. */
export interface BrokerIncarnationZnode {
  readonly incarnation: number;
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
  /** KIP-966 (4.x profile only): eligible leader replicas, and the last known leader when no replica is left. */
  readonly elr?: readonly number[];
  readonly last_known_elr?: readonly number[];
}

export interface ControllerZnode {
  readonly brokerid: number;
}

export const encode = (value: unknown): string => JSON.stringify(value);

export function decode<T>(data: string): T {
  return JSON.parse(data) as T;
}

export function stateZnode(s: Pick<PartitionState, "controllerEpoch" | "leader" | "leaderEpoch" | "isr" | "elr" | "lastKnownElr">): PartitionStateZnode {
  const base = { controller_epoch: s.controllerEpoch, leader: s.leader, leader_epoch: s.leaderEpoch, isr: [...s.isr], version: 1 as const };
  // Profiles without KIP-966 write exactly the fields Kafka's ZooKeeper mode wrote.
  if (s.elr === undefined) return base;
  return { ...base, elr: [...s.elr], last_known_elr: [...(s.lastKnownElr ?? [])] };
}

/** The ELR fields of a state znode as a PartitionState carries them (absent before KIP-966). */
export function elrOf(z: PartitionStateZnode): Pick<PartitionState, "elr" | "lastKnownElr"> {
  return z.elr === undefined ? {} : { elr: z.elr, lastKnownElr: z.last_known_elr ?? [] };
}

export const NO_LEADER = -1;
