import { assert, type Micros, type NodeContext } from "../../sim/index.ts";
import type { KafkaProducer } from "../client/producer/KafkaProducer.ts";

/**
 * `rate: max`: the application thread of kafka-producer-perf-test with `--throughput -1`,
 * which calls send() in a loop and is held back only by the producer itself (a send that
 * finds no buffer.memory for a new batch blocks the thread). Here the loop sends until a
 * send blocks, then waits for a record to complete (completions free memory and place the
 * blocked send) or for the blocked send to be placed, and goes on. The producer's own CPU time is not modelled, so what bounds
 * the rate is buffer.memory, the network and the brokers.
 */
/**
 * While blocked, how often the loop looks again. Completions wake it at once; this covers a
 * send blocked on metadata (no record of it completes until it is placed).
 */
const RECHECK_MICROS = 1_000;

/** More records than any buffer.memory holds at once: a loop past this is a bug. */
const MAX_SENDS_PER_FILL = 50_000_000;

export class MaxRateLoop {
  private waiting = false;
  private resumeScheduled = false;
  private recheckScheduled = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly producer: KafkaProducer,
    private readonly stopAtMicros: Micros,
    private readonly sendOne: () => void,
  ) {}

  start(): void {
    this.fill();
  }

  /** The callback of every record sent: a completion may have made room. */
  readonly completed = (): void => {
    if (!this.waiting || this.resumeScheduled) return;
    // Resume after the producer has finished this completion (it places blocked sends first).
    this.resumeScheduled = true;
    this.ctx.setTimer(0, "workload.resume", () => {
      this.resumeScheduled = false;
      this.fill();
    });
  };

  private fill(): void {
    this.waiting = false;
    if (this.ctx.now >= this.stopAtMicros) return;
    // Bounded: sends fill batches, each new batch takes buffer.memory, and memory is finite.
    for (let sent = 0; this.producer.blockedSends === 0; sent++) {
      assert(sent < MAX_SENDS_PER_FILL, `rate: max sent ${sent} records without the producer blocking`);
      this.sendOne();
    }
    this.waiting = true;
    if (!this.recheckScheduled) {
      this.recheckScheduled = true;
      this.ctx.setTimer(RECHECK_MICROS, "workload.recheck", () => {
        this.recheckScheduled = false;
        if (this.waiting && !this.resumeScheduled) this.fill();
      });
    }
  }
}
