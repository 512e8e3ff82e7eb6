/**
 * Version profiles: which era of Kafka a scenario models. A profile fixes two things
 * together, as a Kafka release does: behaviour (what a follower truncates to, whether
 * requests are fenced by leader epoch), read by brokers from PROFILE_BEHAVIOUR, and the
 * configuration defaults of that era, kept beside each key in the registry.
 *
 * The profiles are ordered oldest first; `profileAtLeast` compares them. Behaviour holds
 * for the whole range of releases a profile names; defaults are those of its first
 * release with that behaviour (0.10.1, 0.11.0, 2.1.0, 3.0, 4.0), so a default that changed
 * inside a range (replica.lag.time.max.ms in 2.5) takes the later value only in a later
 * profile.
 *
 * "4.x" is not KRaft: ksim's brokers keep ZooKeeper-mode mechanics (a controller elected
 * through the ensemble, partition state znodes written by the controller and by leaders),
 * and the profile adds the rules of KIP-966's first part (eligible leader replicas and the
 * strict min-ISR high watermark) on top of them, with Kafka 4.0's defaults.
 */
export const PROFILES = ["0.10", "0.11", "2.1", "3.x", "4.x"] as const;

export type Profile = (typeof PROFILES)[number];

/** The profile of a scenario that names none: current Kafka. */
export const DEFAULT_PROFILE: Profile = "3.x";

/**
 * What a replica truncates its log to when it becomes a follower (or restarts):
 * - `high-watermark`: to its own high watermark (Kafka 0.8 to 0.10, before KIP-101),
 *   which can lose acknowledged records or leave replicas diverged;
 * - `leader-epoch`: to the end offset the leader reports for the follower's latest epoch
 *   (KIP-101, Kafka 0.11);
 * - `leader-epoch-kip279`: the leader answers with the largest epoch at or below the one
 *   asked and that epoch's end offset, and the follower iterates until both agree
 *   (KIP-279, Kafka 2.0 onwards).
 */
export type TruncationRule = "high-watermark" | "leader-epoch" | "leader-epoch-kip279";

export interface ProfileBehaviour {
  readonly profile: Profile;
  /** The Kafka releases whose behaviour the profile models. */
  readonly kafkaVersions: string;
  readonly truncation: TruncationRule;
  /**
   * KIP-320: Fetch, ListOffsets and OffsetsForLeaderEpoch carry the sender's current
   * leader epoch; a replica answers a stale one with FENCED_LEADER_EPOCH and a newer one
   * with UNKNOWN_LEADER_EPOCH (Kafka 2.1 onwards).
   */
  readonly leaderEpochFencing: boolean;
  /**
   * KIP-380 (Kafka 2.2): a broker's registration carries an epoch (its znode's creation
   * zxid); the controller sees a broker that restarted and registered again between two of
   * its reads as a failure and a startup, rather than missing the bounce.
   */
  readonly brokerEpochs: boolean;
  /**
   * KAFKA-5642 (Kafka 1.1): the controller sends its partition-state writes to ZooKeeper
   * pipelined (asynchronous requests for a whole batch of partitions) instead of one after
   * the other, so a failover's cost grows far more slowly with the partition count.
   */
  readonly pipelinedStateWrites: boolean;
  /**
   * KIP-966 part 1 (Kafka 4.0, on by default for new clusters from 4.1): the high watermark
   * advances only while the ISR has at least min.insync.replicas members; a replica that
   * leaves an ISR already below that goes to the partition's eligible leader replicas (ELR),
   * which may lead when the ISR is empty; the ISR may become empty; a broker registering
   * after an unclean shutdown leaves every ISR and ELR; with neither left, only the last
   * known leader may lead again. See src/broker/controller/partitionChange.ts.
   */
  readonly eligibleLeaderReplicas: boolean;
  /**
   * KAFKA-8334 (Kafka 2.7): a produce request's appends complete waiting fetches and
   * produces after the whole request, from ReplicaManager's action queue, so a follower's
   * waiting fetch answers with every partition the request appended to. Before, each
   * partition's append completed them at once (Partition.appendRecordsToLeader), and a
   * waiting fetch could answer with the first partition only.
   */
  readonly completeAfterRequest: boolean;
  /**
   * KIP-360 (Kafka 2.5): an idempotent producer that must start again bumps its epoch and
   * renumbers only the partitions that hit the problem; before (1.1 to 2.4) it took a new
   * producer id and dropped numbered batches that needed a retry. See IdempotenceManager.
   */
  readonly idempotentEpochBump: boolean;
  /**
   * KIP-320's consumer side (Kafka 2.3, KAFKA-7747): a consumer checks its position against
   * the leader with OffsetsForLeaderEpoch after a leader change and when it starts from a
   * commit (which carries the leader epoch), and moves back past a truncation. See Fetcher.
   */
  readonly consumerPositionValidation: boolean;
  /**
   * KAFKA-7128 (Kafka 2.1, also 2.0.1 and 1.1.2): a follower joins the ISR only once it has
   * reached the start of the leader's epoch as well as the high watermark. Before, the high
   * watermark alone was enough, and a new leader's lagging one let a follower without
   * records committed in the previous epoch join the ISR (and be elected, losing them).
   */
  readonly isrJoinNeedsEpochStart: boolean;
  /** One line for reports and error messages. */
  readonly summary: string;
}

