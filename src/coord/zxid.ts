/**
 * A ZooKeeper transaction id: the leader's epoch in the high part, a counter within the
 * epoch in the low part. Ordered as numbers (epoch first), safe as a JS number while the
 * epoch stays below 2^21.
 */
export type Zxid = number;

const COUNTER_SPAN = 2 ** 32;

export const ZERO_ZXID: Zxid = 0;

export function makeZxid(epoch: number, counter: number): Zxid {
  return epoch * COUNTER_SPAN + counter;
}

export function epochOf(zxid: Zxid): number {
  return Math.floor(zxid / COUNTER_SPAN);
}

export function counterOf(zxid: Zxid): number {
  return zxid % COUNTER_SPAN;
}

export function formatZxid(zxid: Zxid): string {
  return `0x${epochOf(zxid).toString(16)}${counterOf(zxid).toString(16).padStart(8, "0")}`;
}
