import { assert } from "./assert.ts";

/** Anything stored on a simulated disk: an object with a size, never a byte buffer. */
export interface DiskRecord {
  readonly sizeBytes: number;
}

/** What a read returns for a record whose checksum does not match. */
export const CORRUPT_RECORD: unique symbol = Symbol("corrupt-record");
export type CorruptRecord = typeof CORRUPT_RECORD;

/** An fsync under way: what it will make durable when it completes. */
export interface FsyncTicket<T> {
  records: T[];
  /** Lowered if the file is truncated while the fsync is under way. */
  length: number;
}

/**
 * A file on a simulated disk: a sequence of records, readable as soon as written (page
 * cache), durable only up to what the last completed fsync covered.
 *
 * Zones, as a crash sees them: [0, durableLength) of `durable` survives any crash; the
 * unsynced tail of `live` is lost entirely or torn (a random prefix kept, its last record
 * possibly corrupt), by the disk's policy. Truncation and deletion are metadata changes
 * and take effect durably at once (journaled, as on ext4 or XFS); a whole-file `replace`
 * is a write-then-rename, durable at the next fsync.
 */
export class DiskFile<T extends DiskRecord = DiskRecord> {
  live: T[] = [];
  /** The array whose prefix is on the platter; it is `live` itself while the file is only appended to. */
  durable: T[] = this.live;
  durableLength = 0;
  sizeBytes = 0;
  unsyncedBytes = 0;
  corrupt: Set<number> | null = null;
  pending: FsyncTicket<T>[] = [];

  constructor(readonly name: string) {}

  get length(): number {
    return this.live.length;
  }

  /** Records not yet covered by a completed fsync. */
  get unsyncedCount(): number {
    return this.durable === this.live ? this.live.length - this.durableLength : this.live.length;
  }

  /** The record at `index`, or CORRUPT_RECORD when its checksum fails. */
  read(index: number): T | CorruptRecord {
    assert(index >= 0 && index < this.live.length, () => `read ${this.name}[${index}] past its end ${this.live.length}`);
    if (this.corrupt !== null && this.corrupt.has(index)) return CORRUPT_RECORD;
    return this.live[index]!;
  }

  /** All records, in order; reading a corrupt one gives CORRUPT_RECORD in its place. */
  readAll(): (T | CorruptRecord)[] {
    if (this.corrupt === null) return this.live.slice();
    return this.live.map((r, i) => (this.corrupt!.has(i) ? CORRUPT_RECORD : r));
  }

  appendRecord(record: T): void {
    this.live.push(record);
    this.sizeBytes += record.sizeBytes;
    this.unsyncedBytes += record.sizeBytes;
  }

  truncateTo(length: number): void {
    assert(length >= 0 && length <= this.live.length, () => `truncate ${this.name} to ${length} of ${this.live.length}`);
    for (let i = length; i < this.live.length; i++) this.sizeBytes -= this.live[i]!.sizeBytes;
    this.live.length = length;
    // What was cut need not be written back any more.
    this.unsyncedBytes = Math.min(this.unsyncedBytes, this.sizeBytes);
    if (this.durable === this.live) this.durableLength = Math.min(this.durableLength, length);
    for (const ticket of this.pending) if (ticket.records === this.live) ticket.length = Math.min(ticket.length, length);
    if (this.corrupt !== null) for (const i of [...this.corrupt]) if (i >= length) this.corrupt.delete(i);
  }

  replaceAll(records: T[]): void {
    // The old array is left untouched: if it was the durable one it stays durable. The new
    // one is a copy: the caller's array may be frozen (immer) or reused, and appends to the
    // file must neither throw nor change it.
    this.live = records.slice();
    this.sizeBytes = records.reduce((n, r) => n + r.sizeBytes, 0);
    this.unsyncedBytes = this.sizeBytes;
    this.corrupt = null;
  }

  beginFsync(): FsyncTicket<T> {
    const ticket = { records: this.live, length: this.live.length };
    this.pending.push(ticket);
    this.unsyncedBytes = 0;
    return ticket;
  }

  completeFsync(ticket: FsyncTicket<T>): void {
    const index = this.pending.indexOf(ticket);
    if (index < 0) return; // the file was deleted or lost in a crash meanwhile
    this.pending.splice(index, 1);
    this.durable = ticket.records;
    this.durableLength = Math.min(ticket.length, ticket.records.length);
  }

  /** The crash: only the durable zone survives, plus a torn tail of `keepUnsynced` records. */
  loseUnsynced(keepUnsynced: number, tornLastCorrupt: boolean): number {
    const survivors = this.durable.slice(0, this.durableLength);
    const appendedSinceSync = this.durable === this.live;
    const unsynced = appendedSinceSync ? this.live.length - this.durableLength : this.live.length;
    const kept = appendedSinceSync ? Math.min(keepUnsynced, unsynced) : 0;
    for (let i = 0; i < kept; i++) survivors.push(this.live[this.durableLength + i]!);
    const corrupt = new Set<number>();
    if (this.corrupt !== null) for (const i of this.corrupt) if (i < survivors.length) corrupt.add(i);
    if (kept > 0 && tornLastCorrupt) corrupt.add(survivors.length - 1);
    this.live = survivors;
    this.durable = survivors;
    this.durableLength = survivors.length;
    this.sizeBytes = survivors.reduce((n, r) => n + r.sizeBytes, 0);
    this.unsyncedBytes = 0;
    this.corrupt = corrupt.size > 0 ? corrupt : null;
    this.pending = [];
    return unsynced - kept;
  }

  markCorrupt(index: number): void {
    assert(index >= 0 && index < this.live.length, () => `corrupt ${this.name}[${index}] past its end`);
    (this.corrupt ??= new Set()).add(index);
  }
}
