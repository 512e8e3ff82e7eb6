import type { Message, NodeContext, Process } from "../../../sim/index.ts";
import type { MemberToClient } from "../messages.ts";
import { CoordClient, type CoordClientOptions } from "./CoordClient.ts";

/**
 * A process whose only job is to be a coordination client: tests, demos and the fault
 * schedule's probes use it. `script` runs at each start with the fresh client.
 */
export class ClientHost implements Process {
  readonly client: CoordClient;

  constructor(
    readonly ctx: NodeContext,
    options: CoordClientOptions,
    private readonly script: (client: CoordClient, ctx: NodeContext) => void = () => {},
  ) {
    this.client = new CoordClient(ctx, options);
  }

  start(): void {
    this.client.start();
    this.script(this.client, this.ctx);
  }

  receive(from: string, message: Message): void {
    if (this.client.isMember(from)) this.client.receive(from, message as MemberToClient);
  }

  connectionReset(peer: string): void {
    if (this.client.isMember(peer)) this.client.connectionReset(peer);
  }
}
