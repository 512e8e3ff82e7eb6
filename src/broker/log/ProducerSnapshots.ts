import { CORRUPT_RECORD, type Disk, type DiskError } from "../../../sim/index.ts";
import type { LogSegment } from "./LogSegment.ts";
import type { ProducerSnapshotEntry, ProducerStateManager } from "./ProducerStateManager.ts";

/** A producer snapshot file's single record. */
interface SnapshotRecord {
  readonly sizeBytes: number;
  readonly entries: readonly ProducerSnapshotEntry[];
}

/** Kafka's snapshot format: a small header, then about this many bytes per producer. */
const HEADER_BYTES = 10;
const ENTRY_BYTES = 46;
const SUFFIX = ".snapshot";

function snapshotFileName(dir: string, offset: number): string {
  return `${dir}/${String(offset).padStart(20, "0")}${SUFFIX}`;
}

/** Offsets of the snapshot files in `dir`, ascending. */
function listSnapshotOffsets(disk: Disk, dir: string): number[] {
  return disk
    .list(`${dir}/`)
    .filter((name) => name.endsWith(SUFFIX))
    .map((name) => Number(name.slice(dir.length + 1, -SUFFIX.length)));
}

/**
 * Writes the producer state as it stands at `offset` (a new file, then an fsync; until
 * the fsync completes a crash leaves the file empty, which reads as no snapshot).
 */
function writeSnapshot(disk: Disk, dir: string, offset: number, entries: ProducerSnapshotEntry[]): DiskError | null {
  const file = disk.file<SnapshotRecord>(snapshotFileName(dir, offset));
  const record: SnapshotRecord = { sizeBytes: HEADER_BYTES + ENTRY_BYTES * entries.length, entries };
  const error = disk.replace(file, [record]);
  if (error !== null) return error;
  disk.fsync(file);
  return null;
}

/** The entries of the snapshot at `offset`, or null if it is missing, empty or corrupt (Kafka's CorruptSnapshotException). */
function readSnapshot(disk: Disk, dir: string, offset: number): readonly ProducerSnapshotEntry[] | null {
  const name = snapshotFileName(dir, offset);
  if (!disk.exists(name)) return null;
  const file = disk.file<SnapshotRecord>(name);
  if (file.length !== 1) return null;
  const record = file.read(0);
  return record === CORRUPT_RECORD ? null : record.entries;
}

function deleteSnapshot(disk: Disk, dir: string, offset: number): void {
  disk.delete(snapshotFileName(dir, offset));
}

/**
 * A log's producer snapshot files (`<offset>.snapshot`), as Kafka's ProducerStateManager
 * keeps them: one taken at each segment roll and after each reload, so that recovery
 * and truncation replay only the batches after the latest one.
 */
export class ProducerSnapshots {
  /** Offset of the latest snapshot (Kafka's lastSnapOffset); none is taken at or below it. */
  private lastSnapshotOffset = -1;

  constructor(
    private readonly disk: Disk,
    private readonly dir: string,
  ) {}

  /** Snapshots the state at its `mapEndOffset` unless a snapshot there or later exists. */
  take(state: ProducerStateManager): DiskError | null {
    const offset = state.mapEndOffset;
    if (offset <= this.lastSnapshotOffset) return null;
    this.lastSnapshotOffset = offset;
    return writeSnapshot(this.disk, this.dir, offset, state.toSnapshot());
  }

  /** The segment starting at `offset` was deleted by retention: so is its snapshot. */
  deleteAt(offset: number): void {
    deleteSnapshot(this.disk, this.dir, offset);
  }

  /** Every snapshot goes; the log restarts at `offset`. */
  deleteAll(offset: number): void {
    for (const s of listSnapshotOffsets(this.disk, this.dir)) deleteSnapshot(this.disk, this.dir, s);
    this.lastSnapshotOffset = offset;
  }

  /**
   * Kafka's rebuildProducerState: snapshots outside (log start, `lastOffset`] are
   * deleted; unless the state already reflects `lastOffset`, it is reloaded from the
   * latest readable snapshot and the batches after it are replayed; then a snapshot is
   * taken at `lastOffset`. A snapshot keeps one batch per producer, so a reload remembers
   * less than the five batches a running leader checks duplicates against, as in Kafka.
   */
  rebuild(state: ProducerStateManager, segments: readonly LogSegment[], logStartOffset: number, lastOffset: number, nowMicros: number): DiskError | null {
    const kept: number[] = [];
    for (const offset of listSnapshotOffsets(this.disk, this.dir)) {
      if (offset > lastOffset || offset <= logStartOffset) deleteSnapshot(this.disk, this.dir, offset);
      else kept.push(offset);
    }
    if (state.mapEndOffset === lastOffset) return null;
    state.clear(logStartOffset);
    while (kept.length > 0) {
      const offset = kept[kept.length - 1]!;
      const entries = readSnapshot(this.disk, this.dir, offset);
      if (entries !== null) {
        state.loadSnapshot(entries, offset, nowMicros);
        break;
      }
      deleteSnapshot(this.disk, this.dir, offset); // unreadable (its write was lost): try an older one
      kept.pop();
    }
    this.lastSnapshotOffset = kept.length > 0 ? kept[kept.length - 1]! : logStartOffset;
    replay(state, segments, state.mapEndOffset, lastOffset);
    state.mapEndOffset = lastOffset;
    return this.take(state);
  }
}

function replay(state: ProducerStateManager, segments: readonly LogSegment[], fromOffset: number, toOffset: number): void {
  for (const segment of segments) {
    if (segment.nextOffset <= fromOffset) continue;
    for (let i = segment.indexFor(fromOffset); i < segment.batchCount && segment.lastOffsets[i]! < toOffset; i++) {
      const batch = segment.batchAt(i);
      if (batch !== CORRUPT_RECORD) state.update(batch);
    }
  }
}
