import type { LogSegment } from "./LogSegment.ts";

/** Decides, oldest first, whether a segment may go; `next` is the segment after it, if any. */
export type SegmentPredicate = (segment: LogSegment, next: LogSegment | undefined) => boolean;

/**
 * Kafka's UnifiedLog.deletableSegments: how many segments, from the oldest, may be
 * deleted. It stops at the first segment that fails the predicate, that holds offsets at
 * or above the high watermark (so the log start never passes it), or that is the last
 * segment and empty.
 */
export function countDeletableSegments(
  segments: readonly LogSegment[],
  highWatermark: number,
  logEndOffset: number,
  predicate: SegmentPredicate,
): number {
  let count = 0;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const next = segments[i + 1];
    const upperBoundOffset = next === undefined ? logEndOffset : next.baseOffset;
    const isLastAndEmpty = next === undefined && segment.sizeBytes === 0;
    if (isLastAndEmpty || highWatermark < upperBoundOffset || !predicate(segment, next)) break;
    count++;
  }
  return count;
}

/** `retention.ms`: the segment's newest batch is older than the retention time. */
export function retentionTimeBreached(nowMicros: number, retentionMicros: number): SegmentPredicate {
  return (segment) => nowMicros - segment.largestTimestampMicros > retentionMicros;
}

/**
 * `retention.bytes`: while the log is larger than the limit, the oldest segments go, as
 * long as what remains is not below it (Kafka's diff - segment.size >= 0).
 */
export function retentionSizeBreached(logSizeBytes: number, retentionBytes: number): SegmentPredicate | null {
  if (logSizeBytes < retentionBytes) return null;
  let excessBytes = logSizeBytes - retentionBytes;
  return (segment) => {
    if (excessBytes - segment.sizeBytes < 0) return false;
    excessBytes -= segment.sizeBytes;
    return true;
  };
}
