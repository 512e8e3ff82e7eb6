import { beforeAll, describe, expect, it } from "vitest";
import { perfTestLine } from "../../src/report/perfTestLine.ts";
import { reportedRun, type ReportedRun } from "./fixture.ts";

const LINE = /^(\d+) records sent, ([\d.]+) records\/sec \(([\d.]+) MB\/sec\), ([\d.]+) ms avg latency, ([\d.]+) ms max latency, ([\d.]+) ms 50th, ([\d.]+) ms 95th, ([\d.]+) ms 99th, ([\d.]+) ms 99\.9th\.$/;

let run: ReportedRun;
beforeAll(() => {
  run = reportedRun();
});

describe("the kafka-producer-perf-test line", () => {
  it("has the tool's form", () => {
    const line = perfTestLine({ recordsPerSec: 4999.5, mbPerSec: 0.4768, latencyMs: { count: 200000, mean: 2.3456, p50: 2.1, p95: 3.25, p99: 4.999, p999: 12.5, max: 31.046 } });
    expect(line).toBe("200000 records sent, 4999.5 records/sec (0.48 MB/sec), 2.35 ms avg latency, 31.05 ms max latency, 2.10 ms 50th, 3.25 ms 95th, 5.00 ms 99th, 12.50 ms 99.9th.");
  });

  it("says what the produce histogram says: its count, mean, max and percentiles, over the load's duration", () => {
    const m = run.report.metrics;
    const [, count, perSec, mbPerSec, avg, max, p50, p95, p99, p999] = LINE.exec(m.perfTest)!.map(Number);
    const h = m.produceLatencyMs;
    expect(count).toBe(h.count);
    expect(count).toBe(m.acked);
    const twoDecimals = (v: number) => Number(v.toFixed(2));
    expect([avg, max, p50, p95, p99, p999]).toEqual([h.mean, h.max, h.p50, h.p95, h.p99, h.p999].map(twoDecimals));
    // 8 s of load: acknowledged records per second, and their bytes (200 B from one producer, 100 B from the other).
    expect(Math.abs(perSec - m.acked / 8)).toBeLessThanOrEqual(0.05 + 1e-9);
    const bytes = m.produceLatencyByProducer.reduce((sum, p) => sum + p.acked * (p.producer === "safe" ? 200 : 100), 0);
    expect(mbPerSec).toBeCloseTo(bytes / 8 / 1024 / 1024, 2);
    // The crash held acknowledgements of t-0 back for seconds: the tail shows it.
    expect(h.max).toBeGreaterThan(1000);
    expect(h.p50).toBeLessThan(50);
  });

  it("the report's histograms are the run's: the same produce and end-to-end latency as ksim run prints", () => {
    expect(run.report.metrics.produceLatencyMs).toEqual(run.summary.produceLatencyMs);
    expect(run.report.metrics.endToEndLatencyMs).toEqual(run.summary.endToEndLatencyMs);
  });

  it("per producer and per acks setting, the histograms add up to the whole", () => {
    const m = run.report.metrics;
    expect(m.produceLatencyByProducer.map((p) => [p.producer, p.acks])).toEqual([["safe", "all"], ["fast", "1"]]);
    expect(m.produceLatencyByProducer.reduce((n, p) => n + p.latencyMs.count, 0)).toBe(m.produceLatencyMs.count);
    expect(m.produceLatencyByAcks.map((a) => [a.acks, a.latencyMs.count])).toEqual(m.produceLatencyByProducer.map((p) => [p.acks, p.acked]));
    const maxOf = Math.max(...m.produceLatencyByProducer.map((p) => p.latencyMs.max));
    expect(maxOf).toBe(m.produceLatencyMs.max);
  });
});
