import { CORRUPT_RECORD, assert, type Disk, type DiskError, type DiskFile } from "../../../sim/index.ts";
import { UNDEFINED_EPOCH, UNDEFINED_EPOCH_OFFSET } from "../../protocol/requests.ts";

/** One line of the cache: the first offset written in a leader epoch. */
export interface EpochEntry {
  readonly epoch: number;
  readonly startOffset: number;
}

/** An OffsetsForLeaderEpoch answer: the epoch found (UNDEFINED_EPOCH in the KIP-101 answer) and its end offset. */
export interface EpochEndOffsetAnswer {
  readonly epoch: number;
  readonly endOffset: number;
}

/**
 * Which OffsetsForLeaderEpoch answer to give. `kip-101` (0.11 to 1.x): the end offset
 * only. `kip-279` (2.0+): the largest epoch at or below the one asked, with its end offset.
 */
export type EndOffsetFlavour = "kip-101" | "kip-279";

interface CheckpointLine extends EpochEntry {
  readonly sizeBytes: number;
}

/** Bytes of one `epoch offset` line of the checkpoint file. */
const LINE_BYTES = 16;

/**
 * Kafka's LeaderEpochFileCache: the start offset of each leader epoch seen in this
 * replica's log, persisted in `leader-epoch-checkpoint`. Every change rewrites the file
 * (write, then rename over the old one) and fsyncs it, as Kafka's checkpoint does; until
 * that fsync completes a crash brings back the previous content, which log recovery then
 * reconciles with what the log kept.
 *
 * Writes can fail (a full disk): the mutating methods return the disk error, and the
 * in-memory cache keeps the change, as Kafka's does before it takes the log dir offline.
 */
export class LeaderEpochCache {
  private entries: EpochEntry[] = [];
  private readonly file: DiskFile<CheckpointLine>;

  constructor(
    private readonly disk: Disk,
    readonly fileName: string,
  ) {
    this.file = disk.file<CheckpointLine>(fileName);
    // Kafka replays the checkpoint through assign(); an unreadable checkpoint is treated
    // as empty and rebuilt from the batches by log recovery.
    const lines = this.file.readAll();
    if (lines.some((l) => l === CORRUPT_RECORD)) return;
    for (const line of lines) this.assignInMemory(line as CheckpointLine);
  }

  /** The entries, oldest first (a copy). */
  get all(): readonly EpochEntry[] {
    return this.entries.slice();
  }

  get isEmpty(): boolean {
    return this.entries.length === 0;
  }

  /** The latest epoch with an entry, or UNDEFINED_EPOCH. */
  get latestEpoch(): number {
    return this.entries.length === 0 ? UNDEFINED_EPOCH : this.entries[this.entries.length - 1]!.epoch;
  }

  get latestEntry(): EpochEntry | undefined {
    return this.entries[this.entries.length - 1];
  }

  get earliestEntry(): EpochEntry | undefined {
    return this.entries[0];
  }

  /**
   * Records that `epoch` starts at `startOffset`. Ignored when it is the latest epoch
   * already at or before that offset (the common case: every batch of an epoch calls
   * this). Otherwise, as Kafka does since 2.x, entries that would break monotonicity
   * (an epoch or a start offset not below the new one) are dropped first.
   */
  assign(epoch: number, startOffset: number): DiskError | null {
    const latest = this.entries[this.entries.length - 1];
    if (latest !== undefined && latest.epoch === epoch && latest.startOffset <= startOffset) return null;
    if (!this.assignInMemory({ epoch, startOffset })) return null;
    return this.write();
  }

