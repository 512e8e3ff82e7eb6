import { CORRUPT_RECORD, type DiskFile, type NodeContext } from "../../sim/index.ts";
import type { LogEntry } from "./messages.ts";
import { ZERO_ZXID, type Zxid } from "./zxid.ts";

interface EpochRecord {
  readonly sizeBytes: number;
  readonly epoch: number;
}

/**
 * What a member keeps on its disk: the transaction log and ZooKeeper's two epoch files
 * (acceptedEpoch: the last NEWEPOCH it agreed to; currentEpoch: the last epoch it synced
 * to as a follower or led). The log is mirrored in memory; the disk is the truth after a
 * crash, and recovery stops at the first corrupt entry (a torn write), as ZooKeeper's does.
 */
export class MemberStore {
  private readonly log: DiskFile<LogEntry>;
  private readonly acceptedFile: DiskFile<EpochRecord>;
  private readonly currentFile: DiskFile<EpochRecord>;
  /** Callbacks of appended entries waiting for the next group flush. */
  private awaitingFlush: (() => void)[] = [];
  private flushing = false;

  constructor(private readonly ctx: NodeContext) {
    this.log = ctx.disk.file<LogEntry>("zab/log");
    this.acceptedFile = ctx.disk.file<EpochRecord>("zab/acceptedEpoch");
    this.currentFile = ctx.disk.file<EpochRecord>("zab/currentEpoch");
    this.recover();
  }

  get entries(): readonly LogEntry[] {
    return this.log.live;
  }

  get lastZxid(): Zxid {
    const n = this.log.length;
    return n === 0 ? ZERO_ZXID : this.log.live[n - 1]!.zxid;
  }

  get acceptedEpoch(): number {
    return readEpoch(this.acceptedFile);
  }

  get currentEpoch(): number {
    return readEpoch(this.currentFile);
  }

  /**
   * Appends and flushes; `durable` runs once the entry is on disk (then it may be acknowledged).
   * Flushes are grouped, as ZooKeeper's SyncRequestProcessor does: entries appended while an
   * fsync is under way share the next one. One fsync per entry would queue up behind a slow
   * disk and keep the member behind for long after the disk recovered.
   */
  append(entry: LogEntry, durable: () => void): boolean {
    if (this.ctx.disk.append(this.log, entry) !== null) return false;
    this.awaitingFlush.push(durable);
    if (!this.flushing) this.flushGroup();
    return true;
  }

  private flushGroup(): void {
    const group = this.awaitingFlush;
    this.awaitingFlush = [];
    this.flushing = true;
    this.ctx.disk.fsync(this.log, () => {
      this.flushing = false;
      for (const done of group) done();
      if (this.awaitingFlush.length > 0) this.flushGroup();
    });
  }

  /** Appends without flushing (a sync's entries, flushed together before NEWLEADER is acknowledged). */
  appendUnflushed(entry: LogEntry): boolean {
    return this.ctx.disk.append(this.log, entry) === null;
  }

  /** Drops every entry after `zxid` (ZooKeeper's TRUNC). */
  truncateAfter(zxid: Zxid): void {
    let keep = this.log.length;
    while (keep > 0 && this.log.live[keep - 1]!.zxid > zxid) keep--;
    this.ctx.disk.truncate(this.log, keep);
  }

  /** Replaces the whole log (a SNAP from the leader). */
  replace(entries: readonly LogEntry[]): void {
    this.ctx.disk.replace(this.log, entries.slice());
  }

  /** Flushes the log and both epoch files; `done` runs when all is on disk. */
  flush(done: () => void): void {
    this.ctx.disk.fsync(this.log, done);
  }

  setAcceptedEpoch(epoch: number, done: () => void): void {
    this.ctx.disk.replace(this.acceptedFile, [{ sizeBytes: 8, epoch }]);
    this.ctx.disk.fsync(this.acceptedFile, done);
  }

  setCurrentEpoch(epoch: number, done: () => void): void {
    this.ctx.disk.replace(this.currentFile, [{ sizeBytes: 8, epoch }]);
    this.ctx.disk.fsync(this.currentFile, done);
  }

  indexOfZxid(zxid: Zxid): number {
    const live = this.log.live;
    let lo = 0;
    let hi = live.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const z = live[mid]!.zxid;
      if (z === zxid) return mid;
      if (z < zxid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  private recover(): void {
    for (let i = 0; i < this.log.length; i++) {
      if (this.log.read(i) === CORRUPT_RECORD) {
        this.ctx.record("zab.log-recovery", { truncatedAt: i, dropped: this.log.length - i });
        this.ctx.disk.truncate(this.log, i);
        break;
      }
    }
  }
}

function readEpoch(file: DiskFile<EpochRecord>): number {
  if (file.length === 0) return 0;
  const r = file.read(0);
  return r === CORRUPT_RECORD ? 0 : r.epoch;
}
