/**
 * The group consumer: KafkaConsumer (subscribe, poll, commits) with its coordinator
 * (membership, heartbeats, rebalances, offsets), and GroupConsumerHost, the process that
 * runs the poll / process / commit loop of an application.
 */
export { KafkaConsumer, type KafkaConsumerExtras, type KafkaConsumerStats } from "../KafkaConsumer.ts";
export {
  DEFAULT_GROUP_CONSUMER_OPTIONS,
  GroupConsumerConfigError,
  groupConsumerOptions,
  type GroupConsumerOptions,
} from "./GroupConsumerOptions.ts";
export {
  isFencedCommit,
  type CommitError,
  type CommitKind,
  type CommitResult,
  type GroupConsumerObserver,
} from "./GroupConsumerObserver.ts";
export type { RebalanceListener } from "./ConsumerCoordinator.ts";
export type { Generation, MemberState } from "./Generation.ts";
export {
  DEFAULT_GROUP_CONSUMER_HOST_OPTIONS,
  GroupConsumerHost,
  type CommitMode,
  type GroupConsumerHostOptions,
  type GroupConsumerHostStats,
} from "./GroupConsumerHost.ts";
