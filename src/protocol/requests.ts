import type { Message } from "../../sim/index.ts";
import type { KafkaError } from "./errors.ts";
import type { ProducerBatch, RecordBatch } from "./records.ts";

/**
 * The Kafka requests and responses the model uses, by their protocol names, as plain
 * messages. A response carries its request's correlation id. Brokers are numbered from 1
 * and live on nodes named `broker-<id>`; clients address them by id.
 */
interface Request extends Message {
  readonly correlationId: number;
}

export type Acks = 0 | 1 | -1;

/** "No epoch given" in requests that may carry one (KIP-320 fields of older clients). */
export const NO_LEADER_EPOCH = -1;
/** The replica id of a consumer (not a broker) in Fetch and ListOffsets. */
export const CONSUMER_REPLICA_ID = -1;
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

// ---- Produce ---------------------------------------------------------------------------

export interface ProduceRequest extends Request {
  readonly type: "kafka.produce";
  readonly acks: Acks;
  readonly timeoutMicros: number;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly batch: ProducerBatch }[];
}
export interface ProducePartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaError;
  /** Offset of the batch's first record, or -1 on error. */
  readonly baseOffset: number;
}
export interface ProduceResponse extends Request {
  readonly type: "kafka.produce.response";
  readonly partitions: readonly ProducePartitionResponse[];
}

// ---- Fetch (followers and consumers) ------------------------------------------------------

export interface FetchPartition {
  readonly topic: string;
  readonly partition: number;
  readonly fetchOffset: number;
  /** KIP-320: the fetcher's idea of the leader epoch; stale ones get FENCED_LEADER_EPOCH. */
  readonly currentLeaderEpoch: number;
  readonly maxBytes: number;
}
export interface FetchRequest extends Request {
  readonly type: "kafka.fetch";
  /** The fetching broker's id, or CONSUMER_REPLICA_ID. */
  readonly replicaId: number;
  readonly maxWaitMicros: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly partitions: readonly FetchPartition[];
}
export interface FetchPartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaError;
  readonly highWatermark: number;
  readonly logStartOffset: number;
  readonly batches: readonly RecordBatch[];
}
export interface FetchResponse extends Request {
  readonly type: "kafka.fetch.response";
  readonly partitions: readonly FetchPartitionResponse[];
}

// ---- Metadata --------------------------------------------------------------------------

export interface MetadataRequest extends Request {
  readonly type: "kafka.metadata";
  /** null asks for every topic. */
  readonly topics: readonly string[] | null;
}
export interface PartitionMetadata {
  readonly partition: number;
  readonly error: KafkaError;
  /** -1 when there is no leader. */
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
}
export interface TopicMetadata {
  readonly topic: string;
  readonly error: KafkaError;
  readonly partitions: readonly PartitionMetadata[];
}
export interface MetadataResponse extends Request {
  readonly type: "kafka.metadata.response";
  readonly brokers: readonly number[];
  readonly controllerId: number;
  readonly topics: readonly TopicMetadata[];
}

// ---- ListOffsets and OffsetsForLeaderEpoch -----------------------------------------------

export interface ListOffsetsRequest extends Request {
  readonly type: "kafka.list-offsets";
  readonly replicaId: number;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly timestamp: number; readonly currentLeaderEpoch: number }[];
}
export interface ListOffsetsResponse extends Request {
  readonly type: "kafka.list-offsets.response";
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly error: KafkaError; readonly offset: number; readonly leaderEpoch: number }[];
}

export interface OffsetsForLeaderEpochRequest extends Request {
  readonly type: "kafka.offsets-for-leader-epoch";
  readonly replicaId: number;
  readonly partitions: readonly { readonly topic: string; readonly partition: number; readonly currentLeaderEpoch: number; readonly leaderEpoch: number }[];
}
export interface EpochEndOffset {
  readonly topic: string;
  readonly partition: number;
  readonly error: KafkaError;
  /** KIP-279: the largest epoch at or below the one asked (UNDEFINED_EPOCH before 2.0's answer). */
  readonly leaderEpoch: number;
  readonly endOffset: number;
}
export interface OffsetsForLeaderEpochResponse extends Request {
  readonly type: "kafka.offsets-for-leader-epoch.response";
  readonly partitions: readonly EpochEndOffset[];
}