  /** Removes the entries that start at or after `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): DiskError | null {
    const latest = this.entries[this.entries.length - 1];
    if (endOffset < 0 || latest === undefined || latest.startOffset < endOffset) return null;
    while (this.entries.length > 0 && this.entries[this.entries.length - 1]!.startOffset >= endOffset) this.entries.pop();
    return this.write();
  }

  /**
   * The log start moved to `startOffset`: entries that start at or before it go, and the
   * last of them comes back starting at `startOffset` (the epoch of the new first record).
   */
  truncateFromStart(startOffset: number): DiskError | null {
    let removed = 0;
    while (removed < this.entries.length && this.entries[removed]!.startOffset <= startOffset) removed++;
    if (removed === 0) return null;
    const firstBeforeStart = this.entries[removed - 1]!;
    this.entries = [{ epoch: firstBeforeStart.epoch, startOffset }, ...this.entries.slice(removed)];
    return this.write();
  }

  clearAndFlush(): DiskError | null {
    this.entries = [];
    return this.write();
  }

  /**
   * The end offset of `requestedEpoch` in this log, as OffsetsForLeaderEpoch answers it
   * (Kafka's LeaderEpochFileCache.endOffsetFor, in the flavour of the era):
   *
   * - `kip-101`: the log end offset if `requestedEpoch` is the latest epoch; else the
   *   start offset of the first epoch above it; UNDEFINED_EPOCH_OFFSET if there is none,
   *   or if `requestedEpoch` is below the earliest known epoch (so the follower falls back
   *   to its high watermark). The epoch of the answer is UNDEFINED_EPOCH.
   * - `kip-279`: the largest epoch at or below `requestedEpoch` and its end offset (the
   *   start of the next epoch, or the log end offset for the latest). Below the earliest
   *   known epoch: (`requestedEpoch`, start of the earliest). Above the latest: undefined.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number, flavour: EndOffsetFlavour): EpochEndOffsetAnswer {
    if (requestedEpoch === UNDEFINED_EPOCH) return UNDEFINED_ANSWER;
    if (this.entries.length > 0 && requestedEpoch === this.latestEpoch) {
      return { epoch: flavour === "kip-101" ? UNDEFINED_EPOCH : requestedEpoch, endOffset: logEndOffset };
    }
    const higher = this.firstIndexAbove(requestedEpoch);
    if (higher === this.entries.length) return UNDEFINED_ANSWER;
    const nextStart = this.entries[higher]!.startOffset;
    if (higher === 0) {
      return flavour === "kip-101" ? UNDEFINED_ANSWER : { epoch: requestedEpoch, endOffset: nextStart };
    }
    return { epoch: flavour === "kip-101" ? UNDEFINED_EPOCH : this.entries[higher - 1]!.epoch, endOffset: nextStart };
  }

  /** Index of the first entry whose epoch is above `epoch` (entries.length if none). */
  private firstIndexAbove(epoch: number): number {
    let lo = 0;
    let hi = this.entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.entries[mid]!.epoch > epoch) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private assignInMemory(entry: EpochEntry): boolean {
    assert(entry.epoch >= 0 && entry.startOffset >= 0, () => `invalid leader epoch entry ${entry.epoch}@${entry.startOffset}`);
    const latest = this.entries[this.entries.length - 1];
    if (latest !== undefined && latest.epoch === entry.epoch && latest.startOffset <= entry.startOffset) return false;
    while (this.entries.length > 0) {
      const last = this.entries[this.entries.length - 1]!;
      if (last.epoch < entry.epoch && last.startOffset < entry.startOffset) break;
      this.entries.pop();
    }
    this.entries.push({ epoch: entry.epoch, startOffset: entry.startOffset });
    return true;
  }

  private write(): DiskError | null {
    const lines = this.entries.map((e) => ({ epoch: e.epoch, startOffset: e.startOffset, sizeBytes: LINE_BYTES }));
    const error = this.disk.replace(this.file, lines);
    if (error !== null) return error;
    this.disk.fsync(this.file);
    return null;
  }
}

const UNDEFINED_ANSWER: EpochEndOffsetAnswer = { epoch: UNDEFINED_EPOCH, endOffset: UNDEFINED_EPOCH_OFFSET };
