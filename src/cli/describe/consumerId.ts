import { hashString } from "../../../sim/index.ts";

/**
 * A member id in Kafka's shape, `consumer-billing-1-5f0b6c2e-91d4-4a57-b3e8-0c7d2a9f1e64`: the
 * client id, then a UUID. Kafka's UUID is random; this one is a hash of the model's own
 * member id, so the same run always prints the same ids and each names one member.
 */
export function consumerIdOf(clientId: string, memberId: string): string {
  const seed = hashString(memberId);
  const hex = [1, 2, 3, 4].map((i) => mix32(seed ^ Math.imul(i, 0x9e3779b9)).toString(16).padStart(8, "0")).join("");
  return `${clientId}-${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** MurmurHash3's finaliser: every input bit moves every output bit, so near ids look unrelated. */
function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
