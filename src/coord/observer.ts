import type { LogEntry } from "./messages.ts";

/**
 * What the ensemble tells an observer as it runs (a checker, a test, a report's
 * timeline). Observers watch; they never change the run.
 */
export interface EnsembleObserver {
  /** `member` established itself as leader of `epoch` (a quorum acknowledged NEWLEADER). */
  leaderEstablished?(member: string, epoch: number, atMicros: number): void;
  /** `member` applied a committed entry to its tree, in zxid order. */
  committed?(member: string, entry: LogEntry, atMicros: number): void;
  /** `member` starts its applied state over from a snapshot at `fromZxid` (0: empty); commits replay after it. */
  treeReset?(member: string, fromZxid: number, atMicros: number): void;
  /** `member` left its role and started an election. */
  lookingStarted?(member: string, reason: string, atMicros: number): void;
}
