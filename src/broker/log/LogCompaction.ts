import type { Disk, DiskError } from "../../../sim/index.ts";
import { planCleaning, type CleanPlan, type CleanedGroup } from "./LogCleaner.ts";
import type { LogConfig } from "./LogConfig.ts";
import { LogSegment } from "./LogSegment.ts";
import { SegmentSwaps } from "./SegmentSwaps.ts";

/** What a cleaning round set out to do (its swaps complete once the cleaned files are durable). */
export interface CleanResult {
  readonly segmentsCleaned: number;
  readonly recordsRemoved: number;
  readonly batchesRemoved: number;
  readonly firstDirtyOffset: number;
  /** The cleaner checkpoint once the round completes. */
  readonly endOffset: number;
}

/** What the cleaner needs of its log. */
export interface CompactionHost {
  readonly disk: Disk;
  readonly dir: string;
  readonly config: LogConfig;
  readonly segments: readonly LogSegment[];
  readonly logStartOffset: number;
  readonly highWatermark: number;
  lastDataOffsetOf(producerId: number): number;
  /** Puts `cleaned` in place of `group` (adjacent segments) in the segment list. */
  replaceSegments(group: readonly LogSegment[], cleaned: LogSegment): void;
  deleteFile(name: string): void;
  goOffline(error: DiskError, during: string): void;
  record(kind: string, detail: Record<string, unknown>): void;
}

interface InFlightGroup {
  readonly group: CleanedGroup;
  /** Batch counts of the group's segments when planned: a change means the round is stale. */
  readonly batchCounts: readonly number[];
}

interface InFlightRound {
  readonly plan: CleanPlan;
  remaining: number;
  allCommitted: boolean;
}

/**
 * The log cleaner of one log (`cleanup.policy=compact`): Kafka's LogCleanerManager
 * choice of the cleanable range and dirty ratio, the Cleaner's rewrite (LogCleaner.ts),
 * and the crash-safe swap of the cleaned segments (SegmentSwaps.ts). One round at a
 * time; a truncation below the active segment aborts a round, as Kafka's LogManager
 * aborts and pauses cleaning before truncating.
 */
export class LogCompaction {
  readonly swaps: SegmentSwaps;
  /** The first dirty offset (Kafka's cleaner-offset-checkpoint; kept in memory here). */
  cleanerCheckpoint: number;
  private round: InFlightRound | null = null;

  constructor(private readonly host: CompactionHost) {
    this.swaps = new SegmentSwaps(host.disk, host.dir);
    this.cleanerCheckpoint = 0;
  }

  get busy(): boolean {
    return this.round !== null;
  }

  /** Starts a round if the dirty part of the log is large enough; null if not. */
  maybeClean(): CleanResult | null {
    if (this.round !== null) return null;
    const host = this.host;
    const segments = host.segments;
    const firstDirtyOffset = Math.max(this.cleanerCheckpoint, host.logStartOffset);
    const active = segments[segments.length - 1]!;
    const uncleanable = Math.min(host.highWatermark, active.baseOffset);
    const firstUncleanableOffset = segments[floorIndex(segments, uncleanable)]!.baseOffset;
    if (firstDirtyOffset >= firstUncleanableOffset) return null;
    if (dirtyRatio(segments, firstDirtyOffset, firstUncleanableOffset) < host.config.minCleanableDirtyRatio) return null;
    const plan = planCleaning(segments, { firstDirtyOffset, firstUncleanableOffset }, host.config.segmentBytes, (id) => host.lastDataOffsetOf(id));
    if (plan === null) return null;
    this.start(plan);
    const result: CleanResult = {
      segmentsCleaned: plan.groups.reduce((n, g) => n + g.segments.length, 0),
      recordsRemoved: plan.recordsRemoved,
      batchesRemoved: plan.batchesRemoved,
      firstDirtyOffset,
      endOffset: plan.endOffset,
    };
    host.record("log.cleaning", { dir: host.dir, ...result });
    return result;
  }

  /** A truncation below the active segment: the round in flight is dropped. */
  abort(): void {
    const round = this.round;
    if (round === null) return;
    this.round = null;
    for (const g of round.plan.groups) this.swaps.abandon(g.segments[0]!.baseOffset);
  }

  /** The log was emptied and restarts at `offset`. */
  reset(offset: number): void {
    this.round = null;
    this.swaps.clear();
    this.cleanerCheckpoint = offset;
  }

  private start(plan: CleanPlan): void {
    const round: InFlightRound = { plan, remaining: plan.groups.length, allCommitted: true };
    this.round = round;
    for (const group of plan.groups) {
      const inFlight: InFlightGroup = { group, batchCounts: group.segments.map((s) => s.batchCount) };
      const file = this.swaps.writeCleaned(group.segments[0]!.baseOffset, group.batches);
      if (typeof file === "string") {
        this.round = null;
        this.host.goOffline(file, "clean");
        return;
      }
      this.host.disk.fsync(file, () => this.cleanedFileDurable(round, inFlight));
    }
  }

  private cleanedFileDurable(round: InFlightRound, inFlight: InFlightGroup): void {
    if (this.round !== round) return; // aborted meanwhile
    const committed = this.commit(inFlight);
    round.allCommitted &&= committed;
    if (--round.remaining > 0) return;
    this.round = null;
    if (round.allCommitted) this.cleanerCheckpoint = Math.max(this.cleanerCheckpoint, round.plan.endOffset);
  }

  private commit({ group, batchCounts }: InFlightGroup): boolean {
    const host = this.host;
    const first = group.segments[0]!;
    const at = host.segments.indexOf(first);
    const unchanged = at >= 0 && group.segments.every((s, k) => host.segments[at + k] === s && s.batchCount === batchCounts[k]);
    if (!unchanged) {
      this.swaps.abandon(first.baseOffset);
      return false;
    }
    const merged = group.segments.slice(1).map((s) => s.file);
    const error = this.swaps.commit(first.baseOffset, first.file, group.batches, merged, (name) => host.deleteFile(name));
    if (error !== null) {
      host.goOffline(error, "clean");
      return false;
    }
    const cleaned = new LogSegment(first.baseOffset, first.file, first.createdAtMicros);
    for (const batch of group.batches) cleaned.index(batch);
    host.replaceSegments(group.segments, cleaned);
    return true;
  }
}

/** Index of the last segment starting at or before `offset` (0 if none). */
export function floorIndex(segments: readonly LogSegment[], offset: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >>> 1;
    if (segments[mid]!.baseOffset <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Kafka's LogCleanerManager ratio: cleanable bytes over clean plus cleanable bytes. */
function dirtyRatio(segments: readonly LogSegment[], firstDirtyOffset: number, firstUncleanableOffset: number): number {
  const dirtyFrom = segments[floorIndex(segments, firstDirtyOffset)]!.baseOffset;
  let clean = 0;
  let cleanable = 0;
  for (const s of segments) {
    if (s.baseOffset < firstDirtyOffset) clean += s.sizeBytes;
    if (s.baseOffset >= dirtyFrom && s.baseOffset < firstUncleanableOffset) cleanable += s.sizeBytes;
  }
  return cleanable === 0 ? 0 : cleanable / (clean + cleanable);
}
