import { PLANTED } from "../protocol/plantedBugs.ts";
import type { EventHandle, NodeContext } from "../../sim/index.ts";
import type { KafkaError } from "../protocol/errors.ts";
import type { ProducePartitionResponse } from "../protocol/requests.ts";
import type { Partition } from "./Partition.ts";

interface Waiting {
  readonly partition: Partition;
  readonly requiredOffset: number;
  readonly baseOffset: number;
  result: ProducePartitionResponse | null;
}

/**
 * An acks=all produce waiting in purgatory (Kafka's DelayedProduce): each partition of the
 * request completes once its high watermark reaches the appended batch's end (every ISR
 * member has it), with NOT_ENOUGH_REPLICAS_AFTER_APPEND if the ISR shrank below
 * min.insync.replicas meanwhile, NOT_LEADER_OR_FOLLOWER if leadership moved, or
 * REQUEST_TIMED_OUT when the request's timeout passes first.
 */
export class DelayedProduce {
  private readonly waiting: Waiting[] = [];
  private readonly done: ProducePartitionResponse[] = [];
  private timer: EventHandle = -1;
  private completed = false;

  constructor(
    private readonly ctx: NodeContext,
    private readonly respond: (partitions: ProducePartitionResponse[]) => void,
  ) {}

  addReady(result: ProducePartitionResponse): void {
    this.done.push(result);
  }

  addWaiting(partition: Partition, baseOffset: number, requiredOffset: number): void {
    this.waiting.push({ partition, baseOffset, requiredOffset, result: null });
  }

  get isWaiting(): boolean {
    return this.waiting.length > 0;
  }

  /** Starts the timeout; completes at once if nothing waits. Returns false when already complete. */
  start(timeoutMicros: number): boolean {
    if (this.tryComplete()) return false;
    this.timer = this.ctx.setTimer(timeoutMicros, "kafka.produce-timeout", () => this.expire());
    return true;
  }

  /** Re-checks every waiting partition; true once the whole request has been answered. */
  tryComplete(): boolean {
    if (this.completed) return true;
    for (const w of this.waiting) {
      if (w.result !== null) continue;
      const error = this.check(w);
      if (error !== null) w.result = this.result(w, error);
    }
    if (this.waiting.some((w) => w.result === null)) return false;
    this.finish();
    return true;
  }

  watchedPartitions(): Partition[] {
    return [...new Set(this.waiting.map((w) => w.partition))];
  }

  private check(w: Waiting): KafkaError | null {
    const p = w.partition;
    if (!p.isLeader) return "NOT_LEADER_OR_FOLLOWER";
    if (PLANTED.ackBeforeIsr) return "NONE"; // planted bug: acknowledge before the ISR has it
    if (p.highWatermark < w.requiredOffset) return null;
    return p.isr.length < p.options.minInsyncReplicas ? "NOT_ENOUGH_REPLICAS_AFTER_APPEND" : "NONE";
  }

  private result(w: Waiting, error: KafkaError): ProducePartitionResponse {
    return { topic: w.partition.topic, partition: w.partition.partition, error, baseOffset: error === "NONE" ? w.baseOffset : -1 };
  }

  private expire(): void {
    if (this.completed) return;
    for (const w of this.waiting) if (w.result === null) w.result = this.result(w, "REQUEST_TIMED_OUT");
    this.finish();
  }

  private finish(): void {
    this.completed = true;
    this.ctx.cancelTimer(this.timer);
    this.respond([...this.done, ...this.waiting.map((w) => w.result!)]);
  }
}
