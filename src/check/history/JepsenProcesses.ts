import { assert } from "../../../sim/index.ts";

/**
 * Jepsen's processes are single-threaded: one outstanding operation each, and a process
 * whose operation ended in :info is never used again (it "crashed"). A ksim client has
 * many sends in flight at once, so each client is split into lanes: an invoke takes the
 * client's lowest free lane and its completion frees it. Each (client, lane) gets an
 * integer Jepsen process, numbered from 0 in order of first use; after an :info the lane
 * takes a fresh number the next time it is used. A client with one operation at a time
 * is thus one Jepsen process until its first :info.
 */
export class JepsenProcesses {
  /** For each client, the Jepsen process of each lane, or -1 when the lane is free. */
  private readonly busy: number[][] = [];
  /** For each client and lane, the Jepsen process it uses next; -1 until first used or after an :info. */
  private readonly current: number[][] = [];
  private next = 0;

  /** Starts an operation of `client`; returns its Jepsen process. */
  invoke(client: number): number {
    const busy = (this.busy[client] ??= []);
    const current = (this.current[client] ??= []);
    let lane = busy.indexOf(-1);
    if (lane < 0) {
      lane = busy.length;
      busy.push(-1);
      current.push(-1);
    }
    if (current[lane]! < 0) current[lane] = this.next++;
    busy[lane] = current[lane]!;
    return busy[lane]!;
  }

  /** Completes the operation `client` started on Jepsen process `process`. */
  complete(client: number, process: number, crashed: boolean): void {
    const lane = this.busy[client]?.indexOf(process) ?? -1;
    assert(lane >= 0, () => `history: client ${client} completed an operation it had not started on process ${process}`);
    this.busy[client]![lane] = -1;
    if (crashed) this.current[client]![lane] = -1;
  }

  /** Jepsen processes used so far. */
  get count(): number {
    return this.next;
  }
}
