import { describe, expect, it } from "vitest";
import { FuzzCollector } from "../../src/cli/fuzz/FuzzResult.ts";
import { mergeResults } from "../../src/cli/fuzz/mergeResults.ts";
import { campaignSeeds, isRechecked, planFrom, seedsInRun } from "../../src/cli/fuzz/plan.ts";
import type { SeedOutcome } from "../../src/cli/fuzz/runSeed.ts";

function ran(seed: number, fingerprint: string, invariants: Record<string, number> = {}, recheck = false): SeedOutcome {
  return {
    kind: "ran",
    task: { file: "f.yaml", seed: String(seed), index: seed - 1, recheck },
    fingerprint,
    ok: Object.keys(invariants).length === 0,
    invariants,
    drawn: null,
  };
}

describe("fuzz results: the determinism re-check", () => {
  it("a seed whose second run ends with another fingerprint fails as nondeterminism", () => {
    const c = new FuzzCollector("s", "f.yaml", 1, null);
    c.add(ran(1, "aaaa"));
    c.add(ran(2, "bbbb"));
    c.add(ran(1, "cccc", {}, true));
    const result = c.result();
    expect(result.ok).toBe(false);
    expect(result.failures).toEqual([{ seed: "1", invariants: ["nondeterminism"], counts: { nondeterminism: 1 }, replay: "ksim replay f.yaml --seed 1", fingerprints: ["aaaa", "cccc"] }]);
    expect(result.determinism).toEqual({ rechecked: 1, mismatched: ["1"] });
    // The first run's fingerprint is the seed's.
    expect(result.fingerprints).toEqual({ "1": "aaaa", "2": "bbbb" });
  });

  it("outcomes arriving in any order give the same result, in seed order", () => {
    const outcomes = [ran(3, "c", { "lost-write": 2 }), ran(1, "a"), ran(10, "j", { liveness: 1, "lost-write": 1 }), ran(2, "b"), ran(1, "a", {}, true)];
    const forward = new FuzzCollector("s", "f.yaml", 1, null);
    const backward = new FuzzCollector("s", "f.yaml", 1, null);
    for (const o of outcomes) forward.add(o);
    for (const o of [...outcomes].reverse()) backward.add(o);
    expect(JSON.stringify(backward.result())).toBe(JSON.stringify(forward.result()));
    expect(forward.result().failures.map((f) => f.seed)).toEqual(["3", "10"]);
    expect(forward.result().byInvariant).toEqual({ liveness: 1, "lost-write": 2 });
  });
});

describe("fuzz plan: shards and re-checks depend on a seed's position only", () => {
  it("n shards cover every seed of the campaign exactly once", () => {
    const all = [...campaignSeeds(planFrom({ seeds: "10", fromSeed: "5", jobs: "1" }))].map((s) => s.seed);
    const shards = [1, 2, 3].flatMap((i) => [...campaignSeeds(planFrom({ seeds: "10", fromSeed: "5", jobs: "1", shard: `${i}/3` }))].map((s) => s.seed));
    expect([...shards].sort((a, b) => Number(a) - Number(b))).toEqual(all);
    expect(all).toEqual(["5", "6", "7", "8", "9", "10", "11", "12", "13", "14"]);
    expect(seedsInRun(planFrom({ seeds: "10", jobs: "1", shard: "3/3" }))).toBe(3);
    expect(seedsInRun(planFrom({ seeds: "2", jobs: "1", shard: "3/3" }))).toBe(0);
  });

  it("5% re-runs the first seed and every twentieth after it; 0 none", () => {
    const plan = planFrom({ seeds: "100", jobs: "1" });
    expect(Array.from({ length: 100 }, (_, k) => k).filter((k) => isRechecked(plan, k))).toEqual([0, 20, 40, 60, 80]);
    expect(isRechecked(planFrom({ seeds: "100", jobs: "1", recheck: "0" }), 0)).toBe(false);
  });

  it("merging shards that cover the same seed is refused", () => {
    const a = new FuzzCollector("s", "f.yaml", 1, "1/2");
    a.add(ran(1, "a"));
    const b = new FuzzCollector("s", "f.yaml", 1, "2/2");
    b.add(ran(1, "a"));
    expect(() => mergeResults([{ path: "a.json", result: a.result() }, { path: "b.json", result: b.result() }])).toThrow(/seed 1 is also in a.json/);
  });
});
