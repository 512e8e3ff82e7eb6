import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runScenario } from "../../src/cli/runScenario.ts";
import { parseScenario, type Scenario } from "../../src/scenario/index.ts";

/** scenarios/fuzz.yaml on profile 4.x, where these seeds once lost acknowledged records. */
function fuzzOn4x(): Scenario {
  const text = readFileSync("scenarios/fuzz.yaml", "utf8").replace(/^name: fuzz$/m, 'name: fuzz\nprofile: "4.x"');
  const loaded = parseScenario(text, "fuzz-4x.yaml");
  if (!loaded.ok) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  expect(loaded.scenario.profile).toBe("4.x");
  return loaded.scenario;
}

function violations(seed: string): string[] {
  return runScenario(fuzzOn4x(), seed).violations.map((v) => `${v.invariant} ${v.count}`);
}

describe("a leader's ISR changes under the fuzz storm (profile 4.x)", () => {
  it("seed 466 loses nothing: while an expansion is on its way to the store, the high watermark waits for the follower being added (Kafka's maximal ISR)", { timeout: 60_000 }, () => {
    expect(violations("466")).toEqual([]);
  });

  it("seed 1300 loses nothing: an expansion retried after the ensemble leader crashed, answered BADVERSION by its own first attempt, counts as landed", { timeout: 60_000 }, () => {
    expect(violations("1300")).toEqual([]);
  });
});
