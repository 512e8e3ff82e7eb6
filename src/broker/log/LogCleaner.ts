import { CORRUPT_RECORD } from "../../../sim/index.ts";
import { NO_PRODUCER_ID } from "../../protocol/records.ts";
import type { LogSegment } from "./LogSegment.ts";
import { batchLastOffset, batchNextOffset, recordOffset, type CompactedBatch, type StoredBatch } from "./storedBatch.ts";

/** One group of adjacent segments cleaned into a single segment that keeps the first one's base offset. */
export interface CleanedGroup {
  readonly segments: readonly LogSegment[];
  readonly batches: readonly CompactedBatch[];
}

export interface CleanPlan {
  readonly groups: readonly CleanedGroup[];
  /** The next first dirty offset (the cleaner checkpoint): one past the last offset mapped. */
  readonly endOffset: number;
  readonly recordsRemoved: number;
  readonly batchesRemoved: number;
}

export interface CleanRange {
  /** The cleaner checkpoint: offsets below were cleaned by an earlier round. */
  readonly firstDirtyOffset: number;
  /** The base offset of the first segment that may not be cleaned (the active one, or the one holding the high watermark). */
  readonly firstUncleanableOffset: number;
}

/**
 * Plans one round of Kafka's log cleaner (LogCleaner's Cleaner.doClean) over whole
 * segments below `firstUncleanableOffset`:
 *
 * 1. the offset map: for each key, the offset of its latest record in the dirty part
 *    [firstDirtyOffset, firstUncleanableOffset);
 * 2. the segments from the log start up to the end of the map, grouped so that a group
 *    stays within `segmentBytes`, are rewritten keeping a record only if it is the latest
 *    of its key (keyless records are dropped, as Kafka's cleaner drops them);
 * 3. a batch left without records is dropped, unless it is the last batch of a producer
 *    whose state the log still keeps (its sequence must survive) or the last batch of the
 *    round (so the end of the cleaned part is not lost); such batches stay, empty.
 *
 * Offsets are preserved: every batch of a cleaned group becomes a CompactedBatch.
 * Returns null when there is nothing to clean.
 */
export function planCleaning(
  segments: readonly LogSegment[],
  range: CleanRange,
  segmentBytes: number,
  lastDataOffsetOf: (producerId: number) => number,
): CleanPlan | null {
  const map = buildOffsetMap(segments, range);
  if (map.latestOffset < 0) return null;
  const endOffset = map.latestOffset + 1;
  const cleanable = segments.filter((s) => s.baseOffset < endOffset);
  const groups: CleanedGroup[] = [];
  let recordsRemoved = 0;
  let batchesRemoved = 0;
  for (const group of groupSegmentsBySize(cleanable, segmentBytes)) {
    const batches: CompactedBatch[] = [];
    for (const segment of group) {
      for (let i = 0; i < segment.batchCount; i++) {
        const batch = segment.batchAt(i);
        if (batch === CORRUPT_RECORD) continue; // unreadable: the cleaner skips what it cannot read
        const cleaned = cleanBatch(batch, map, range.firstUncleanableOffset, lastDataOffsetOf);
        recordsRemoved += batch.records.length - (cleaned?.records.length ?? 0);
        if (cleaned === null) batchesRemoved++;
        else batches.push(cleaned);
      }
    }
    groups.push({ segments: group, batches });
  }
  return { groups, endOffset, recordsRemoved, batchesRemoved };
}

interface OffsetMap {
  readonly latestOffsetByKey: Map<string, number>;
  /** Last offset of the last batch mapped, or -1. */
  latestOffset: number;
}

function buildOffsetMap(segments: readonly LogSegment[], range: CleanRange): OffsetMap {
  const map: OffsetMap = { latestOffsetByKey: new Map(), latestOffset: -1 };
  for (let s = 0; s < segments.length; s++) {
    const segment = segments[s]!;
    if (segment.baseOffset >= range.firstUncleanableOffset) break;
    const next = segments[s + 1];
    if (next !== undefined && next.baseOffset <= range.firstDirtyOffset) continue; // entirely clean
    for (let i = segment.indexFor(range.firstDirtyOffset); i < segment.batchCount; i++) {
      const batch = segment.batchAt(i);
      if (batch === CORRUPT_RECORD) continue;
      for (let r = 0; r < batch.records.length; r++) {
        const key = batch.records.keyAt(r);
        const offset = recordOffset(batch, r);
        if (key !== null && offset >= range.firstDirtyOffset) map.latestOffsetByKey.set(key, offset);
      }
      map.latestOffset = Math.max(map.latestOffset, batchLastOffset(batch));
    }
  }
  return map;
}

function cleanBatch(
  batch: StoredBatch,
  map: OffsetMap,
  upperBoundOffset: number,
  lastDataOffsetOf: (producerId: number) => number,
): CompactedBatch | null {
  const kept: number[] = [];
  const recordOffsets: number[] = [];
  let keptBytes = 0;
  let allBytes = 0;
  for (let r = 0; r < batch.records.length; r++) {
    const key = batch.records.keyAt(r);
    const offset = recordOffset(batch, r);
    allBytes += batch.records.sizeBytesAt(r);
    if (!shouldRetainRecord(key, offset, map)) continue;
    kept.push(r);
    recordOffsets.push(offset);
    keptBytes += batch.records.sizeBytesAt(r);
  }
  const lastOffset = batchLastOffset(batch);
  if (kept.length === 0) {
    const lastOfProducer = batch.producerId !== NO_PRODUCER_ID && lastDataOffsetOf(batch.producerId) === lastOffset;
    const lastOfRound = batchNextOffset(batch) === upperBoundOffset;
    if (!lastOfProducer && !lastOfRound) return null;
  }
  const removedBytes = allBytes - keptBytes;
  return { ...batch, records: batch.records.select(kept), recordOffsets, lastOffset, sizeBytes: batch.sizeBytes - removedBytes };
}

function shouldRetainRecord(key: string | null, offset: number, map: OffsetMap): boolean {
  if (offset > map.latestOffset) return true;
  if (key === null) return false;
  const latest = map.latestOffsetByKey.get(key);
  return latest === undefined || offset >= latest;
}

/** Kafka's groupSegmentsBySize (log data only: the model has no index files). */
function groupSegmentsBySize(segments: readonly LogSegment[], maxBytes: number): LogSegment[][] {
  const groups: LogSegment[][] = [];
  let i = 0;
  while (i < segments.length) {
    const group = [segments[i]!];
    let bytes = segments[i]!.sizeBytes;
    i++;
    while (i < segments.length && bytes + segments[i]!.sizeBytes <= maxBytes) {
      bytes += segments[i]!.sizeBytes;
      group.push(segments[i]!);
      i++;
    }
    groups.push(group);
  }
  return groups;
}
