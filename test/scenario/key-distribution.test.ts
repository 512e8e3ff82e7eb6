import { describe, expect, it } from "vitest";
import { theError, valid, yaml } from "./helpers.ts";

/** A scenario whose one producer has `keys` written as given (indented under the producer). */
const withKeys = (...keyLines: string[]): string => yaml("topics: [{name: t, partitions: 6}]", "producers:", "  - topic: t", ...keyLines.map((l) => `    ${l}`));

describe("scenario: a producer's key distribution", () => {
  it("keys: N draws N keys uniformly, as before", () => {
    const producer = valid(withKeys("keys: 100")).producers[0]!;
    expect(producer.keys).toBe(100);
    expect(producer.keyDistribution).toEqual({ kind: "uniform" });
  });

  it("no keys means keyless records", () => {
    const producer = valid(withKeys("rate: 10")).producers[0]!;
    expect(producer.keys).toBeNull();
    expect(producer.keyDistribution).toEqual({ kind: "uniform" });
  });

  it("keys: {count, distribution: zipf, exponent} draws by Zipf's law", () => {
    const producer = valid(withKeys("keys: { count: 1000, distribution: zipf, exponent: 1.2 }")).producers[0]!;
    expect(producer.keys).toBe(1000);
    expect(producer.keyDistribution).toEqual({ kind: "zipf", exponent: 1.2 });
  });

  it("a Zipf distribution without an exponent has exponent 1; a mapping without a distribution is uniform", () => {
    expect(valid(withKeys("keys: { count: 50, distribution: zipf }")).producers[0]!.keyDistribution).toEqual({ kind: "zipf", exponent: 1 });
    expect(valid(withKeys("keys:", "  count: 50")).producers[0]!.keyDistribution).toEqual({ kind: "uniform" });
  });

  it("an unknown distribution is named at its line, with the nearest one", () => {
    const error = theError(withKeys("keys:", "  count: 10", "  distribution: zpif"), 6, "producers[0].keys.distribution");
    expect(error.problem).toBe('expected a key distribution, one of uniform, zipf, got "zpif"');
    expect(error.suggestion).toBe("zipf");
  });

  it("a misspelt key inside keys is refused with a suggestion", () => {
    const error = theError(withKeys("keys:", "  count: 10", "  distribution: zipf", "  exponnent: 2"), 7, "producers[0].keys.exponnent");
    expect(error.suggestion).toBe("exponent");
    expect(error.message).toMatch(/^story\.yaml:7:7: producers\[0\]\.keys\.exponnent: unknown key in keys; expected one of: count, distribution, exponent/);
  });

  it("an exponent with uniform keys, a missing count, and a non-positive exponent are errors at their lines", () => {
    expect(theError(withKeys("keys: { count: 10, distribution: uniform, exponent: 2 }"), 4, "producers[0].keys.exponent").problem).toContain("an exponent is for distribution: zipf");
    expect(theError(withKeys("keys: { distribution: zipf }"), 4, "producers[0].keys.count").problem).toContain("keys needs a count");
    expect(theError(withKeys("keys:", "  count: 10", "  distribution: zipf", "  exponent: 0"), 7, "producers[0].keys.exponent").problem).toBe("must be more than 0, got 0");
    expect(theError(withKeys("keys:", "  count: 10", "  distribution: zipf", "  exponent: steep"), 7, "producers[0].keys.exponent").problem).toContain("expected a number of the Zipf exponent");
  });

  it("Zipf keys are bounded (a table of one number per key); uniform ones are not", () => {
    expect(theError(withKeys("keys: { count: 2000000, distribution: zipf }"), 4, "producers[0].keys.count").problem).toBe("must be at most 1000000, got 2000000");
    expect(valid(withKeys("keys: { count: 2000000 }")).producers[0]!.keys).toBe(2_000_000);
  });

  it("keys that are neither a number nor a mapping are explained", () => {
    expect(theError(withKeys('keys: "many"'), 4, "producers[0].keys").problem).toBe('expected a number of distinct keys (keys: 1000) or {count: 1000, distribution: zipf, exponent: 1.2}, got "many"');
    expect(theError(withKeys("keys: 0"), 4, "producers[0].keys").problem).toBe("must be at least 1, got 0");
  });
});
