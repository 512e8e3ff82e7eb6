import type { Micros } from "../../sim/index.ts";

/**
 * The leader's view of session liveness (ZooKeeper's SessionTrackerImpl): each session
 * expires `timeout` after it was last heard of, through the leader's own clients or a
 * follower's ping. A new leader starts every known session with a full timeout.
 */
export class SessionTracker {
  private readonly expiresAt = new Map<number, Micros>();
  private readonly timeouts = new Map<number, Micros>();
  private readonly closing = new Set<number>();

  add(sessionId: number, timeoutMicros: Micros, nowMicros: Micros): void {
    this.timeouts.set(sessionId, timeoutMicros);
    this.expiresAt.set(sessionId, nowMicros + timeoutMicros);
  }

  touch(sessionId: number, nowMicros: Micros): boolean {
    const timeout = this.timeouts.get(sessionId);
    if (timeout === undefined || this.closing.has(sessionId)) return false;
    this.expiresAt.set(sessionId, Math.max(this.expiresAt.get(sessionId)!, nowMicros + timeout));
    return true;
  }

  isLive(sessionId: number): boolean {
    return this.timeouts.has(sessionId) && !this.closing.has(sessionId);
  }

  /** Sessions whose time is up, in id order; they are marked closing and reported once. */
  takeExpired(nowMicros: Micros): number[] {
    const expired: number[] = [];
    for (const [id, at] of this.expiresAt) {
      if (at <= nowMicros && !this.closing.has(id)) expired.push(id);
    }
    expired.sort((a, b) => a - b);
    for (const id of expired) this.closing.add(id);
    return expired;
  }

  /** A closeSession committed: forget the session. */
  remove(sessionId: number): void {
    this.expiresAt.delete(sessionId);
    this.timeouts.delete(sessionId);
    this.closing.delete(sessionId);
  }

  /** Forgets closing sessions once the committed tree no longer has them (their closeSession committed). */
  retainOnly(live: Readonly<Record<string, unknown>>): void {
    for (const id of [...this.closing]) if (!(String(id) in live)) this.remove(id);
  }

  /** Marks a session closing (the client asked to close), so it is not expired twice. */
  markClosing(sessionId: number): void {
    this.closing.add(sessionId);
  }
}
