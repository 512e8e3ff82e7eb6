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
  poll(nowMicros: Micros): void {
    this.pollDeadlineMicros = nowMicros + this.timeouts.maxPollIntervalMicros;
  }

  sentHeartbeat(nowMicros: Micros): void {
    this.lastSentMicros = nowMicros;
    this.inFlight = true;
    this.heartbeatDueMicros = nowMicros + this.timeouts.heartbeatIntervalMicros;
  }

  /** A heartbeat failed: try again after the retry back-off rather than a whole interval. */
  failHeartbeat(nowMicros: Micros): void {
    this.inFlight = false;
    this.heartbeatDueMicros = nowMicros + this.timeouts.retryBackoffMicros;
  }

  /** The coordinator answered a heartbeat (even with REBALANCE_IN_PROGRESS): the session lives on. */
  receiveHeartbeat(nowMicros: Micros): void {
    this.inFlight = false;
    this.sessionDeadlineMicros = nowMicros + this.timeouts.sessionTimeoutMicros;
  }

  shouldHeartbeat(nowMicros: Micros): boolean {
    return nowMicros >= this.heartbeatDueMicros;
  }

  timeToNextHeartbeat(nowMicros: Micros): Micros {
    return Math.max(0, this.heartbeatDueMicros - nowMicros);
  }

  sessionTimeoutExpired(nowMicros: Micros): boolean {
    return nowMicros >= this.sessionDeadlineMicros;
  }

  pollTimeoutExpired(nowMicros: Micros): boolean {
    return nowMicros >= this.pollDeadlineMicros;
  }

  timeToSessionExpiry(nowMicros: Micros): Micros {
    return Math.max(0, this.sessionDeadlineMicros - nowMicros);
  }

  timeToPollExpiry(nowMicros: Micros): Micros {
    return Math.max(0, this.pollDeadlineMicros - nowMicros);
  }

  /** A coordinator was found: its session starts now. */
  resetSessionTimeout(nowMicros: Micros): void {
    this.sessionDeadlineMicros = nowMicros + this.timeouts.sessionTimeoutMicros;
  }

  /** Joined a generation: every clock starts over (Kafka's HeartbeatThread.enable). */
  resetTimeouts(nowMicros: Micros): void {
    this.sessionDeadlineMicros = nowMicros + this.timeouts.sessionTimeoutMicros;
    this.pollDeadlineMicros = nowMicros + this.timeouts.maxPollIntervalMicros;
    this.heartbeatDueMicros = nowMicros + this.timeouts.heartbeatIntervalMicros;
  }
}
