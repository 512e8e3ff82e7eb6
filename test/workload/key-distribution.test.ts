import { describe, expect, it } from "vitest";
import { AssertionError, Random } from "../../sim/index.ts";
import { keyPicker, MAX_ZIPF_KEYS, zipfCdf, type KeyDistribution } from "../../src/workload/KeyDistribution.ts";

/** How often each key index came up in `n` draws. */
function histogram(count: number, distribution: KeyDistribution, n: number, seed = "keys"): number[] {
  const pick = keyPicker(count, distribution);
  const random = new Random(seed);
  const hits = new Array<number>(count).fill(0);
  for (let i = 0; i < n; i++) hits[pick(random)]!++;
  return hits;
}

describe("workload: key distributions", () => {
  it("uniform keys draw exactly what the producer drew before key distributions existed (runs keep their fingerprints)", () => {
    const pick = keyPicker(100, { kind: "uniform" });
    const a = new Random("same");
    const b = new Random("same");
    for (let i = 0; i < 1_000; i++) expect(pick(a)).toBe(b.int(0, 99));
  });

  it("uniform keys come up about equally often", () => {
    const hits = histogram(10, { kind: "uniform" }, 100_000);
    for (const h of hits) {
      expect(h).toBeGreaterThan(9_000);
      expect(h).toBeLessThan(11_000);
    }
  });

  it("Zipf keys come up in proportion to 1/rank^exponent: key 0 about twice as often as key 1 with exponent 1", () => {
    const n = 200_000;
    const hits = histogram(1000, { kind: "zipf", exponent: 1 }, n);
    const harmonic = Array.from({ length: 1000 }, (_, k) => 1 / (k + 1)).reduce((a, b) => a + b, 0);
    expect(hits[0]! / n).toBeCloseTo(1 / harmonic, 2); // about 13%
    expect(hits[0]! / hits[1]!).toBeGreaterThan(1.8);
    expect(hits[0]! / hits[1]!).toBeLessThan(2.2);
    expect(hits[0]! / hits[9]!).toBeGreaterThan(8);
    // Every key is possible, the rarest included, given enough draws.
    expect(hits.filter((h) => h === 0).length).toBeLessThan(50);
  });

  it("a larger exponent concentrates the draws on the first keys", () => {
    const mild = histogram(1000, { kind: "zipf", exponent: 0.8 }, 50_000);
    const steep = histogram(1000, { kind: "zipf", exponent: 2 }, 50_000);
    expect(steep[0]!).toBeGreaterThan(2 * mild[0]!);
    expect(steep[0]! / 50_000).toBeCloseTo(6 / Math.PI ** 2, 1); // 1/zeta(2), about 61%
  });

  it("the table is a cumulative distribution ending at exactly 1, and every draw lands on a key", () => {
    const cdf = zipfCdf(5, 1.2);
    expect(cdf).toHaveLength(5);
    for (let i = 1; i < 5; i++) expect(cdf[i]!).toBeGreaterThan(cdf[i - 1]!);
    expect(cdf[4]).toBe(1);
    const pick = keyPicker(5, { kind: "zipf", exponent: 1.2 });
    const edge = { next: () => 0.9999999999999999 } as unknown as Random;
    expect(pick(edge)).toBe(4);
    expect(pick({ next: () => 0 } as unknown as Random)).toBe(0);
    expect(keyPicker(1, { kind: "zipf", exponent: 3 })(new Random("one"))).toBe(0);
  });

  it("the same seed draws the same keys", () => {
    expect(histogram(100, { kind: "zipf", exponent: 1.2 }, 1_000, "s")).toEqual(histogram(100, { kind: "zipf", exponent: 1.2 }, 1_000, "s"));
    expect(histogram(100, { kind: "zipf", exponent: 1.2 }, 1_000, "s")).not.toEqual(histogram(100, { kind: "zipf", exponent: 1.2 }, 1_000, "t"));
  });

  it("a million Zipf draws over a million keys take well under a second (a table and a binary search)", () => {
    const pick = keyPicker(MAX_ZIPF_KEYS, { kind: "zipf", exponent: 1.1 });
    const random = new Random("fast");
    const started = performance.now();
    let sum = 0;
    for (let i = 0; i < 1_000_000; i++) sum += pick(random);
    expect(sum).toBeGreaterThan(0);
    expect(performance.now() - started).toBeLessThan(5_000); // a loaded CI box; about 0.3 s alone
  });

  it("refuses what the loader would have refused: too many Zipf keys, a non-positive exponent", () => {
    expect(() => zipfCdf(MAX_ZIPF_KEYS + 1, 1)).toThrow(AssertionError);
    expect(() => zipfCdf(10, 0)).toThrow(AssertionError);
    expect(() => keyPicker(0, { kind: "uniform" })).toThrow(AssertionError);
  });
});
