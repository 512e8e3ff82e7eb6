import type { NodeContext } from "../../sim/index.ts";
import type { ClientToMember, MemberToClient, PeerMessage } from "./messages.ts";

/** Typed sends: the kernel carries any Message; these check each literal against the protocol. */
export function sendPeer(ctx: NodeContext, to: string, message: PeerMessage, sizeBytes: number): void {
  ctx.send(to, message, sizeBytes);
}

export function sendToClient(ctx: NodeContext, to: string, message: MemberToClient, sizeBytes: number): void {
  ctx.send(to, message, sizeBytes);
}

export function sendToMember(ctx: NodeContext, to: string, message: ClientToMember, sizeBytes: number): void {
  ctx.send(to, message, sizeBytes);
}
