import { PLANTED } from "../../protocol/plantedBugs.ts";
import { NO_LEADER } from "../zk/paths.ts";

export interface ElectionInput {
  /** Assigned replicas in assignment order. */
  readonly replicas: readonly number[];
  readonly isr: readonly number[];
  readonly liveBrokers: readonly number[];
  readonly uncleanLeaderElectionEnabled: boolean;
}

export interface ElectionResult {
  readonly leader: number;
  readonly isr: readonly number[];
  /** True when the leader came from outside the ISR: acknowledged records may be lost. */
  readonly unclean: boolean;
}

/**
 * Kafka's OfflinePartitionLeaderElectionStrategy: the first assigned replica that is live
 * and in the ISR; failing that, and only when unclean leader election is enabled, the
 * first live assigned replica, with an ISR of itself alone. Null when no leader can be
 * elected (the partition stays offline).
 */
export function electOfflinePartitionLeader(input: ElectionInput): ElectionResult | null {
  const live = new Set(input.liveBrokers);
  const liveIsr = input.isr.filter((r) => live.has(r));
  if (PLANTED.uncleanWithIsrAlive) {
    // Planted bug: prefer a live replica outside the ISR even though an ISR member is alive.
    const outsider = input.replicas.find((r) => live.has(r) && !liveIsr.includes(r));
    if (outsider !== undefined && liveIsr.length > 0) return { leader: outsider, isr: [outsider], unclean: true };
  }
  const clean = input.replicas.find((r) => live.has(r) && liveIsr.includes(r));
  if (clean !== undefined) return { leader: clean, isr: liveIsr, unclean: false };
  if (!input.uncleanLeaderElectionEnabled) return null;
  const unclean = input.replicas.find((r) => live.has(r));
  return unclean === undefined ? null : { leader: unclean, isr: [unclean], unclean: true };
}

/**
 * A new partition's first leadership: the first live assigned replica leads, every live
 * assigned replica is in the ISR (Kafka's NewPartition -> OnlinePartition).
 */
export function initialLeadership(replicas: readonly number[], liveBrokers: readonly number[]): ElectionResult | null {
  const live = new Set(liveBrokers);
  const liveReplicas = replicas.filter((r) => live.has(r));
  return liveReplicas.length === 0 ? null : { leader: liveReplicas[0]!, isr: liveReplicas, unclean: false };
}

/**
 * Kafka's removal of a dead replica from the ISR (ZkReplicaStateMachine): a leader that
 * dies leaves NoLeader; the ISR keeps its last member rather than becoming empty, so the
 * partition remembers who had everything.
 */
export function removeFromIsr(leader: number, isr: readonly number[], dead: number): { leader: number; isr: readonly number[] } {
  const newIsr = isr.length === 1 ? isr : isr.filter((r) => r !== dead);
  return { leader: leader === dead ? NO_LEADER : leader, isr: newIsr };
}
