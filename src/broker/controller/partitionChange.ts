import { NO_LEADER } from "../zk/paths.ts";

/**
 * KIP-966's rules for one partition-state change (the 4.x profile), after Kafka's
 * PartitionChangeBuilder with eligible leader replicas on and the last known leader kept
 * for recovery (Kafka 4.0's useLastKnownLeaderInBalancedRecovery). A pure function: the
 * controller and, in ksim's ZooKeeper mode, the leader writing its own ISR change both use it.
 *
 * - While the ISR has at least min.insync.replicas members, the ELR and the last known
 *   leader are empty: the high watermark may advance, so a replica that left has no
 *   guarantee of holding everything committed.
 * - Below it the high watermark is frozen, so a replica that leaves the ISR then still
 *   holds every committed record: it joins the ELR (ISR members before the change that are
 *   not in it after), unless it restarted after an unclean shutdown.
 * - A leader comes from the ISR; if the ISR is empty, from the ELR (it becomes the ISR);
 *   if both are empty, the last known leader may lead again (Kafka counts that election as
 *   unclean); then, only where unclean.leader.election.enable, any acceptable replica.
 * - When the ISR becomes empty the leader it had is remembered as the last known leader;
 *   once the partition has a leader again that is forgotten.
 */
export interface ElrPartitionState {
  /** Assigned replicas, in assignment order (the order elections prefer). */
  readonly replicas: readonly number[];
  readonly leader: number;
  readonly isr: readonly number[];
  readonly elr: readonly number[];
  readonly lastKnownElr: readonly number[];
}

export interface PartitionChangeRequest {
  /** The ISR the change asks for (the current one less the replicas that leave it). */
  readonly targetIsr: readonly number[];
  readonly minInsyncReplicas: number;
  /** Brokers that may lead after the change: registered, and not the ones leaving or restarting uncleanly. */
  readonly acceptableLeader: (broker: number) => boolean;
  /** Brokers that registered after an unclean shutdown: they may not stay in, or join, the ELR. */
  readonly uncleanShutdown: readonly number[];
  readonly uncleanLeaderElectionEnabled: boolean;
}

export interface PartitionChangeResult {
  readonly leader: number;
  readonly isr: readonly number[];
  readonly elr: readonly number[];
  readonly lastKnownElr: readonly number[];
  /** The leader came from outside the ISR and ELR (the last known leader, or an unclean election). */
  readonly unclean: boolean;
  /** The leader came from the ELR. */
  readonly fromElr: boolean;
}

export function buildPartitionChange(state: ElrPartitionState, change: PartitionChangeRequest): PartitionChangeResult {
  let isr = [...change.targetIsr];
  let elr = targetElr(state, isr, change);
  const valid = (r: number): boolean => (isr.includes(r) || (isr.length === 0 && elr.includes(r))) && change.acceptableLeader(r);
  const election = elect(state, change, valid, isr, elr);
  let unclean = false;
  let fromElr = false;
  if (election.leader !== state.leader && election.leader !== NO_LEADER) {
    if (elr.includes(election.leader)) {
      fromElr = true;
      isr = [election.leader];
      elr = elr.filter((r) => r !== election.leader);
    } else if (election.unclean) {
      unclean = true;
      isr = [election.leader];
      elr = []; // an unclean election voids the guarantees the ELR stood for
    }
  }
  return { leader: election.leader, isr, elr, lastKnownElr: lastKnownLeader(state, election.leader, isr), unclean, fromElr };
}

/** The change writes nothing new: no state to write. */
export function isNoOp(state: ElrPartitionState, next: PartitionChangeResult): boolean {
  return (
    next.leader === state.leader &&
    sameList(next.isr, state.isr) &&
    sameList(next.elr, state.elr) &&
    sameList(next.lastKnownElr, state.lastKnownElr)
  );
}

function targetElr(state: ElrPartitionState, isr: readonly number[], change: PartitionChangeRequest): number[] {
  if (isr.length >= change.minInsyncReplicas) return [];
  const candidates = new Set([...state.elr, ...state.isr]);
  return state.replicas.filter((r) => candidates.has(r) && !isr.includes(r) && !change.uncleanShutdown.includes(r));
}

function elect(
  state: ElrPartitionState,
  change: PartitionChangeRequest,
  valid: (r: number) => boolean,
  isr: readonly number[],
  elr: readonly number[],
): { leader: number; unclean: boolean } {
  if (state.leader !== NO_LEADER && valid(state.leader)) return { leader: state.leader, unclean: false };
  const online = state.replicas.find(valid);
  if (online !== undefined) return { leader: online, unclean: false };
  // Kafka 4.0 keeps the pre-ELR availability of a partition whose every eligible replica is
  // gone: its last leader may lead again, data it lost and all (KIP-966 part 1 stops here;
  // the log inspection of its "unclean recovery" is not in any release).
  const last = state.lastKnownElr;
  if (isr.length === 0 && elr.length === 0 && last.length === 1 && change.acceptableLeader(last[0]!)) return { leader: last[0]!, unclean: true };
  if (change.uncleanLeaderElectionEnabled) {
    const any = state.replicas.find(change.acceptableLeader);
    if (any !== undefined) return { leader: any, unclean: true };
  }
  return { leader: NO_LEADER, unclean: false };
}

function lastKnownLeader(state: ElrPartitionState, leader: number, isr: readonly number[]): readonly number[] {
  if (leader !== NO_LEADER) return [];
  const emptied = isr.length === 0 && state.isr.length > 0;
  if (emptied && state.leader !== NO_LEADER) return [state.leader];
  return state.lastKnownElr;
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
