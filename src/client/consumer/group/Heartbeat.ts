import type { Micros } from "../../../../sim/index.ts";

export interface HeartbeatTimeouts {
  readonly sessionTimeoutMicros: Micros;
  readonly heartbeatIntervalMicros: Micros;
  readonly maxPollIntervalMicros: Micros;
  readonly retryBackoffMicros: Micros;
}

/**
 * The three clocks of a group member (Kafka's Heartbeat): when the next heartbeat is due,
 * how long since the coordinator last answered one (past session.timeout.ms the member
 * assumes the coordinator is gone and looks for it again), and how long since the
 * application last polled (past max.poll.interval.ms the member leaves the group). Pure
 * bookkeeping: times are passed in, nothing is scheduled here.
 */
export class Heartbeat {
  private heartbeatDueMicros = 0;
  private sessionDeadlineMicros = 0;
  private pollDeadlineMicros = 0;
  private inFlight = false;
  lastSentMicros = -1;

  constructor(private readonly timeouts: HeartbeatTimeouts) {}

  get heartbeatInFlight(): boolean {
    return this.inFlight;
  }

  /** The application called poll(). */
  poll(now: Micros): void {
    this.pollDeadlineMicros = now + this.timeouts.maxPollIntervalMicros;
  }

  sentHeartbeat(now: Micros): void {
    this.lastSentMicros = now;
    this.inFlight = true;
    this.heartbeatDueMicros = now + this.timeouts.heartbeatIntervalMicros;
  }

  /** A heartbeat failed: try again after the retry back-off rather than a whole interval. */
  failHeartbeat(now: Micros): void {
    this.inFlight = false;
    this.heartbeatDueMicros = now + this.timeouts.retryBackoffMicros;
  }

  /** The coordinator answered a heartbeat (even with REBALANCE_IN_PROGRESS): the session lives on. */
  receiveHeartbeat(now: Micros): void {
    this.inFlight = false;
    this.sessionDeadlineMicros = now + this.timeouts.sessionTimeoutMicros;
  }

  shouldHeartbeat(now: Micros): boolean {
    return now >= this.heartbeatDueMicros;
  }

  timeToNextHeartbeat(now: Micros): Micros {
    return Math.max(0, this.heartbeatDueMicros - now);
  }

  sessionTimeoutExpired(now: Micros): boolean {
    return now >= this.sessionDeadlineMicros;
  }

  pollTimeoutExpired(now: Micros): boolean {
    return now >= this.pollDeadlineMicros;
  }

  timeToSessionExpiry(now: Micros): Micros {
    return Math.max(0, this.sessionDeadlineMicros - now);
  }

  timeToPollExpiry(now: Micros): Micros {
    return Math.max(0, this.pollDeadlineMicros - now);
  }

  /** A coordinator was found: its session starts now. */
  resetSessionTimeout(now: Micros): void {
    this.sessionDeadlineMicros = now + this.timeouts.sessionTimeoutMicros;
  }

  /** Joined a generation: every clock starts over (Kafka's HeartbeatThread.enable). */
  resetTimeouts(now: Micros): void {
    this.sessionDeadlineMicros = now + this.timeouts.sessionTimeoutMicros;
    this.pollDeadlineMicros = now + this.timeouts.maxPollIntervalMicros;
    this.heartbeatDueMicros = now + this.timeouts.heartbeatIntervalMicros;
  }
}
