import { CORRUPT_RECORD, assert, type DiskError, type NodeContext } from "../../../sim/index.ts";
import type { KafkaError } from "../../protocol/errors.ts";
import type { ProducerBatch, RecordBatch } from "../../protocol/records.ts";
import { FlushTracker } from "./FlushTracker.ts";
import { LeaderEpochCache, type EndOffsetFlavour, type EpochEndOffsetAnswer } from "./LeaderEpochCache.ts";
import { LogCompaction, floorIndex, type CleanResult, type CompactionHost } from "./LogCompaction.ts";
import { logConfig, type LogConfig } from "./LogConfig.ts";
import { LogSegment, segmentFileName } from "./LogSegment.ts";
import { ProducerSnapshots } from "./ProducerSnapshots.ts";
import { ProducerStateManager } from "./ProducerStateManager.ts";
import { recoverSegments } from "./recovery.ts";
import { countDeletableSegments, retentionSizeBreached, retentionTimeBreached, type SegmentPredicate } from "./retention.ts";
import { batchNextOffset, isCompacted, type StoredBatch } from "./storedBatch.ts";

/** The outcome of a leader's append. A duplicate is a success with the offsets the batch got the first time. */
export type LeaderAppendResult =
  | { readonly kind: "appended"; readonly batch: RecordBatch }
  | { readonly kind: "duplicate"; readonly baseOffset: number; readonly lastOffset: number }
  | { readonly kind: "failed"; readonly error: KafkaError; readonly detail: string };

export type FollowerAppendResult =
  | { readonly kind: "appended"; readonly logEndOffset: number }
  | { readonly kind: "failed"; readonly error: KafkaError; readonly detail: string };

/** Whole batches from one segment; `error` is NONE, OFFSET_OUT_OF_RANGE, CORRUPT_MESSAGE or KAFKA_STORAGE_ERROR. */
export interface LogReadResult {
  readonly error: KafkaError;
  readonly batches: readonly StoredBatch[];
  readonly sizeBytes: number;
}

const EMPTY_READ: LogReadResult = { error: "NONE", batches: [], sizeBytes: 0 };

/**
 * One partition replica's log on its node's simulated disk (Kafka's UnifiedLog and
 * LocalLog): segments of record batches under `dir`, the leader epoch cache, the producer
 * state, and the offsets that frame them: log start, log end (LEO), high watermark (set
 * by the caller and never persisted here: the broker checkpoints it) and the recovery
 * point (what is durable).
 *
 * Constructing it recovers the log from what the disk kept. Appends, reads, truncation
 * and flushes are Kafka's; retention (`deleteOldSegments`), cleaning (`compact`),
 * time-based flushing (`flushIfDue`) and producer expiration are run by the broker's
 * periodic tasks, as Kafka's LogManager runs them.
 *
 * A failed write (a full disk) takes the log offline, as Kafka takes the log directory
 * offline: from then on appends and reads answer KAFKA_STORAGE_ERROR until a restart,
 * and `onOffline` is told (the broker halts: see Broker).
 */
export class ReplicaLog {
  readonly config: LogConfig;
  readonly epochCache: LeaderEpochCache;
  readonly producerState: ProducerStateManager;
  /** What recovery removed when this log was opened. */
  readonly recovered: { readonly truncatedBatches: number; readonly deletedSegments: number };
  private segments: LogSegment[];
  private startOffset: number;
  private endOffset: number;
  private hw: number;
  private readonly flushes: FlushTracker;
  private offline: string | null = null;
  /** Where the flush the last append triggered (flush.messages reached) must reach, or null. */
  private appendFlushOffset: number | null = null;
  private readonly snapshots: ProducerSnapshots;
  private readonly compaction: LogCompaction;

