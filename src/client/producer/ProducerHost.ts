import type { Message, NodeContext, Process } from "../../../sim/index.ts";
import { KafkaProducer, type KafkaProducerExtras } from "./KafkaProducer.ts";
import type { ProducerOptions } from "./ProducerOptions.ts";

/**
 * A process whose only job is to host a producer: workload actors and tests use it. The
 * hosting contract, for any process that embeds a KafkaProducer: call `start()` from the
 * process's start, hand it every message for which `handles(from, message)` is true, and
 * every connection reset with a broker node. `script` runs at each start with the fresh
 * producer (a new incarnation has a new producer: nothing survives a crash).
 */
export class ProducerHost implements Process {
  readonly producer: KafkaProducer;

  constructor(
    readonly ctx: NodeContext,
    options: Partial<ProducerOptions>,
    extras: KafkaProducerExtras = {},
    private readonly script: (producer: KafkaProducer, ctx: NodeContext) => void = () => {},
  ) {
    this.producer = new KafkaProducer(ctx, options, extras);
  }

  start(): void {
    this.producer.start();
    this.script(this.producer, this.ctx);
  }

  receive(from: string, message: Message): void {
    if (this.producer.handles(from, message)) this.producer.receive(from, message);
  }

  connectionReset(peer: string): void {
    this.producer.connectionReset(peer);
  }
}
