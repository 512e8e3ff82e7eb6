import type { DiskFile } from "../../../sim/index.ts";

interface PendingFlush {
  /** Offsets below this are durable once every file below has been fsynced (or deleted). */
  offset: number;
  readonly files: DiskFile<any>[];
}

interface Waiter {
  readonly offset: number;
  readonly done: () => void;
}

/**
 * Where a log's durability stands. Kafka's flush is a blocking fsync of the segments
 * between the recovery point and the flush offset; on the simulated disk an fsync takes
 * time, so a flush is issued (`issuedOffset` moves at once, so that the same records are
 * not flushed twice) and completes later (`recoveryPoint` moves when every fsync of it
 * is done). A file deleted meanwhile counts as done: its records are gone anyway.
 *
 * Waiters (`whenFlushed`) let a caller act only once records are durable, as a produce
 * request on a log with `flush.messages=1` would in Kafka, where the flush blocks the
 * append.
 */
export class FlushTracker {
  private pending: PendingFlush[] = [];
  private waiters: Waiter[] = [];

  constructor(
    /** Offsets below this are durable. */
    public recoveryPoint: number,
    /** A flush has been issued for the offsets below this. */
    public issuedOffset: number,
    /** When the last flush was issued (Kafka's lastFlushTime). */
    public lastFlushMicros: number,
  ) {}

  /** Registers a flush of `files` up to `offset`; returns the callback each file's fsync completion must call. */
  begin(offset: number, files: DiskFile<any>[], nowMicros: number): (file: DiskFile<any>) => void {
    this.issuedOffset = Math.max(this.issuedOffset, offset);
    this.lastFlushMicros = nowMicros;
    if (files.length === 0) {
      this.complete(offset);
      return () => {};
    }
    const flush: PendingFlush = { offset, files: files.slice() };
    this.pending.push(flush);
    return (file) => this.fileDone(flush, file);
  }

  /** A file was deleted: flushes waiting on it need not wait any more. */
  fileDeleted(file: DiskFile<any>): void {
    for (const flush of this.pending.slice()) this.fileDone(flush, file);
  }

  /** The log was truncated to `logEndOffset`: nothing at or above it is durable or being flushed. */
  truncated(logEndOffset: number): void {
    this.recoveryPoint = Math.min(this.recoveryPoint, logEndOffset);
    this.issuedOffset = Math.min(this.issuedOffset, logEndOffset);
    for (const flush of this.pending) flush.offset = Math.min(flush.offset, logEndOffset);
  }

  /** The log was emptied and restarted at `offset`. */
  reset(offset: number): void {
    this.recoveryPoint = offset;
    this.issuedOffset = offset;
    for (const flush of this.pending) flush.offset = Math.min(flush.offset, offset);
  }

  /** Calls `done` once the records below `offset` are durable (at once if they are). */
  whenFlushed(offset: number, done: () => void): void {
    if (offset <= this.recoveryPoint) {
      done();
      return;
    }
    this.waiters.push({ offset, done });
  }

  private fileDone(flush: PendingFlush, file: DiskFile<any>): void {
    const i = flush.files.indexOf(file);
    if (i < 0) return;
    flush.files.splice(i, 1);
    if (flush.files.length > 0) return;
    this.pending.splice(this.pending.indexOf(flush), 1);
    this.complete(flush.offset);
  }

  private complete(offset: number): void {
    if (offset <= this.recoveryPoint) return;
    this.recoveryPoint = offset;
    if (this.waiters.length === 0) return;
    const ready = this.waiters.filter((w) => w.offset <= offset);
    if (ready.length === 0) return;
    this.waiters = this.waiters.filter((w) => w.offset > offset);
    for (const w of ready) w.done();
  }
}
