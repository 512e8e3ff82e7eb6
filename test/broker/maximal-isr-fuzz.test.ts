import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario } from "../../src/scenario/index.ts";

describe("a leader whose ISR expansion is still on its way to the store", () => {
  it("seed 466 of the fuzz scenario on profile 4.x loses nothing (the high watermark passed a follower being added, which joined the ISR without two committed records and was elected)", { timeout: 60_000 }, () => {
    const text = readFileSync("scenarios/fuzz.yaml", "utf8").replace(/^name: fuzz$/m, 'name: fuzz\nprofile: "4.x"');
    const loaded = parseScenario(text, "fuzz-4x.yaml");
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
    expect(loaded.scenario.profile).toBe("4.x");
    const summary = runScenario(loaded.scenario, "466");
    expect(summary.violations.map((v) => `${v.invariant} ${v.count}`)).toEqual([]);
  });
});
