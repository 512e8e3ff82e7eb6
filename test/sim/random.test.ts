import { describe, expect, it } from "vitest";
import { AssertionError, Random } from "../../sim/index.ts";
import { range } from "./helpers.ts";

const draws = (r: Random, n: number): number[] => range(n).map(() => r.next());

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

function quantile(xs: readonly number[], q: number): number {
  const sorted = xs.slice().sort((a, b) => a - b);
  return sorted[Math.floor(q * (sorted.length - 1))]!;
}

describe("random: named streams", () => {
  it("the same seed gives the same sequence; another seed another", () => {
    expect(draws(new Random("s"), 20)).toEqual(draws(new Random("s"), 20));
    expect(draws(new Random("s"), 20)).not.toEqual(draws(new Random("t"), 20));
  });

  it("drawing from one stream does not change another's sequence", () => {
    const quiet = new Random("run");
    const expected = draws(quiet.stream("net"), 50);

    const busy = new Random("run");
    draws(busy.stream("disk/n1"), 1_000);
    draws(busy, 1_000); // the root too
    expect(draws(busy.stream("net"), 50)).toEqual(expected);
  });

  it("adding a new stream does not change the existing ones", () => {
    const before = new Random("run");
    const a = before.stream("a");
    const expected = draws(a, 50);

    const after = new Random("run");
    after.stream("z-new");
    after.stream("another");
    const a2 = after.stream("a");
    draws(after.stream("z-new"), 7);
    expect(draws(a2, 50)).toEqual(expected);
  });

  it("a stream does not depend on when it was first asked for", () => {
    const early = new Random("run");
    const s1 = early.stream("late");
    const r = new Random("run");
    draws(r, 100);
    const s2 = r.stream("late");
    expect(draws(s2, 20)).toEqual(draws(s1, 20));
  });

  it("names give distinct streams, and the same name gives the same object", () => {
    const r = new Random("run");
    expect(r.stream("a")).toBe(r.stream("a"));
    expect(draws(r.stream("a"), 10)).not.toEqual(draws(r.stream("b"), 10));
    expect(draws(new Random("run").stream("a"), 10)).not.toEqual(draws(new Random("run"), 10));
  });
});

describe("random: save and restore", () => {
  it("a restored stream continues the sequence exactly", () => {
    const r = new Random("save");
    draws(r, 17);
    const state = r.save();
    const expected = draws(r, 100);
    const restored = Random.restore("save", state);
    expect(draws(restored, 100)).toEqual(expected);
  });

  it("a saved state is a snapshot: later draws do not change it", () => {
    const r = new Random("save");
    const state = r.save();
    const copy = JSON.parse(JSON.stringify(state));
    draws(r, 10);
    expect(r.save()).not.toEqual(copy);
    expect(state).toEqual(copy);
    // The same state restored twice gives the same numbers twice.
    expect(draws(Random.restore("save", state), 5)).toEqual(draws(Random.restore("save", state), 5));
  });

  it("a restored stream derives the same named children", () => {
    const r = new Random("save");
    draws(r, 3);
    const restored = Random.restore("save", r.save());
    expect(draws(restored.stream("child"), 10)).toEqual(draws(new Random("save").stream("child"), 10));
  });
});

