import type { Message, NodeContext, Process } from "../../../sim/index.ts";
import type { TopicPartition } from "../../protocol/records.ts";
import type { ConsumerOptions } from "./ConsumerOptions.ts";
import { SimpleConsumer, type ConsumerHandlers } from "./SimpleConsumer.ts";

/**
 * A process whose only job is to host a simple consumer. The hosting contract is the
 * producer's (see ProducerHost): `start()` at the process's start, every message for which
 * `handles(from, message)` is true to `receive`, every connection reset to `connectionReset`.
 */
export class ConsumerHost implements Process {
  readonly consumer: SimpleConsumer;

  constructor(
    readonly ctx: NodeContext,
    options: Partial<ConsumerOptions>,
    assignment: readonly TopicPartition[],
    handlers: ConsumerHandlers,
  ) {
    this.consumer = new SimpleConsumer(ctx, options, assignment, handlers);
  }

  start(): void {
    this.consumer.start();
  }

  receive(from: string, message: Message): void {
    if (this.consumer.handles(from, message)) this.consumer.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.consumer.connectionReset(peer);
  }
}
