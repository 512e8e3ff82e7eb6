import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { loadScenarioFile } from "../../src/scenario/index.ts";

describe("checkers on the fuzz scenario with no bug planted", () => {
  it("two hundred seeds of a fault storm and its swarm give no violation on the current profile", { timeout: 600_000 }, () => {
    const loaded = loadScenarioFile("scenarios/fuzz.yaml");
    if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
    const found: Record<string, string[]> = {};
    for (let seed = 1; seed <= 200; seed++) {
      const summary = runScenario(loaded.scenario, String(seed));
      if (!summary.ok) found[seed] = [...(summary.bootstrapped ? [] : ["never bootstrapped"]), ...summary.violations.map((v) => `${v.invariant} ${v.count}`)];
    }
    expect(found).toEqual({});
  });
});
