import { MICROS_PER_MS, type Micros } from "../../../../sim/index.ts";
import { DEFAULT_CONSUMER_OPTIONS, type ConsumerOptions } from "../ConsumerOptions.ts";

/**
 * A group consumer's configuration: the simple consumer's (bootstrap, fetch settings,
 * auto.offset.reset, timeouts) plus the group's, Kafka's keys in camelCase with their
 * units last. Every duration is in simulated microseconds.
 */
export interface GroupConsumerOptions extends ConsumerOptions {
  /** group.id: the group to join. Required: a consumer without a group is a SimpleConsumer. */
  readonly groupId: string;
  /** session.timeout.ms: the coordinator removes a member whose heartbeats stop for this long. */
  readonly sessionTimeoutMicros: Micros;
  /** heartbeat.interval.ms: how often the background heartbeat goes to the coordinator. */
  readonly heartbeatIntervalMicros: Micros;
  /**
   * max.poll.interval.ms: a member that does not call poll() for this long leaves the group
   * (its heartbeat thread sends LeaveGroup). Also the rebalance timeout it joins with.
   */
  readonly maxPollIntervalMicros: Micros;
  /** max.poll.records: the most records one poll() returns. */
  readonly maxPollRecords: number;
  /** enable.auto.commit: commit the position of the records returned by earlier polls, from poll(). */
  readonly enableAutoCommit: boolean;
  /** auto.commit.interval.ms: how often poll() auto-commits. */
  readonly autoCommitIntervalMicros: Micros;
  /**
   * partition.assignment.strategy: the assignor this member proposes (Kafka's protocol name
   * or ksim's config spelling: range, roundrobin / round-robin, sticky, cooperative-sticky).
   */
  readonly partitionAssignmentStrategy: string;
  /** default.api.timeout.ms: how long commitSync keeps retrying retriable errors. */
  readonly defaultApiTimeoutMicros: Micros;
}

const ms = (n: number): Micros => n * MICROS_PER_MS;

/** The defaults of a 3.x Kafka consumer (ConsumerConfig); groupId must be given. */
export const DEFAULT_GROUP_CONSUMER_OPTIONS: Omit<GroupConsumerOptions, "groupId"> = {
  ...DEFAULT_CONSUMER_OPTIONS,
  sessionTimeoutMicros: ms(45_000),
  heartbeatIntervalMicros: ms(3_000),
  maxPollIntervalMicros: ms(300_000),
  maxPollRecords: 500,
  enableAutoCommit: true,
  autoCommitIntervalMicros: ms(5_000),
  partitionAssignmentStrategy: "range",
  defaultApiTimeoutMicros: ms(60_000),
};

/** A configuration Kafka's consumer would refuse (a ConfigException), with the reason. */
export class GroupConsumerConfigError extends Error {
  override name = "GroupConsumerConfigError";
}

/** The defaults overlaid with `options`, checked the way KafkaConsumer checks them at construction. */
export function groupConsumerOptions(options: Partial<GroupConsumerOptions> & { readonly groupId: string }): GroupConsumerOptions {
  const o: GroupConsumerOptions = { ...DEFAULT_GROUP_CONSUMER_OPTIONS, ...options };
  const fail = (why: string): never => {
    throw new GroupConsumerConfigError(`consumer: ${why}`);
  };
  if (o.groupId.length === 0) fail("group.id must not be empty");
  if (o.bootstrapBrokers.length === 0) fail("bootstrap brokers must not be empty");
  if (o.heartbeatIntervalMicros >= o.sessionTimeoutMicros) fail("heartbeat.interval.ms must be lower than session.timeout.ms");
  if (o.maxPollRecords < 1) fail("max.poll.records must be at least 1");
  if (o.maxPollIntervalMicros < 1) fail("max.poll.interval.ms must be at least 1");
  if (o.autoCommitIntervalMicros < 0) fail("auto.commit.interval.ms must not be negative");
  return o;
}