describe("random: distributions", () => {
  it("int(min, max) stays in range, hits both ends and is roughly uniform", () => {
    const r = new Random("int");
    const counts = new Map<number, number>();
    for (let i = 0; i < 20_000; i++) {
      const x = r.int(3, 7);
      expect(Number.isInteger(x)).toBe(true);
      counts.set(x, (counts.get(x) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual([3, 4, 5, 6, 7]);
    for (const c of counts.values()) expect(Math.abs(c - 4_000)).toBeLessThan(300);
    expect(r.int(5, 5)).toBe(5);
    expect(r.int(-2, -2)).toBe(-2);
  });

  it("int rejects an empty or fractional range", () => {
    const r = new Random("int");
    expect(() => r.int(5, 4)).toThrow(AssertionError);
    expect(() => r.int(0, 1.5)).toThrow(AssertionError);
  });

  it("pick returns members only and reaches every one", () => {
    const r = new Random("pick");
    const items = ["a", "b", "c", "d"] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 1_000; i++) {
      const x = r.pick(items);
      expect(items).toContain(x);
      seen.add(x);
    }
    expect(seen.size).toBe(4);
    expect(() => r.pick([])).toThrow(AssertionError);
  });

  it("shuffle returns a permutation, leaves its input alone and reaches every order", () => {
    const r = new Random("shuffle");
    const input = [0, 1, 2, 3];
    const orders = new Set<string>();
    for (let i = 0; i < 2_000; i++) {
      const out = r.shuffle(input);
      expect(out.slice().sort()).toEqual([0, 1, 2, 3]);
      orders.add(out.join(","));
    }
    expect(input).toEqual([0, 1, 2, 3]);
    expect(orders.size).toBe(24);
    expect(r.shuffle([])).toEqual([]);
  });

  it("chance(p) is true about p of the time; 0 never, 1 always", () => {
    const r = new Random("chance");
    let hits = 0;
    for (let i = 0; i < 20_000; i++) if (r.chance(0.3)) hits++;
    expect(hits / 20_000).toBeGreaterThan(0.28);
    expect(hits / 20_000).toBeLessThan(0.32);
    for (let i = 0; i < 1_000; i++) {
      expect(r.chance(0)).toBe(false);
      expect(r.chance(1)).toBe(true);
    }
  });

  it("chance consumes one draw whatever p is, so probabilities don't shift other draws", () => {
    const a = new Random("draws");
    const b = new Random("draws");
    a.chance(0);
    b.chance(1);
    expect(a.next()).toBe(b.next());
  });

  it("chance rejects a probability outside [0, 1]", () => {
    const r = new Random("chance");
    expect(() => r.chance(1.5)).toThrow(AssertionError);
    expect(() => r.chance(-0.1)).toThrow(AssertionError);
    expect(() => r.chance(Number.NaN)).toThrow(AssertionError);
  });

  it("exponential(mean) is non-negative with about the right mean", () => {
    const r = new Random("exp");
    const xs = range(50_000).map(() => r.exponential(2_000));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(xs.every(Number.isFinite)).toBe(true);
    expect(Math.abs(mean(xs) / 2_000 - 1)).toBeLessThan(0.03);
    // The median of an exponential is mean * ln 2.
    expect(Math.abs(quantile(xs, 0.5) / (2_000 * Math.LN2) - 1)).toBeLessThan(0.05);
    expect(r.exponential(0)).toBe(0);
    expect(() => r.exponential(-1)).toThrow(AssertionError);
  });

  it("normal(mean, stddev) has about the right mean and spread", () => {
    const r = new Random("normal");
    const xs = range(50_000).map(() => r.normal(10, 3));
    const m = mean(xs);
    const sd = Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
    expect(Math.abs(m - 10)).toBeLessThan(0.1);
    expect(Math.abs(sd - 3)).toBeLessThan(0.1);
  });

  it("logNormal(median, p99/median) is positive with the median and p99 it was asked for", () => {
    const r = new Random("lognormal");
    const xs = range(50_000).map(() => r.logNormal(1_000, 10));
    expect(Math.min(...xs)).toBeGreaterThan(0);
    expect(Math.abs(quantile(xs, 0.5) / 1_000 - 1)).toBeLessThan(0.05);
    expect(Math.abs(quantile(xs, 0.99) / 10_000 - 1)).toBeLessThan(0.15);
    expect(() => r.logNormal(0, 10)).toThrow(AssertionError);
    expect(() => r.logNormal(1, 0.5)).toThrow(AssertionError);
  });
});
