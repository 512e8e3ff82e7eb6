import type { EventHandle, NodeContext } from "../../sim/index.ts";

/**
 * A fetch waiting in purgatory (Kafka's DelayedFetch): it answers once enough bytes are
 * there (fetch.min.bytes / replica.fetch.min.bytes) or when its wait is over
 * (fetch.max.wait.ms / replica.fetch.wait.max.ms). `ready` says whether it can answer now;
 * `answer` builds and sends the response from the logs as they are at that moment.
 */
export class DelayedFetch {
  private timer: EventHandle = -1;
  private completed = false;

  constructor(
    private readonly ctx: NodeContext,
    readonly ready: () => boolean,
    private readonly answer: () => void,
  ) {}

  start(maxWaitMicros: number): void {
    this.timer = this.ctx.setTimer(maxWaitMicros, "kafka.fetch-wait", () => this.complete());
  }

  tryComplete(): boolean {
    if (this.completed) return true;
    if (!this.ready()) return false;
    this.complete();
    return true;
  }

  get isCompleted(): boolean {
    return this.completed;
  }

  private complete(): void {
    if (this.completed) return;
    this.completed = true;
    this.ctx.cancelTimer(this.timer);
    this.answer();
  }
}
