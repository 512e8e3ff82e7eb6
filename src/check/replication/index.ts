/** Replication invariants read from the brokers as the run goes (see ReplicationChecker). */
export {
  ReplicationChecker,
  REPLICATION_INVARIANTS,
  forEachRecord,
  type Assignment,
  type FinalBroker,
  type FinalReplica,
  type ReadableLog,
  type ReplicaStateView,
  type ReplicationCheckerOptions,
} from "./ReplicationChecker.ts";
