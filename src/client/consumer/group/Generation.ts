import { NO_GENERATION, UNKNOWN_MEMBER_ID } from "../../../protocol/groups.ts";

/** A member's place in its group: the generation it joined, its member id, the assignor the group agreed on. */
export interface Generation {
  readonly generationId: number;
  readonly memberId: string;
  /** null until a JoinGroup answer named the protocol (and after a reset). */
  readonly protocolName: string | null;
}

/** Not in any generation, no member id (Kafka's Generation.NO_GENERATION). */
export const NO_GENERATION_YET: Generation = { generationId: NO_GENERATION, memberId: UNKNOWN_MEMBER_ID, protocolName: null };

export function sameGeneration(a: Generation, b: Generation): boolean {
  return a.generationId === b.generationId && a.memberId === b.memberId && a.protocolName === b.protocolName;
}

/** True after a reset (Kafka's hasGenerationReset: the member id may survive an ILLEGAL_GENERATION). */
export function generationReset(g: Generation): boolean {
  return g.generationId === NO_GENERATION && g.protocolName === null;
}

/**
 * Where a member is in the protocol (Kafka's MemberState): not in a group, JoinGroup sent,
 * SyncGroup sent (heartbeats run from here on), or in a stable generation.
 */
export type MemberState = "unjoined" | "preparing-rebalance" | "completing-rebalance" | "stable";
