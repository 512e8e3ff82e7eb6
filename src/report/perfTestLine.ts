import type { LatencySummaryMs } from "./LatencyHistogram.ts";

export interface PerfTestFigures {
  readonly recordsPerSec: number;
  readonly mbPerSec: number;
  /** The produce latency of the acknowledged records (its count is the records sent). */
  readonly latencyMs: LatencySummaryMs;
}

/**
 * The summary line kafka-producer-perf-test prints at the end, from the acknowledged records
 * (the tool counts a record when its send completes without error). Latencies keep two
 * decimals, where the tool prints whole milliseconds, since simulated latencies are often
 * below one.
 */
export function perfTestLine(f: PerfTestFigures): string {
  const l = f.latencyMs;
  const ms = (v: number) => v.toFixed(2);
  return (
    `${l.count} records sent, ${f.recordsPerSec.toFixed(1)} records/sec (${f.mbPerSec.toFixed(2)} MB/sec), ` +
    `${ms(l.mean)} ms avg latency, ${ms(l.max)} ms max latency, ` +
    `${ms(l.p50)} ms 50th, ${ms(l.p95)} ms 95th, ${ms(l.p99)} ms 99th, ${ms(l.p999)} ms 99.9th.`
  );
}

/** MB as the tool counts them (2^20 bytes). */
export const BYTES_PER_MB = 1024 * 1024;
