import { millis, seconds, type Micros } from "../../sim/index.ts";

/**
 * The ensemble's settings, in ZooKeeper's terms (zoo.cfg), with its usual values. Time
 * limits count in ticks as ZooKeeper's do.
 */
export interface EnsembleConfig {
  /** Node names of the members, in server-id order. */
  readonly members: readonly string[];
  /** ZooKeeper's tickTime: the unit of heartbeats and of the limits below. */
  readonly tickMicros: Micros;
  /** Ticks a follower may take to connect and sync to a new leader (initLimit). */
  readonly initLimitTicks: number;
  /** Ticks a follower may fall silent before the leader drops it, and vice versa (syncLimit). */
  readonly syncLimitTicks: number;
  /** Fast leader election waits this long for a better vote once a quorum agrees (finalizeWait). */
  readonly finalizeWaitMicros: Micros;
  /** Election notifications are re-sent at this interval, doubling up to the maximum. */
  readonly notificationIntervalMicros: Micros;
  readonly maxNotificationIntervalMicros: Micros;
  /** Session timeouts are clamped to [2, 20] ticks, as ZooKeeper does by default. */
  readonly minSessionTimeoutMicros: Micros;
  readonly maxSessionTimeoutMicros: Micros;
  /** Bytes of a log entry on disk and on the wire (records are objects; this gives them a size). */
  readonly entryBytes: number;
}

export function ensembleConfig(members: readonly string[], overrides: Partial<EnsembleConfig> = {}): EnsembleConfig {
  const tickMicros = overrides.tickMicros ?? seconds(2);
  return {
    members,
    tickMicros,
    initLimitTicks: 10,
    syncLimitTicks: 5,
    finalizeWaitMicros: millis(200),
    notificationIntervalMicros: millis(400),
    maxNotificationIntervalMicros: seconds(60),
    minSessionTimeoutMicros: 2 * tickMicros,
    maxSessionTimeoutMicros: 20 * tickMicros,
    entryBytes: 256,
    ...overrides,
  };
}

export function quorumSize(config: EnsembleConfig): number {
  return Math.floor(config.members.length / 2) + 1;
}

/** ZooKeeper's server id of a member (1-based, by position), which breaks election ties. */
export function serverId(config: EnsembleConfig, member: string): number {
  return config.members.indexOf(member) + 1;
}