  constructor(
    private readonly ctx: NodeContext,
    readonly dir: string,
    config: Partial<LogConfig> = {},
    /** Told once when the log goes offline (Kafka's LogDirFailureChannel). */
    private readonly onOffline: (reason: string) => void = () => {},
  ) {
    this.config = logConfig(config);
    this.snapshots = new ProducerSnapshots(ctx.disk, dir);
    this.compaction = new LogCompaction(this.compactionHost());
    this.compaction.swaps.recoverSwaps();
    const found = recoverSegments(ctx.disk, dir, ctx.now);
    this.segments = found.segments;
    this.reconcileSwaps();
    this.recovered = { truncatedBatches: found.truncatedBatches, deletedSegments: found.deletedSegments };
    this.startOffset = this.segments[0]!.baseOffset;
    this.endOffset = this.activeSegment.nextOffset;
    this.hw = this.startOffset;
    this.compaction.cleanerCheckpoint = this.startOffset;
    this.flushes = new FlushTracker(this.durableOffset(), this.durableOffset(), ctx.now);
    this.epochCache = new LeaderEpochCache(ctx.disk, `${dir}/leader-epoch-checkpoint`);
    this.check(this.epochCache.truncateFromEnd(this.endOffset));
    for (const e of found.epochStarts) {
      if (e.epoch > this.epochCache.latestEpoch) this.check(this.epochCache.assign(e.epoch, e.startOffset));
    }
    this.check(this.epochCache.truncateFromStart(this.startOffset));
    this.producerState = new ProducerStateManager(this.config);
    this.producerState.mapEndOffset = -1; // nothing loaded yet: the reload below always runs
    this.rebuildProducerState(this.endOffset);
    if (found.truncatedBatches > 0 || found.deletedSegments > 0) {
      ctx.record("log.recovered", { dir, logEndOffset: this.endOffset, ...this.recovered });
    }
  }

  // ---- offsets ------------------------------------------------------------------------------

  get logStartOffset(): number { return this.startOffset; }
  get logEndOffset(): number { return this.endOffset; }
  get highWatermark(): number { return this.hw; }
  /** Offsets below this are durable (survive a crash). */
  get recoveryPoint(): number { return this.flushes.recoveryPoint; }
  /** The latest epoch in the epoch cache, or UNDEFINED_EPOCH. */
  get latestEpoch(): number { return this.epochCache.latestEpoch; }
  get isOffline(): boolean { return this.offline !== null; }
  get offlineReason(): string | null { return this.offline; }
  get segmentCount(): number { return this.segments.length; }
  get segmentBaseOffsets(): number[] { return this.segments.map((s) => s.baseOffset); }
  get sizeBytes(): number { return this.segments.reduce((n, s) => n + s.sizeBytes, 0); }

  /** Sets the high watermark, clamped to [log start, LEO]; returns what it became. */
  updateHighWatermark(offset: number): number {
    this.hw = Math.min(Math.max(offset, this.startOffset), this.endOffset);
    return this.hw;
  }

  // ---- appends ------------------------------------------------------------------------------

  /**
   * A leader's append: the idempotence check (a duplicate of one of the producer's last
   * five batches is answered with its original offsets and not written again), then
   * offsets from the LEO, the leader epoch stamped on the batch, a roll if the active
   * segment is full or old, the write, the epoch cache, the producer state, and a flush
   * if `flush.messages` is reached.
   */
  appendAsLeader(batch: ProducerBatch, leaderEpoch: number, nowMicros: number): LeaderAppendResult {
    if (this.offline !== null) return storageFailure(this.offline);
    assert(batch.records.length > 0, `${this.dir}: append of an empty batch`);
    const check = this.producerState.check(batch.producerId, batch.producerEpoch, batch.baseSequence, batch.records.length);
    if (check.kind === "duplicate") return { kind: "duplicate", baseOffset: check.firstOffset, lastOffset: check.lastOffset };
    if (check.kind === "error") return { kind: "failed", error: check.error, detail: check.detail };
    const stored: RecordBatch = {
      baseOffset: this.endOffset,
      records: batch.records,
      partitionLeaderEpoch: leaderEpoch,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      appendedAtMicros: nowMicros,
      sizeBytes: batch.sizeBytes,
    };
    const error = this.appendBatches([stored], stored.sizeBytes);
    return error === null ? { kind: "appended", batch: stored } : storageFailure(error);
  }

