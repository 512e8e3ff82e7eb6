/**
 * The scenario layer: the YAML format of a scenario file, its loader with clear errors
 * (file, line, column, field, did-you-mean), and the typed, fully defaulted Scenario a run
 * starts from. The format is documented in the readers: parseScenario.ts (top level),
 * cluster.ts, topics.ts, clients.ts, faults.ts, selectors.ts, expectations.ts; what a seed
 * draws (settings written as choices, the swarm's faults) in settingChoices.ts and swarm.ts.
 */
export { parseScenario, SCENARIO_KEYS, DEFAULT_DURATION_MICROS, DEFAULT_SETTLE_MICROS, type ScenarioResult } from "./parseScenario.ts";
export { loadScenarioFile } from "./loadScenarioFile.ts";
export { resolveScenario } from "./resolveScenario.ts";
export { drawnOf, describeSettings, type Drawn, type Variation } from "./variation.ts";
export { describeFault, SWARM_VERBS, type SwarmSpec } from "./swarm.ts";
export { unwrapScenario } from "./unwrap.ts";
export { ScenarioError, InvalidScenario, formatScenarioErrors, sortErrors } from "./ScenarioError.ts";
export { parseSelector, type ClusterShape, type SelectorResult } from "./selectors.ts";
export { CONFIG_HOME } from "./configBlock.ts";
export { DEFAULT_EXPECTATIONS } from "./expectations.ts";
export { DEFAULT_TOPIC } from "./topics.ts";
export { DEFAULT_BROKERS, DEFAULT_ENSEMBLE } from "./cluster.ts";
export { DEFAULT_RATE_PER_SEC, DEFAULT_MESSAGE_BYTES } from "./clients.ts";
export * from "./types.ts";
