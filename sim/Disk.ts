import { assert } from "./assert.ts";
import { DiskFile, type DiskRecord, type FsyncTicket } from "./DiskFile.ts";
import type { Random } from "./Random.ts";
import type { SimNode } from "./SimNode.ts";
import type { Simulation } from "./Simulation.ts";
import type { Micros } from "./time.ts";

export { CORRUPT_RECORD, type CorruptRecord, type DiskRecord, DiskFile } from "./DiskFile.ts";

/** What a crash does to data written since the last fsync. */
export type CrashLossPolicy = "all" | "torn";

export interface DiskOptions {
  /** Fixed cost of one fsync (the device's flush latency). */
  fsyncMicros: Micros;
  /** Write-back throughput: an fsync of N dirty bytes also takes N / throughput. */
  throughputBytesPerSec: number;
  /** Writes beyond this fail with "disk-full". */
  capacityBytes: number;
  /** `all`: a crash loses every unsynced record; `torn`: a random prefix of them survives, the last maybe corrupt. */
  crashLoss: CrashLossPolicy;
}

export const DEFAULT_DISK: DiskOptions = {
  fsyncMicros: 1_000,
  throughputBytesPerSec: 500_000_000,
  capacityBytes: Number.MAX_SAFE_INTEGER,
  crashLoss: "all",
};

/** The error a write returns (never throws): the caller decides, as a real program must. */
export type DiskError = "disk-full";

/**
 * A node's disk: named files with a page cache. Writes are readable at once and durable
 * only once an fsync that covers them completes; fsyncs run one at a time, each taking
 * the flush latency plus the dirty bytes over the throughput. The disk outlives the
 * node's incarnations: a crash keeps the durable zone and loses (or tears) the rest.
 *
 * Faults: slow (fsync slower by a factor), full (every write fails), corrupt (a record's
 * checksum fails on read). Clean data and fault overlays are kept apart: corruption is a
 * mark beside the record, never a change to it.
 */
export class Disk {
  readonly options: DiskOptions;
  private readonly files = new Map<string, DiskFile<any>>();
  private readonly random: Random;
  private busyUntil: Micros = 0;
  private slowFactor = 1;
  private isFull = false;
  private readonly fsyncLabel: number;
  private readonly fsyncDoneLabel: number;

  constructor(
    private readonly sim: Simulation,
    private readonly node: SimNode,
    options: Partial<DiskOptions>,
  ) {
    this.options = { ...DEFAULT_DISK, ...options };
    this.random = sim.random.stream(`disk/${node.name}`);
    this.fsyncLabel = sim.label("disk.fsync");
    this.fsyncDoneLabel = sim.label("disk.fsync-done");
  }

  /** The file with this name, created empty on first use. */
  file<T extends DiskRecord>(name: string): DiskFile<T> {
    let f = this.files.get(name);
    if (!f) {
      f = new DiskFile<T>(name);
      this.files.set(name, f);
    }
    return f as DiskFile<T>;
  }

  exists(name: string): boolean {
    return this.files.has(name);
  }

  /** Names of existing files that start with `prefix`, sorted (directory listings are ordered here). */
  list(prefix = ""): string[] {
    return [...this.files.keys()].filter((n) => n.startsWith(prefix)).sort();
  }

  delete(name: string): void {
    this.files.delete(name);
  }

  get usedBytes(): number {
    let used = 0;
    for (const f of this.files.values()) used += f.sizeBytes;
    return used;
  }

  append<T extends DiskRecord>(file: DiskFile<T>, record: T): DiskError | null {
    if (this.refuses(record.sizeBytes)) return "disk-full";
    file.appendRecord(record);
    return null;
  }

  /** Replaces a file's whole content (write a new file, rename over the old one). */
  replace<T extends DiskRecord>(file: DiskFile<T>, records: T[]): DiskError | null {
    const size = records.reduce((n, r) => n + r.sizeBytes, 0);
    if (this.refuses(size - file.sizeBytes)) return "disk-full";
    file.replaceAll(records);
    return null;
  }

  truncate(file: DiskFile<any>, length: number): void {
    file.truncateTo(length);
  }

  /**
   * Makes everything written to `file` so far durable. `done` runs in the node's process
   * when the flush completes; a crash before then cancels both the durability and `done`.
   */
  fsync(file: DiskFile<any>, done?: () => void): void {
    const bytes = file.unsyncedBytes;
    const ticket = file.beginFsync();
    const start = Math.max(this.sim.now, this.busyUntil);
    const flushMicros = this.options.fsyncMicros + (bytes * 1_000_000) / this.options.throughputBytesPerSec;
    const end = start + Math.ceil(flushMicros * this.slowFactor);
    this.busyUntil = end;
    const incarnation = this.node.incarnation;
    this.sim.scheduleAt(end, this.fsyncLabel, () => this.fsyncCompleted(file, ticket, incarnation, done));
  }

  /** Called by the node when it crashes. */
  crashed(): void {
    this.busyUntil = this.sim.now;
    for (const f of this.files.values()) {
      const unsynced = f.unsyncedCount;
      const keep = this.options.crashLoss === "torn" && unsynced > 0 ? this.random.int(0, unsynced) : 0;
      const lost = f.loseUnsynced(keep, keep > 0 && this.random.chance(0.5));
      if (lost > 0) this.sim.record("disk-loss", this.node.name, { file: f.name, lost });
    }
  }

  // ---- fault verbs ----------------------------------------------------------------

  /** Makes fsyncs `factor` times slower (1 restores the normal speed). */
  slow(factor: number): void {
    assert(factor >= 1, () => `disk slow factor ${factor} below 1`);
    this.slowFactor = factor;
    this.sim.record("disk-slow", this.node.name, { factor });
  }

  /** A full disk fails every write with "disk-full" until `full(false)`. */
  full(on: boolean): void {
    this.isFull = on;
    this.sim.record("disk-full", this.node.name, { on });
  }

  /** Marks one record of a file so that its checksum fails on read. */
  corrupt(name: string, index: number): void {
    const f = this.files.get(name);
    assert(f, () => `corrupt: no file ${name} on ${this.node.name}`);
    f.markCorrupt(index);
    this.sim.record("disk-corrupt", this.node.name, { file: name, index });
  }

  private refuses(extraBytes: number): boolean {
    if (this.isFull) return true;
    if (extraBytes <= 0 || this.options.capacityBytes === Number.MAX_SAFE_INTEGER) return false;
    return this.usedBytes + extraBytes > this.options.capacityBytes;
  }

  private fsyncCompleted(file: DiskFile<any>, ticket: FsyncTicket<any>, incarnation: number, done?: () => void): void {
    // After a machine crash the ticket is gone and nothing becomes durable; after a process
    // crash the operating system still completes the flush, but nobody is left to tell.
    if (this.files.get(file.name) !== file) return; // deleted meanwhile
    file.completeFsync(ticket);
    if (done && this.node.incarnation === incarnation) this.sim.scheduleForNode(this.node, 0, this.fsyncDoneLabel, done);
  }

}