  /**
   * A follower's append of batches fetched from the leader, offsets and epochs as given.
   * They must continue the log: each starts at the LEO, or later only next to data the
   * leader's cleaner rewrote (the batch, or the one before it, is a compacted one).
   */
  appendAsFollower(batches: readonly StoredBatch[]): FollowerAppendResult {
    if (this.offline !== null) return storageFailure(this.offline);
    if (batches.length === 0) return { kind: "appended", logEndOffset: this.endOffset };
    let expected = this.endOffset;
    let bytes = 0;
    let previous: StoredBatch | undefined;
    for (const b of batches) {
      assert(b.baseOffset >= expected, () => `${this.dir}: follower append at ${b.baseOffset} below the next offset ${expected}`);
      if (b.baseOffset > expected) {
        const before = previous ?? this.lastBatch();
        const besideCompacted = isCompacted(b) || (before !== undefined && isCompacted(before));
        assert(besideCompacted, () => `${this.dir}: follower append at ${b.baseOffset} leaves a gap after ${expected}`);
      }
      expected = batchNextOffset(b);
      bytes += b.sizeBytes;
      previous = b;
    }
    const error = this.appendBatches(batches, bytes);
    return error === null ? { kind: "appended", logEndOffset: this.endOffset } : storageFailure(error);
  }

  /** Kafka's maybeAssignEpochStartOffset: a new leader records where its epoch starts before it appends. */
  assignEpochStartOffset(leaderEpoch: number, startOffset: number): void {
    this.check(this.epochCache.assign(leaderEpoch, startOffset));
  }

  endOffsetForEpoch(requestedEpoch: number, flavour: EndOffsetFlavour): EpochEndOffsetAnswer {
    return this.epochCache.endOffsetFor(requestedEpoch, this.endOffset, flavour);
  }

  private appendBatches(batches: readonly StoredBatch[], bytes: number): string | null {
    const first = batches[0]!;
    this.appendFlushOffset = null;
    const segment = this.maybeRoll(bytes, first.appendedAtMicros, first.baseOffset);
    if (this.offline !== null) return this.offline;
    for (const b of batches) {
      const error = segment.append(this.ctx.disk, b);
      if (error !== null) return this.goOffline(error, "append");
      this.endOffset = batchNextOffset(b);
      if (b.partitionLeaderEpoch >= 0) this.check(this.epochCache.assign(b.partitionLeaderEpoch, b.baseOffset));
      this.producerState.update(b);
    }
    this.producerState.mapEndOffset = this.endOffset;
    if (this.endOffset - this.flushes.issuedOffset >= this.config.flushMessages) {
      this.flush();
      this.appendFlushOffset = this.endOffset;
    }
    return this.offline;
  }

  // ---- reads --------------------------------------------------------------------------------

  /**
   * Kafka's read: whole batches from the first one holding `fetchOffset` (or the next
   * after it), from one segment, while their total stays within `maxBytes`, the first
   * batch always if `minOneMessage` (as Kafka does for the first partition of a fetch),
   * and only batches that end below `upperBoundOffset` (the high watermark for consumers,
   * the LEO for followers). Outside [log start, LEO]: OFFSET_OUT_OF_RANGE.
   */
  read(fetchOffset: number, maxBytes: number, upperBoundOffset: number, minOneMessage = true): LogReadResult {
    if (this.offline !== null) return { error: "KAFKA_STORAGE_ERROR", batches: [], sizeBytes: 0 };
    if (fetchOffset < this.startOffset || fetchOffset > this.endOffset) return { error: "OFFSET_OUT_OF_RANGE", batches: [], sizeBytes: 0 };
    const upper = Math.min(upperBoundOffset, this.endOffset);
    if (fetchOffset >= upper) return EMPTY_READ;
    let s = this.floorSegmentIndex(fetchOffset);
    let i = this.segments[s]!.indexFor(fetchOffset);
    while (i >= this.segments[s]!.batchCount) {
      if (++s >= this.segments.length) return EMPTY_READ;
      i = this.segments[s]!.indexFor(fetchOffset);
    }
    const segment = this.segments[s]!;
    const batches: StoredBatch[] = [];
    let size = 0;
    for (; i < segment.batchCount && segment.lastOffsets[i]! < upper; i++) {
      const batch = segment.batchAt(i);
      if (batch === CORRUPT_RECORD) {
        if (batches.length === 0) return { error: "CORRUPT_MESSAGE", batches: [], sizeBytes: 0 };
        break;
      }
      if (size + batch.sizeBytes > maxBytes && !(minOneMessage && batches.length === 0)) break;
      batches.push(batch);
      size += batch.sizeBytes;
    }
    return batches.length === 0 ? EMPTY_READ : { error: "NONE", batches, sizeBytes: size };
  }

