import { CORRUPT_RECORD, type Disk, type DiskError } from "../../../sim/index.ts";
import type { ProducerSnapshotEntry } from "./ProducerStateManager.ts";

/** A producer snapshot file's single record. */
interface SnapshotRecord {
  readonly sizeBytes: number;
  readonly entries: readonly ProducerSnapshotEntry[];
}

/** Kafka's snapshot format: a small header, then about this many bytes per producer. */
const HEADER_BYTES = 10;
const ENTRY_BYTES = 46;
const SUFFIX = ".snapshot";

export function snapshotFileName(dir: string, offset: number): string {
  return `${dir}/${String(offset).padStart(20, "0")}${SUFFIX}`;
}

/** Offsets of the snapshot files in `dir`, ascending. */
export function listSnapshotOffsets(disk: Disk, dir: string): number[] {
  return disk
    .list(`${dir}/`)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => Number(name.slice(dir.length + 1, -SUFFIX.length)));
}

/**
 * Writes the producer state as it stands at `offset` (a new file, then an fsync; until
 * the fsync completes a crash leaves the file empty, which reads as no snapshot).
 */
export function writeSnapshot(disk: Disk, dir: string, offset: number, entries: ProducerSnapshotEntry[]): DiskError | null {
  const file = disk.file<SnapshotRecord>(snapshotFileName(dir, offset));
  const record: SnapshotRecord = { sizeBytes: HEADER_BYTES + ENTRY_BYTES * entries.length, entries };
  const error = disk.replace(file, [record]);
  if (error !== null) return error;
  disk.fsync(file);
  return null;
}

/** The entries of the snapshot at `offset`, or null if it is missing, empty or corrupt (Kafka's CorruptSnapshotException). */
export function readSnapshot(disk: Disk, dir: string, offset: number): readonly ProducerSnapshotEntry[] | null {
  const name = snapshotFileName(dir, offset);
  if (!disk.exists(name)) return null;
  const file = disk.file<SnapshotRecord>(name);
  if (file.length !== 1) return null;
  const record = file.read(0);
  return record === CORRUPT_RECORD ? null : record.entries;
}

export function deleteSnapshot(disk: Disk, dir: string, offset: number): void {
  disk.delete(snapshotFileName(dir, offset));
}