export const PROFILE_BEHAVIOUR: Readonly<Record<Profile, ProfileBehaviour>> = Object.freeze({
  "0.10": Object.freeze({
    profile: "0.10",
    kafkaVersions: "0.8 to 0.10",
    truncation: "high-watermark",
    leaderEpochFencing: false,
    brokerEpochs: false,
    pipelinedStateWrites: false,
    eligibleLeaderReplicas: false,
    completeAfterRequest: false,
    idempotentEpochBump: false,
    consumerPositionValidation: false,
    isrJoinNeedsEpochStart: false,
    summary: "followers truncate to the high watermark (before KIP-101)",
  }),
  "0.11": Object.freeze({
    profile: "0.11",
    kafkaVersions: "0.11 to 1.0",
    truncation: "leader-epoch",
    leaderEpochFencing: false,
    brokerEpochs: false,
    pipelinedStateWrites: false,
    eligibleLeaderReplicas: false,
    completeAfterRequest: false,
    idempotentEpochBump: false,
    consumerPositionValidation: false,
    isrJoinNeedsEpochStart: false,
    summary: "followers truncate by leader epoch (KIP-101)",
  }),
  "2.1": Object.freeze({
    profile: "2.1",
    kafkaVersions: "2.1 to 2.8",
    truncation: "leader-epoch-kip279",
    leaderEpochFencing: true,
    brokerEpochs: false,
    pipelinedStateWrites: true,
    eligibleLeaderReplicas: false,
    completeAfterRequest: false,
    idempotentEpochBump: false,
    consumerPositionValidation: false,
    isrJoinNeedsEpochStart: true,
    summary: "leader epochs with KIP-279's answer and KIP-320's fencing",
  }),
  "3.x": Object.freeze({
    profile: "3.x",
    kafkaVersions: "3.0 onwards",
    truncation: "leader-epoch-kip279",
    leaderEpochFencing: true,
    brokerEpochs: true,
    pipelinedStateWrites: true,
    eligibleLeaderReplicas: false,
    completeAfterRequest: true,
    idempotentEpochBump: true,
    consumerPositionValidation: true,
    isrJoinNeedsEpochStart: true,
    summary: "2.1's behaviour with 3.0's defaults (acks=all, idempotence on)",
  }),
  "4.x": Object.freeze({
    profile: "4.x",
    kafkaVersions: "4.0 onwards with ELR on, in ZooKeeper-mode mechanics",
    truncation: "leader-epoch-kip279",
    leaderEpochFencing: true,
    brokerEpochs: true,
    pipelinedStateWrites: true,
    eligibleLeaderReplicas: true,
    completeAfterRequest: true,
    idempotentEpochBump: true,
    consumerPositionValidation: true,
    isrJoinNeedsEpochStart: true,
    summary: "3.x's behaviour plus KIP-966's eligible leader replicas and strict min ISR, with 4.0's defaults (linger.ms 5)",
  }),
});

export function isProfile(value: unknown): value is Profile {
  return typeof value === "string" && (PROFILES as readonly string[]).includes(value);
}

export function profileBehaviour(profile: Profile): ProfileBehaviour {
  return PROFILE_BEHAVIOUR[profile];
}

/** True when `profile` is `since` or a later one. */
export function profileAtLeast(profile: Profile, since: Profile): boolean {
  return PROFILES.indexOf(profile) >= PROFILES.indexOf(since);
}

/** `"0.10" (0.8 to 0.10: followers truncate ...), ...`: the accepted profiles, for messages. */
export function describeProfiles(): string {
  return PROFILES.map((p) => `"${p}" (Kafka ${PROFILE_BEHAVIOUR[p].kafkaVersions})`).join(", ");
}
