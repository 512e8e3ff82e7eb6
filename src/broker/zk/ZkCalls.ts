import type { NodeContext } from "../../../sim/index.ts";
import type { CoordClient, Watcher } from "../../coord/client/CoordClient.ts";
import type { ZkError } from "../../coord/errors.ts";
import type { ReadResult } from "../../coord/messages.ts";
import type { Op, OpResult, Znode } from "../../coord/ZnodeTree.ts";

const RETRY_MICROS = 100_000;

/**
 * The coordination calls a broker makes, retried while the connection is lost or a request
 * times out (as Kafka's ZooKeeperClient blocks and retries), and given up when the owner
 * is no longer active (the session expired, the controller resigned, the process died).
 */
export class ZkCalls {
  constructor(
    private readonly ctx: NodeContext,
    private readonly zk: () => CoordClient,
    private readonly active: () => boolean,
  ) {}

  getData(path: string, watcher: Watcher | null, done: (node: Znode | null) => void): void {
    this.read((c, cb) => c.getData(path, watcher, cb), done);
  }

  exists(path: string, watcher: Watcher | null, done: (node: Znode | null) => void): void {
    this.read((c, cb) => c.exists(path, watcher, cb), done);
  }

  getChildren(path: string, watcher: Watcher | null, done: (children: readonly string[]) => void): void {
    this.read((c, cb) => c.getChildren(path, watcher, cb), (node) => done(node?.children ?? []));
  }

  /** A multi; `done` gets the results, or the error that prevented it (never a lost connection). */
  multi(ops: readonly Op[], done: (results: readonly OpResult[]) => void): void {
    this.zk().multi(ops, (r) => {
      if (!this.active()) return;
      if (!Array.isArray(r)) {
        const error = (r as { error: ZkError }).error;
        if (this.retriable(error)) this.retry(() => this.multi(ops, done));
        else done(ops.map(() => ({ ok: false, error })));
        return;
      }
      done(r);
    });
  }

  create(path: string, data: string, mode: { ephemeral?: boolean; sequential?: boolean }, done: (r: OpResult) => void): void {
    this.zk().create(path, data, mode, (r) => {
      if (!this.active()) return;
      if (!r.ok && this.retriable(r.error)) this.retry(() => this.create(path, data, mode, done));
      else done(r);
    });
  }

  /**
   * Creates an ephemeral node, and counts a NODEEXISTS as success when the node belongs to
   * this session. A create retried after a lost connection may meet the node its first
   * attempt made (the answer was lost, not the write); taking that for someone else's node
   * left a broker unregistered, or a controller znode with no controller behind it, for as
   * long as the session lived. Kafka's checkedEphemeralCreate compares the owner the same way.
   */
  createEphemeral(path: string, data: string, done: (r: OpResult) => void): void {
    this.create(path, data, { ephemeral: true }, (r) => {
      if (r.ok || r.error !== "NODEEXISTS") return done(r);
      const session = this.zk().sessionId;
      this.getData(path, null, (node) => {
        if (node === null) this.createEphemeral(path, data, done); // gone meanwhile: try again
        else if (node.ephemeralOwner === session) done({ ok: true, path, version: node.version });
        else done(r);
      });
    });
  }

  setData(path: string, data: string, version: number, done: (r: OpResult) => void): void {
    this.zk().setData(path, data, version, (r) => {
      if (!this.active()) return;
      if (!r.ok && this.retriable(r.error)) this.retry(() => this.setData(path, data, version, done));
      else done(r);
    });
  }

  delete(path: string, version: number, done: (r: OpResult) => void): void {
    this.zk().delete(path, version, (r) => {
      if (!this.active()) return;
      if (!r.ok && this.retriable(r.error)) this.retry(() => this.delete(path, version, done));
      else done(r);
    });
  }

  private read(call: (c: CoordClient, cb: (r: ReadResult) => void) => void, done: (node: Znode | null) => void): void {
    call(this.zk(), (r) => {
      if (!this.active()) return;
      if (r.ok) done(r.node);
      else if (r.error === "NONODE") done(null);
      else if (this.retriable(r.error)) this.retry(() => this.read(call, done));
      // SESSIONEXPIRED and the like: the owner learns of it through the session's state.
    });
  }

  private retriable(error: ZkError): boolean {
    return error === "CONNECTIONLOSS" || error === "OPERATIONTIMEOUT";
  }

  private retry(again: () => void): void {
    this.ctx.setTimer(RETRY_MICROS, "zk.retry", () => {
      if (this.active()) again();
    });
  }
}