  /** The log's last batch, if any is readable. */
  private lastBatch(): StoredBatch | undefined {
    for (let s = this.segments.length - 1; s >= 0; s--) {
      const segment = this.segments[s]!;
      if (segment.isEmpty) continue;
      const batch = segment.batchAt(segment.batchCount - 1);
      return batch === CORRUPT_RECORD ? undefined : batch;
    }
    return undefined;
  }

  /** Every readable batch of the log, in offset order (for checkers and tests; not the hot path). */
  batches(): StoredBatch[] {
    const out: StoredBatch[] = [];
    for (const segment of this.segments) {
      for (let i = 0; i < segment.batchCount; i++) {
        const batch = segment.batchAt(i);
        if (batch !== CORRUPT_RECORD) out.push(batch);
      }
    }
    return out;
  }

  // ---- truncation ---------------------------------------------------------------------------

  /**
   * Kafka's UnifiedLog.truncateTo: removes every batch whose last offset is at or after
   * `targetOffset`, and the LEO becomes the target, as in Kafka, with one exception: a
   * batch that straddles the target goes whole, and then the LEO is where that batch
   * began (Kafka would still say the target, claiming offsets it no longer has). Then
   * the epoch cache and the producer state are rewound and the high watermark is
   * clamped. Returns false when there was nothing to remove.
   */
  truncateTo(targetOffset: number): boolean {
    assert(targetOffset >= 0, () => `${this.dir}: truncate to negative offset ${targetOffset}`);
    if (targetOffset >= this.endOffset) {
      // A leader may have written an epoch entry at the LEO and nothing after it.
      this.check(this.epochCache.truncateFromEnd(this.endOffset));
      return false;
    }
    if (this.segments[0]!.baseOffset > targetOffset) {
      this.truncateFullyAndStartAt(targetOffset);
      return true;
    }
    if (targetOffset < this.activeSegment.baseOffset) this.compaction.abort();
    while (this.activeSegment.baseOffset > targetOffset) this.removeSegment(this.segments.pop()!);
    const active = this.activeSegment;
    const first = active.indexFor(targetOffset);
    const removedBase = first < active.batchCount ? active.baseOffsetAt(first) : targetOffset;
    active.truncateToIndex(this.ctx.disk, first);
    this.compaction.swaps.segmentTruncated(active.baseOffset, active.batchCount);
    this.endOffset = Math.min(targetOffset, removedBase);
    if (this.endOffset > active.nextOffset) this.startSegmentAtLogEnd();
    this.afterTruncation();
    this.ctx.record("log.truncated", { dir: this.dir, targetOffset, logEndOffset: this.endOffset });
    return true;
  }

  /** Kafka's truncateFullyAndStartAt: deletes all data; the log restarts empty at `offset`. */
  truncateFullyAndStartAt(offset: number): void {
    assert(offset >= 0, () => `${this.dir}: restart at negative offset ${offset}`);
    for (const segment of this.segments) this.removeSegment(segment);
    this.snapshots.deleteAll(offset);
    this.compaction.reset(offset);
    this.segments = [this.createSegment(offset)];
    this.startOffset = offset;
    this.endOffset = offset;
    this.hw = offset;
    this.flushes.reset(offset);
    this.check(this.epochCache.clearAndFlush());
    this.producerState.clear(offset);
    this.ctx.record("log.truncated-fully", { dir: this.dir, offset });
  }

  /**
   * The cleaner removed the batches just below the new LEO, so the data ends before it:
   * appends continue in a segment that starts at the LEO (an empty active segment is
   * replaced), so offsets are never handed out twice and recovery sees them continue.
   */
  private startSegmentAtLogEnd(): void {
    if (this.activeSegment.isEmpty) this.removeSegment(this.segments.pop()!);
    this.segments.push(this.createSegment(this.endOffset));
    this.startOffset = this.segments[0]!.baseOffset;
  }

  private afterTruncation(): void {
    this.flushes.truncated(this.endOffset);
    this.check(this.epochCache.truncateFromEnd(this.endOffset));
    this.compaction.cleanerCheckpoint = Math.min(this.compaction.cleanerCheckpoint, this.endOffset);
    this.rebuildProducerState(this.endOffset);
    if (this.hw > this.endOffset) this.hw = this.endOffset;
  }

  // ---- segments and flushes -----------------------------------------------------------------

