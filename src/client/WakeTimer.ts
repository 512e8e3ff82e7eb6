import type { EventHandle, Micros, NodeContext } from "../../sim/index.ts";

/**
 * One pending wake-up for a client's event loop (Kafka's sender thread polls with a
 * timeout; here the loop runs from a timer). Asking for an earlier wake replaces a later
 * one; asking for a later one while an earlier is pending does nothing, so callers can ask
 * freely and the loop runs once per instant it is needed.
 */
export class WakeTimer {
  private handle: EventHandle = -1;
  private atMicros = Infinity;

  constructor(
    private readonly ctx: NodeContext,
    private readonly label: string,
    private readonly run: () => void,
  ) {}

  /** Runs the loop at `atMicros` (or now, if that is past), unless an earlier run is pending. */
  wakeAt(atMicros: Micros): void {
    if (!Number.isFinite(atMicros)) return;
    const at = Math.max(atMicros, this.ctx.now);
    if (this.handle !== -1 && this.atMicros <= at) return;
    if (this.handle !== -1) this.ctx.cancelTimer(this.handle);
    this.atMicros = at;
    this.handle = this.ctx.setTimer(at - this.ctx.now, this.label, this.fire);
  }

  /** One handler for every wake (a closure per wake was garbage on the hottest loops). */
  private readonly fire = (): void => {
    this.handle = -1;
    this.atMicros = Infinity;
    this.run();
  };

  wakeNow(): void {
    this.wakeAt(this.ctx.now);
  }

  cancel(): void {
    if (this.handle !== -1) this.ctx.cancelTimer(this.handle);
    this.handle = -1;
    this.atMicros = Infinity;
  }
}
