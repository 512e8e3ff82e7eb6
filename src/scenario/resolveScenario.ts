import { parseScenario } from "./parseScenario.ts";
import { InvalidScenario } from "./ScenarioError.ts";
import type { Scenario } from "./types.ts";

/**
 * The scenario as seed `seed` runs it: settings written as choices drawn and the swarm's
 * faults added, a pure function of (file text, seed). A scenario with nothing to draw, or
 * already resolved for this seed, is returned as it is. Code that edits a scenario before
 * running it (compare's variants, shrink) must edit the resolved one: resolving an edited
 * template reads the file again and drops the edits.
 *
 * Throws InvalidScenario when this seed's draw breaks a rule that ties settings together
 * (a drawn min.insync.replicas above the replication factor): the message names the file,
 * line and field.
 */
export function resolveScenario(scenario: Scenario, seed: string): Scenario {
  const variation = scenario.variation;
  if (variation === undefined || variation.seed === seed) return scenario;
  const result = parseScenario(variation.source, scenario.file, { seed });
  if (!result.ok) throw new InvalidScenario(result.errors.map((e) => e));
  return result.scenario;
}