// ---- InitProducerId (idempotent producers) ------------------------------------------------

export interface InitProducerIdRequest extends Request {
  readonly type: "kafka.init-producer-id";
}
export interface InitProducerIdResponse extends Request {
  readonly type: "kafka.init-producer-id.response";
  readonly error: KafkaError;
  readonly producerId: number;
  readonly producerEpoch: number;
}

// ---- Controller to broker ------------------------------------------------------------------

/** A partition's leadership as the controller decided it (the partition state znode's content). */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  readonly controllerEpoch: number;
  readonly leader: number;
  readonly leaderEpoch: number;
  readonly isr: readonly number[];
  /** The version of the partition state znode (zkVersion), for conditional ISR updates. */
  readonly zkVersion: number;
  readonly replicas: readonly number[];
  /** KIP-966 (the 4.x profile only): eligible leader replicas and the last known leader; absent otherwise. */
  readonly elr?: readonly number[];
  readonly lastKnownElr?: readonly number[];
}

export interface LeaderAndIsrRequest extends Request {
  readonly type: "kafka.leader-and-isr";
  readonly controllerId: number;
  readonly controllerEpoch: number;
  readonly partitionStates: readonly PartitionState[];
}
export interface LeaderAndIsrResponse extends Request {
  readonly type: "kafka.leader-and-isr.response";
  readonly error: KafkaError;
}

export interface UpdateMetadataRequest extends Request {
  readonly type: "kafka.update-metadata";
  readonly controllerId: number;
  readonly controllerEpoch: number;
  readonly partitionStates: readonly PartitionState[];
  readonly liveBrokers: readonly number[];
}
export interface UpdateMetadataResponse extends Request {
  readonly type: "kafka.update-metadata.response";
  readonly error: KafkaError;
}

export type KafkaRequest =
  | ProduceRequest
  | FetchRequest
  | MetadataRequest
  | ListOffsetsRequest
  | OffsetsForLeaderEpochRequest
  | InitProducerIdRequest
  | LeaderAndIsrRequest
  | UpdateMetadataRequest;

export type KafkaResponse =
  | ProduceResponse
  | FetchResponse
  | MetadataResponse
  | ListOffsetsResponse
  | OffsetsForLeaderEpochResponse
  | InitProducerIdResponse
  | LeaderAndIsrResponse
  | UpdateMetadataResponse;

export function isKafkaRequest(m: Message): m is KafkaRequest {
  return m.type.startsWith("kafka.") && !m.type.endsWith(".response");
}

export function isKafkaResponse(m: Message): m is KafkaResponse {
  return m.type.startsWith("kafka.") && m.type.endsWith(".response");
}

export function brokerNode(id: number): string {
  // One string per broker, not one per request.
  if (!(Number.isInteger(id) && id >= 0 && id < 4096)) return `broker-${id}`;
  return (brokerNames[id] ??= `broker-${id}`);
}

const brokerNames: string[] = [];

export function brokerIdOf(node: string): number {
  // Asked for the sender of nearly every message a client or broker receives: a regular
  // expression per message was a measurable share of the garbage. Node names are few.
  let id = brokerIds.get(node);
  if (id === undefined) {
    const match = /^broker-(\d+)$/.exec(node);
    id = match ? Number(match[1]) : -1;
    if (brokerIds.size < MAX_REMEMBERED_NAMES) brokerIds.set(node, id);
  }
  return id;
}

const brokerIds = new Map<string, number>();
/** A bound, not a cache policy: a process sees a few dozen node names, never this many. */
const MAX_REMEMBERED_NAMES = 4096;
