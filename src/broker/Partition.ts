import { PLANTED } from "../protocol/plantedBugs.ts";
import { assert } from "../../sim/index.ts";
import type { KafkaError } from "../protocol/errors.ts";
import type { ProducerBatch, RecordBatch } from "../protocol/records.ts";
import { lastOffsetOf } from "../protocol/records.ts";
import type { PartitionState } from "../protocol/requests.ts";
import type { TopicOptions } from "./BrokerOptions.ts";
import type { PartitionLog } from "./PartitionLog.ts";

/** The leader's record of one follower (Kafka's Replica / FollowerState). */
interface RemoteReplica {
  logEndOffset: number;
  lastCaughtUpMicros: number;
  lastFetchLeaderLogEndOffset: number;
  lastFetchMicros: number;
}

export type AppendOutcome =
  | { readonly ok: true; readonly batch: RecordBatch | null; readonly baseOffset: number; readonly requiredOffset: number }
  | { readonly ok: false; readonly error: KafkaError };

/**
 * One partition replica on a broker (Kafka's Partition): its leadership as the controller
 * last said, and, when it leads, the followers' fetch state, the ISR it maintains and the
 * high watermark it advances. ISR changes are proposed here and applied by the caller
 * once the coordination store accepted them.
 */
export class Partition {
  leader = -1;
  leaderEpoch = -1;
  isr: readonly number[] = [];
  replicas: readonly number[] = [];
  zkVersion = -1;
  controllerEpoch = -1;
  /**
   * KIP-966 (4.x profile): the eligible leader replicas and last known leader as the state
   * znode has them; undefined where the profile has no KIP-966 (then neither is written).
   */
  elr: readonly number[] | undefined = undefined;
  lastKnownElr: readonly number[] | undefined = undefined;
  /**
   * The ISR a write under way proposes (null: none): propose no other until it lands. While
   * it is pending the leader counts both the old and the proposed members (Kafka's maximal
   * ISR, KIP-497) in the high watermark, so that whichever the store ends up with holds
   * everything committed. Counting only the old ISR let the high watermark pass a replica
   * being added, which then joined the ISR without those records and could be elected.
   */
  private pendingIsr: readonly number[] | null = null;
  /** Leader: our log end offset when this epoch began (Kafka's leaderEpochStartOffsetOpt). */
  private leaderEpochStartOffset = -1;
  private readonly remote = new Map<number, RemoteReplica>();

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly brokerId: number,
    readonly log: PartitionLog,
    readonly options: TopicOptions,
  ) {}

  get isLeader(): boolean {
    return this.leader === this.brokerId;
  }

  get highWatermark(): number {
    return this.log.highWatermark;
  }

  get isrUpdateInFlight(): boolean {
    return this.pendingIsr !== null;
  }

  /** The ISR and, while a change is pending, the members it adds (Kafka's maximalIsr). */
  get maximalIsr(): readonly number[] {
    const pending = this.pendingIsr;
    if (pending === null) return this.isr;
    return [...this.isr, ...pending.filter((r) => !this.isr.includes(r))];
  }

  /** Leader: an ISR write proposing `isr` is on its way to the store. */
  beginIsrUpdate(isr: readonly number[]): void {
    assert(this.pendingIsr === null, () => `ISR update of ${this.topic}-${this.partition} while one is pending`);
    this.pendingIsr = [...isr];
  }

  /** The pending ISR write landed (then `isrChanged` applies it) or failed. */
  endIsrUpdate(): void {
    this.pendingIsr = null;
  }

  /** Applies a LeaderAndIsr making this broker the leader. */
  makeLeader(state: PartitionState, nowMicros: number): void {
    assert(state.leader === this.brokerId, "makeLeader for another broker");
    this.applyState(state);
    // The new epoch starts at our log end: what we have is the epoch's history.
    this.log.assignEpoch(state.leaderEpoch, this.log.logEndOffset);
    this.leaderEpochStartOffset = this.log.logEndOffset;
    this.remote.clear();
    for (const r of state.replicas) {
      if (r === this.brokerId) continue;
      this.remote.set(r, {
        logEndOffset: -1,
        // Followers in the ISR get the benefit of the doubt for one lag period.
        lastCaughtUpMicros: state.isr.includes(r) ? nowMicros : 0,
        lastFetchLeaderLogEndOffset: -1,
        lastFetchMicros: 0,
      });
    }
    this.pendingIsr = null;
  }

  makeFollower(state: PartitionState): void {
    assert(state.leader !== this.brokerId, "makeFollower for the leader");
    this.applyState(state);
    this.remote.clear();
    this.pendingIsr = null;
  }

  /** Leader: append a producer's batch, after the acks=all and idempotence checks. */
  appendAsLeader(batch: ProducerBatch, acks: number, nowMicros: number): AppendOutcome {
    if (!this.isLeader) return { ok: false, error: "NOT_LEADER_OR_FOLLOWER" };
    if (acks === -1 && this.isr.length < this.options.minInsyncReplicas) return { ok: false, error: "NOT_ENOUGH_REPLICAS" };
    const check = this.log.checkProducerBatch(batch);
    if (check.kind === "duplicate") {
      return { ok: true, batch: null, baseOffset: check.baseOffset, requiredOffset: check.baseOffset + batch.records.length };
    }
    if (check.kind === "error") return { ok: false, error: check.error };
    const appended = this.log.appendAsLeader(batch, this.leaderEpoch, nowMicros);
    if (typeof appended === "string") return { ok: false, error: appended };
    // The caller advances the high watermark (a lone ISR commits at once) and tells whoever waits.
    return { ok: true, batch: appended, baseOffset: appended.baseOffset, requiredOffset: lastOffsetOf(appended) + 1 };
  }

  /**
   * Leader: a follower fetched from `fetchOffset`, so it has everything before it. Kafka's
   * rule for "caught up": it fetched up to our log end, or up to the log end we had at its
   * previous fetch (then it was caught up as of that time).
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number, nowMicros: number): void {
    const r = this.remote.get(replicaId);
    if (!r) return;
    const leaderEnd = this.log.logEndOffset;
    if (fetchOffset >= leaderEnd) r.lastCaughtUpMicros = nowMicros;
    else if (fetchOffset >= r.lastFetchLeaderLogEndOffset && r.lastFetchLeaderLogEndOffset >= 0) r.lastCaughtUpMicros = r.lastFetchMicros;
    r.logEndOffset = fetchOffset;
    r.lastFetchLeaderLogEndOffset = leaderEnd;
    r.lastFetchMicros = nowMicros;
  }

  /** Leader: HW = the smallest log end offset in the (maximal) ISR; it never goes back. True if it moved. */
  maybeIncrementHighWatermark(): boolean {
    if (!this.isLeader) return false;
    // KIP-966's strict min ISR: below min.insync.replicas the high watermark stays, so every
    // replica that leaves the ISR from then on holds all that is committed (the ELR's guarantee).
    if (this.elr !== undefined && this.isr.length < this.options.minInsyncReplicas) return false;
    let hw = this.log.logEndOffset;
    for (const r of this.maximalIsr) {
      if (r === this.brokerId) continue;
      const leo = this.remote.get(r)?.logEndOffset ?? -1;
      if (PLANTED.hwLargestLeo ? leo > hw : leo < hw) hw = leo; // planted bug: the largest instead of the smallest
    }
    if (hw <= this.log.highWatermark) return false;
    this.log.updateHighWatermark(hw);
    return true;
  }

  /** Leader: ISR members that have not caught up within replica.lag.time.max.ms. */
  outOfSyncReplicas(nowMicros: number, lagTimeMaxMicros: number): number[] {
    if (!this.isLeader) return [];
    return this.isr.filter((r) => {
      if (r === this.brokerId) return false;
      const remote = this.remote.get(r);
      return !remote || nowMicros - remote.lastCaughtUpMicros > lagTimeMaxMicros;
    });
  }

  /**
   * Leader: a follower outside the ISR that has caught up to the high watermark, and (with
   * `needsEpochStart`) to the start of the current epoch, may join (Kafka's isFollowerInSync
   * for expansion).
   */
  replicaToAdd(replicaId: number, needsEpochStart = true): boolean {
    if (!this.isLeader || this.isr.includes(replicaId)) return false;
    const r = this.remote.get(replicaId);
    if (r === undefined || r.logEndOffset < 0) return false;
    // A stale high watermark (a new leader's lags) is not enough: the follower must also have
    // everything from before this epoch, or electing it later would lose committed records
    // (KAFKA-7128, Kafka 2.1; earlier releases had the gap).
    return r.logEndOffset >= this.log.highWatermark && (!needsEpochStart || r.logEndOffset >= this.leaderEpochStartOffset);
  }

  /** Leader: the ISR (and, under KIP-966, the ELR) the store accepted. */
  isrChanged(isr: readonly number[], zkVersion: number, elr?: { readonly elr: readonly number[]; readonly lastKnownElr: readonly number[] }): void {
    this.isr = [...isr];
    this.zkVersion = zkVersion;
    if (elr !== undefined) {
      this.elr = [...elr.elr];
      this.lastKnownElr = [...elr.lastKnownElr];
    }
  }

  /** For state dumps: the followers' log end offsets as the leader knows them. */
  followerLogEndOffsets(): Map<number, number> {
    return new Map([...this.remote].map(([id, r]) => [id, r.logEndOffset]));
  }

  private applyState(state: PartitionState): void {
    this.leader = state.leader;
    this.leaderEpoch = state.leaderEpoch;
    this.isr = [...state.isr];
    this.replicas = [...state.replicas];
    this.zkVersion = state.zkVersion;
    this.controllerEpoch = state.controllerEpoch;
    this.elr = state.elr === undefined ? undefined : [...state.elr];
    this.lastKnownElr = state.lastKnownElr === undefined ? undefined : [...state.lastKnownElr];
  }
}
