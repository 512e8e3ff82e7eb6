import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as hdr from "hdr-histogram-js";
import { LatencyHistogram } from "../../src/report/LatencyHistogram.ts";

/** hdr-histogram-js fed one value at a time, as LatencyHistogram did before it counted values itself. */
function referenceSummaryMs(values: readonly number[]) {
  const h = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 24 * 3600 * 1_000_000, numberOfSignificantValueDigits: 3, bitBucketSize: 64, useWebAssembly: false });
  for (const v of values) h.recordValue(Math.max(1, Math.round(v)));
  const ms = (micros: number) => Math.round(micros) / 1000;
  if (h.totalCount === 0) return { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  return {
    count: h.totalCount, mean: ms(h.mean), p50: ms(h.getValueAtPercentile(50)), p95: ms(h.getValueAtPercentile(95)),
    p99: ms(h.getValueAtPercentile(99)), p999: ms(h.getValueAtPercentile(99.9)), max: ms(h.maxValue),
  };
}

const latency = fc.oneof(
  fc.integer({ min: 0, max: 5000 }),
  fc.integer({ min: 0, max: 2 ** 32 - 1 }),
  fc.integer({ min: 2 ** 32, max: 24 * 3600 * 1_000_000 }),
  fc.double({ min: 0, max: 1e7, noNaN: true }),
);

describe("a latency histogram", () => {
  it("reports the same figures as HdrHistogram fed value by value, however the values spread", () => {
    fc.assert(
      fc.property(fc.array(latency, { maxLength: 400 }), (values) => {
        const h = new LatencyHistogram();
        for (const v of values) h.record(v);
        expect(h.summaryMs()).toEqual(referenceSummaryMs(values));
        expect(h.count).toBe(values.length);
      }),
    );
  });

  it("reads the same figures from its own counts as HdrHistogram does, for latencies under 71 minutes", () => {
    const shortLatency = fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.double({ min: 0, max: 1e7, noNaN: true }));
    fc.assert(
      fc.property(fc.array(shortLatency, { minLength: 1, maxLength: 3000 }), fc.integer({ min: 1, max: 5 }), (values, copies) => {
        const h = new LatencyHistogram();
        const all = values.flatMap((v) => Array.from({ length: copies }, () => v));
        for (const v of all) h.record(v);
        expect(h.summaryMs()).toEqual(referenceSummaryMs(all));
      }),
      { numRuns: 60 },
    );
  });

  it("keeps counting after it was read, and adds into another histogram with every value", () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const values = [3, 2047, 2048, 2049, 4095, 4096, 1_000_003, 2 ** 31 + 7, 2 ** 32 + 11];
    for (const v of values.slice(0, 4)) a.record(v);
    expect(a.summaryMs()).toEqual(referenceSummaryMs(values.slice(0, 4)));
    for (const v of values.slice(4)) a.record(v);
    b.record(12_345);
    b.add(a);
    expect(a.summaryMs()).toEqual(referenceSummaryMs(values));
    expect(b.summaryMs()).toEqual(referenceSummaryMs([12_345, ...values]));
  });
});
