/** The storage layer of a broker: one replica log per partition on the node's simulated disk. */
export { ReplicaLog, type LeaderAppendResult, type FollowerAppendResult, type LogReadResult } from "./ReplicaLog.ts";
export { DEFAULT_LOG_CONFIG, logConfig, type LogConfig, type CleanupPolicy } from "./LogConfig.ts";
export { LeaderEpochCache, type EpochEntry, type EpochEndOffsetAnswer, type EndOffsetFlavour } from "./LeaderEpochCache.ts";
export {
  ProducerStateManager,
  ProducerStateEntry,
  NUM_BATCHES_TO_RETAIN,
  NO_PRODUCER_EPOCH,
  type ProducerCheck,
  type ProducerStateError,
  type BatchMetadata,
} from "./ProducerStateManager.ts";
export type { CleanResult } from "./LogCompaction.ts";
export {
  batchLastOffset,
  batchNextOffset,
  batchLastSequence,
  recordOffset,
  isCompacted,
  type CompactedBatch,
  type StoredBatch,
} from "./storedBatch.ts";
export { openPartitionLog, PartitionLogAdapter, partitionDir, logConfigOf } from "./openPartitionLog.ts";
