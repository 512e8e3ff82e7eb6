import type { EventHandle } from "./EventQueue.ts";
import type { Message } from "./SimNode.ts";
import type { Micros } from "./time.ts";

/**
 * One direction of a connection: a FIFO of messages with the earliest time each may
 * arrive. Only the head has an event in the kernel's queue, so FIFO order holds by
 * construction whatever the jitter, and a stalled channel (its link cut) costs nothing
 * until it resumes.
 */
export class Channel {
  // The FIFO lives in [head, tail) of two arrays that are reused, not replaced, when the
  // channel empties: most channels carry one request or answer at a time, and fresh arrays
  // for each message were a good share of the network's garbage.
  private messages: (Message | undefined)[] = [];
  private readyAt: Micros[] = [];
  private head = 0;
  private tail = 0;
  /** The kernel event that delivers the head, or -1 when none is scheduled. */
  headEvent: EventHandle = -1;
  /** True while the head waits for a cut link to heal (TCP retransmitting). */
  stalled = false;
  /** Fires `stallResetMicros` after a stall began: TCP gives up and resets the connection. */
  giveUpEvent: EventHandle = -1;
  /** The latest readyAt handed out, so a later message never overtakes an earlier one. */
  lastReadyAt: Micros = 0;

  constructor(
    readonly from: number,
    readonly to: number,
  ) {}

  get length(): number {
    return this.tail - this.head;
  }

  push(message: Message, readyAt: Micros): void {
    this.messages[this.tail] = message;
    this.readyAt[this.tail] = readyAt;
    this.tail++;
  }

  headReadyAt(): Micros {
    return this.readyAt[this.head]!;
  }

  /** Moves the head's arrival time (retransmission after a loss or a heal). */
  delayHead(readyAt: Micros): void {
    this.readyAt[this.head] = readyAt;
    if (readyAt > this.lastReadyAt) this.lastReadyAt = readyAt;
  }

  shift(): Message {
    const message = this.messages[this.head]!;
    this.messages[this.head] = undefined; // delivered: not kept alive by the channel
    this.head++;
    if (this.head === this.tail) {
      this.head = 0;
      this.tail = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      this.messages = this.messages.slice(this.head, this.tail);
      this.readyAt = this.readyAt.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return message;
  }

  /** Drops everything in flight; returns how many messages were lost. */
  clear(): number {
    const lost = this.length;
    this.messages = [];
    this.readyAt = [];
    this.head = 0;
    this.tail = 0;
    this.stalled = false;
    return lost;
  }
}
