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

/**
 * A latency histogram (HdrHistogram, 3 significant digits) of simulated microseconds,
 * reported in milliseconds as Kafka's tools report them.
 */
export class LatencyHistogram {
  private readonly histogram = hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 24 * 3600 * 1_000_000,
    numberOfSignificantValueDigits: 3,
    bitBucketSize: 64,
    useWebAssembly: false,
  });

  record(latencyMicros: Micros): void {
    this.histogram.recordValue(Math.max(1, Math.round(latencyMicros)));
  }

  /** Adds every value of `other` (to sum per-producer histograms per acks setting). */
  add(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  summaryMs(): LatencySummaryMs {
    const h = this.histogram;
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