  private get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }

  /** Index of the segment holding `offset`: the last one starting at or before it (0 if none does). */
  private floorSegmentIndex(offset: number): number {
    return floorIndex(this.segments, offset);
  }

  private maybeRoll(bytes: number, appendMicros: number, firstOffset: number): LogSegment {
    const active = this.activeSegment;
    if (!active.shouldRoll(bytes, appendMicros, this.config.segmentBytes, this.config.segmentMicros)) return active;
    return this.roll(firstOffset);
  }

  /**
   * Kafka's roll: a new active segment at the LEO (or at the first offset of the batches
   * being appended, if later), a producer snapshot at its base offset, and a flush of
   * everything before it.
   */
  roll(expectedNextOffset = this.endOffset): LogSegment {
    const newOffset = Math.max(expectedNextOffset, this.endOffset);
    if (this.activeSegment.isEmpty && this.activeSegment.baseOffset === newOffset) return this.activeSegment;
    assert(newOffset > this.activeSegment.baseOffset, () => `${this.dir}: roll at ${newOffset} not after ${this.activeSegment.baseOffset}`);
    const segment = this.createSegment(newOffset);
    this.segments.push(segment);
    this.producerState.mapEndOffset = newOffset;
    this.check(this.snapshots.take(this.producerState));
    this.flush(newOffset);
    return segment;
  }

  /**
   * Flushes the segments holding offsets below `offset` (default: all), as Kafka's flush
   * does from the recovery point; `done` runs once they are durable.
   */
  flush(offset = this.endOffset, done?: () => void): void {
    const upTo = Math.min(offset, this.endOffset);
    const from = this.flushes.issuedOffset;
    if (upTo > from) {
      const first = this.floorSegmentIndex(from);
      const last = this.floorSegmentIndex(upTo - 1);
      const files = this.segments.slice(first, last + 1).map((s) => s.file);
      const fileDone = this.flushes.begin(upTo, files, this.ctx.now);
      for (const file of files) this.ctx.disk.fsync(file, () => fileDone(file));
    }
    if (done !== undefined) this.flushes.whenFlushed(upTo, done);
  }

  /**
   * Calls `done` once the records below `offset` are durable (at once if they are). A
   * waiter for records a truncation removed waits until the log is flushed past `offset`.
   */
  whenFlushed(offset: number, done: () => void): void {
    this.flushes.whenFlushed(offset, done);
  }

  /**
   * Kafka flushes inside append when flush.messages unflushed records have built up, so the
   * thread that appended (a request handler, a replica fetcher) waits for the fsync. When
   * the last append did, `done` runs once it is durable and this returns true; false when
   * there is nothing to wait for.
   */
  awaitAppendFlush(done: () => void): boolean {
    const offset = this.appendFlushOffset;
    if (offset === null) return false;
    this.appendFlushOffset = null;
    this.flushes.whenFlushed(offset, done);
    return true;
  }

  /** `flush.ms`: flushes if the last flush is that old (Kafka's log flusher task calls this). */
  flushIfDue(nowMicros: number): boolean {
    if (this.config.flushMicros === Infinity || this.endOffset <= this.flushes.issuedOffset) return false;
    if (nowMicros - this.flushes.lastFlushMicros < this.config.flushMicros) return false;
    this.flush();
    return true;
  }

  private createSegment(baseOffset: number): LogSegment {
    const name = segmentFileName(this.dir, baseOffset);
    if (this.ctx.disk.exists(name)) this.deleteFile(name); // stale: no live segment has this name
    return new LogSegment(baseOffset, this.ctx.disk.file<StoredBatch>(name), this.ctx.now);
  }

  private removeSegment(segment: LogSegment): void {
    this.compaction.swaps.segmentDeleted(segment.baseOffset);
    this.deleteFile(segment.file.name);
  }

  private deleteFile(name: string): void {
    const file = this.ctx.disk.file<StoredBatch>(name);
    this.ctx.disk.delete(name);
    this.flushes.fileDeleted(file);
  }

  /** Swaps completed by recovery apply to the segments it kept: truncated or deleted with them. */
  private reconcileSwaps(): void {
    for (const base of this.compaction.swaps.pendingBases()) {
      const segment = this.segments.find((s) => s.baseOffset === base);
      if (segment === undefined) this.compaction.swaps.segmentDeleted(base);
      else this.compaction.swaps.segmentTruncated(base, segment.batchCount);
    }
  }

  /** Offsets below this are on the platter: everything up to the first segment with unsynced data. */
  private durableOffset(): number {
    const dirty = this.segments.find((s) => s.file.unsyncedCount > 0);
    return dirty === undefined ? this.endOffset : dirty.baseOffset;
  }

  // ---- producer state -----------------------------------------------------------------------

  private rebuildProducerState(lastOffset: number): void {
    this.check(this.snapshots.rebuild(this.producerState, this.segments, this.startOffset, lastOffset, this.ctx.now));
  }

  /** `producer.id.expiration.ms`: Kafka's periodic removal of idle producers. */
  removeExpiredProducers(nowMicros: number): void {
    this.producerState.removeExpiredProducers(nowMicros);
  }

  // ---- retention and compaction -------------------------------------------------------------

  /**
   * Kafka's deleteOldSegments for `cleanup.policy=delete`: by size, then by time, the
   * oldest segments wholly below the high watermark go and the log start moves to the
   * first remaining one. When every segment is to go, a new empty active segment is
   * rolled first, as Kafka does, so the log is never without one. Returns how many went.
   */
  deleteOldSegments(nowMicros: number): number {
    if (this.offline !== null || this.config.cleanupPolicy !== "delete") return 0;
    const bySize = retentionSizeBreached(this.sizeBytes, this.config.retentionBytes);
    const deleted = bySize === null ? 0 : this.deleteSegmentsWhile(bySize, "retention.bytes");
    return deleted + this.deleteSegmentsWhile(retentionTimeBreached(nowMicros, this.config.retentionMicros), "retention.ms");
  }

  private deleteSegmentsWhile(predicate: SegmentPredicate, reason: string): number {
    let count = countDeletableSegments(this.segments, this.hw, this.endOffset, predicate);
    if (count === 0) return 0;
    if (count === this.segments.length) {
      const rolled = this.roll();
      if (rolled === this.segments[count - 1]) count--; // the last one was empty already: it stays active
    }
    const gone = this.segments.splice(0, count);
    for (const segment of gone) {
      this.removeSegment(segment);
      this.snapshots.deleteAt(segment.baseOffset);
    }
    this.startOffset = this.segments[0]!.baseOffset;
    this.check(this.epochCache.truncateFromStart(this.startOffset));
    this.ctx.record("log.segments-deleted", { dir: this.dir, reason, count, logStartOffset: this.startOffset });
    return count;
  }

  /**
   * Starts a round of the log cleaner for `cleanup.policy=compact` when the dirty part
   * (from the cleaner checkpoint to the segment holding the high watermark, never the
   * active one) is at least `min.cleanable.dirty.ratio` of the log: only the latest
   * record of each key is kept, offsets preserved. The cleaned segments replace the old
   * ones once they are durable (an fsync later). Null when there is nothing to clean.
   */
  compact(): CleanResult | null {
    if (this.offline !== null || this.config.cleanupPolicy !== "compact") return null;
    return this.compaction.maybeClean();
  }

  /** Whether a cleaning round is waiting for its cleaned segments to become durable. */
  get isCleaning(): boolean {
    return this.compaction.busy;
  }

  private compactionHost(): CompactionHost {
    const log = this;
    return {
      disk: this.ctx.disk,
      dir: this.dir,
      config: this.config,
      get segments() { return log.segments; },
      get logStartOffset() { return log.startOffset; },
      get highWatermark() { return log.hw; },
      lastDataOffsetOf: (id) => this.producerState.entry(id)?.lastDataOffset ?? -1,
      replaceSegments: (group, cleaned) => this.segments.splice(this.segments.indexOf(group[0]!), group.length, cleaned),
      deleteFile: (name) => this.deleteFile(name),
      goOffline: (error, during) => this.goOffline(error, during),
      record: (kind, detail) => this.ctx.record(kind, detail),
    };
  }

  // ---- failures -----------------------------------------------------------------------------

  private check(error: DiskError | null): void {
    if (error !== null) this.goOffline(error, "checkpoint");
  }

  private goOffline(error: DiskError, during: string): string {
    if (this.offline === null) {
      this.offline = `${error} during ${during} in ${this.dir}`;
      this.ctx.record("log.offline", { dir: this.dir, reason: this.offline });
      this.onOffline(this.offline);
    }
    return this.offline;
  }
}

function storageFailure(detail: string): { readonly kind: "failed"; readonly error: KafkaError; readonly detail: string } {
  return { kind: "failed", error: "KAFKA_STORAGE_ERROR", detail };
}
