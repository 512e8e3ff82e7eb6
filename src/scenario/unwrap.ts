import type { ScenarioResult } from "./parseScenario.ts";
import { InvalidScenario } from "./ScenarioError.ts";
import type { Scenario } from "./types.ts";

/** The scenario, or an InvalidScenario (carrying every error) thrown, for code that prefers exceptions. */
export function unwrapScenario(result: ScenarioResult): Scenario {
  if (!result.ok) throw new InvalidScenario(result.errors);
  return result.scenario;
}
