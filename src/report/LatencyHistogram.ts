import * as hdr from "hdr-histogram-js";
import type { Micros } from "../../sim/index.ts";

export interface LatencySummaryMs {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/** HdrHistogram's sub-buckets at 3 significant digits (2^11 = 2048 values per bucket, the lower half shared). */
const SUB_BUCKET_HALF_COUNT = 1024;
const SUB_BUCKET_BITS = 11;
/** Latencies below 2^32 us (71 minutes) are counted in the fast path; longer ones go to hdr directly. */
const FAST_LIMIT = 2 ** 32;
const FAST_SLOTS = (32 - SUB_BUCKET_BITS + 2) * SUB_BUCKET_HALF_COUNT;

/**
 * A latency histogram (HdrHistogram, 3 significant digits) of simulated microseconds,
 * reported in milliseconds as Kafka's tools report them.
 *
 * hdr-histogram-js costs about 300 ns a value in JavaScript, and a run records several
 * values per record (produce latency by producer and in total, end-to-end): at millions of
 * records that was a large share of a run. `record` counts the value in a slot of its own
 * with HdrHistogram's bucketing (same value ranges, so no precision is lost or changed), and
 * the counts go into the hdr histogram, by each slot's lowest equivalent value, only when
 * something reads it. Every figure read is the same as if each value went in one by one.
 */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 24 * 3600 * 1_000_000,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    useWebAssembly: false,
  });
  /** Counts not yet in `histogram`, by slot (see slotOf); made on first use. */
  private pending: Float64Array | null = null;
  private pendingCount = 0;
  /** The smallest and largest pending values as recorded: hdr keeps both exactly (its max is reported). */
  private pendingMin = Infinity;
  private pendingMax = -Infinity;

  record(latencyMicros: Micros): void {
    const value = Math.max(1, Math.round(latencyMicros));
    if (value >= FAST_LIMIT) {
      this.histogram.recordValue(value);
      return;
    }
    const pending = (this.pending ??= new Float64Array(FAST_SLOTS));
    pending[slotOf(value)]!++;
    this.pendingCount++;
    if (value < this.pendingMin) this.pendingMin = value;
    if (value > this.pendingMax) this.pendingMax = value;
  }

  /** Adds every value of `other` (to sum per-producer histograms per acks setting). */
  add(other: LatencyHistogram): void {
    this.flush();
    this.histogram.add(other.flushed());
  }

  /** The summary of the slots alone, computed as hdr-histogram-js computes it from the same counts. */
  private pendingSummaryMs(): LatencySummaryMs {
    const pending = this.pending!;
    const total = this.pendingCount;
    const percentiles = [50, 95, 99, 99.9];
    const targets = percentiles.map((p) => countAtPercentile(p, total));
    const values = percentiles.map(() => 0);
    let next = 0;
    let seen = 0;
    let sum = 0;
    for (let slot = 0; slot < pending.length; slot++) {
      const count = pending[slot]!;
      if (count === 0) continue;
      const lowest = lowestValueOf(slot);
      const width = widthOf(slot);
      // hdr's mean: each count at its range's median, in index order.
      sum += (lowest + Math.floor(width / 2)) * count;
      seen += count;
      // hdr's percentile: the highest value of the first range where the running count reaches it.
      while (next < targets.length && seen >= targets[next]!) values[next++] = lowest + width - 1;
    }
    const ms = (micros: number) => Math.round(micros) / 1000;
    return { count: total, mean: ms(sum / total), p50: ms(values[0]!), p95: ms(values[1]!), p99: ms(values[2]!), p999: ms(values[3]!), max: ms(this.pendingMax) };
  }

  private flushed(): hdr.Histogram {
    this.flush();
    return this.histogram;
  }

  /** Moves the pending counts into the hdr histogram. */
  private flush(): void {
    const pending = this.pending;
    if (pending === null || this.pendingCount === 0) return;
    // The extremes go in as themselves (hdr reports its max as recorded), the rest by slot.
    const extremes = this.pendingMin === this.pendingMax ? [this.pendingMin] : [this.pendingMin, this.pendingMax];
    for (const value of extremes) {
      this.histogram.recordValue(value);
      pending[slotOf(value)]!--;
    }
    for (let slot = 0; slot < pending.length; slot++) {
      const count = pending[slot]!;
      if (count === 0) continue;
      this.histogram.recordValueWithCount(lowestValueOf(slot), count);
      pending[slot] = 0;
    }
    this.pendingCount = 0;
    this.pendingMin = Infinity;
    this.pendingMax = -Infinity;
  }

  get count(): number {
    return this.histogram.totalCount + this.pendingCount;
  }

  summaryMs(): LatencySummaryMs {
    // Everything still in the slots (the usual case): read them directly, as hdr would read
    // its counts (hdr's percentile and mean walk ~28,000 counts through iterator objects,
    // a few milliseconds each: a tenth of a short run's checks).
    if (this.histogram.totalCount === 0 && this.pendingCount > 0) return this.pendingSummaryMs();
    const h = this.flushed();
    const ms = (micros: number) => Math.round(micros) / 1000;
    if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0 };
    return {
      count: h.totalCount,
      mean: ms(h.mean),
      p50: ms(h.getValueAtPercentile(50)),
      p95: ms(h.getValueAtPercentile(95)),
      p99: ms(h.getValueAtPercentile(99)),
      p999: ms(h.getValueAtPercentile(99.9)),
      max: ms(h.maxValue),
    };
  }
}

/** The value hdr reports for percentile `p` of `total` counts (its rounding, ulp included): the count to reach. */
function countAtPercentile(p: number, total: number): number {
  const fp = (p / 100) * total;
  return Math.max(Math.ceil(fp - Math.pow(2, Math.floor(Math.log2(fp)) - 52)), 1);
}

/**
 * HdrHistogram's counts index of a value below 2^32 (unit magnitude 0): values below 2048
 * each have their own slot; above, bucket b (b >= 1) holds [2^(b+10), 2^(b+11)) in 1024
 * slots of width 2^b. Two values share a slot exactly when hdr cannot tell them apart.
 */
function slotOf(value: number): number {
  if (value < 2 * SUB_BUCKET_HALF_COUNT) return value;
  const bucket = 31 - Math.clz32(value) - (SUB_BUCKET_BITS - 1);
  return (bucket + 1) * SUB_BUCKET_HALF_COUNT + ((value >>> bucket) - SUB_BUCKET_HALF_COUNT);
}

/** How many values a slot holds (hdr's sizeOfEquivalentValueRange). */
function widthOf(slot: number): number {
  if (slot < 2 * SUB_BUCKET_HALF_COUNT) return 1;
  return 2 ** (Math.floor(slot / SUB_BUCKET_HALF_COUNT) - 1);
}

/** The lowest value of a slot (hdr's lowestEquivalentValue of any value in it). */
function lowestValueOf(slot: number): number {
  if (slot < 2 * SUB_BUCKET_HALF_COUNT) return slot;
  const bucket = Math.floor(slot / SUB_BUCKET_HALF_COUNT) - 1;
  const sub = (slot % SUB_BUCKET_HALF_COUNT) + SUB_BUCKET_HALF_COUNT;
  return sub * 2 ** bucket;
}
