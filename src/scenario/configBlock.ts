import {
  closestName,
  CONFIG_SCOPES,
  configKeys,
  resolveConfig,
  scopesOf,
  defaultConfig,
  type ConfigError,
  type ConfigParent,
  type ConfigScope,
  type KafkaConfig,
  type Profile,
} from "../protocol/config/index.ts";
import type { Field, KeyAdvice, Reader } from "./Reader.ts";
import { readSetting } from "./settingChoices.ts";

/** Where each scope's Kafka keys go in a scenario file. */
export const CONFIG_HOME: Readonly<Record<ConfigScope, string>> = {
  broker: "cluster.config",
  topic: "topics[].config",
  producer: "producers[].config",
  consumer: "consumers[].config",
};

/**
 * A `config:` block of Kafka keys, resolved for its scope and the scenario's profile
 * through the registry. Each ConfigError becomes a ScenarioError at the key (unknown or
 * misplaced keys) or the value (bad values, conflicts). On errors the scope's defaults
 * stand in, so the rest of the file can still be checked.
 */
export function readConfigBlock<S extends ConfigScope>(
  r: Reader,
  field: Field,
  scope: S,
  profile: Profile,
  parent?: NoInfer<ConfigParent<S>>,
): KafkaConfig<S> {
  const fallback = (): KafkaConfig<S> => (parent === undefined ? defaultConfig(scope, profile) : resolveOrDefault(scope, profile, parent));
  const entries = r.mapping(field, `a mapping of ${scope} config keys (Kafka's names, like ${exampleKey(scope)})`);
  if (entries === undefined) return fallback();
  // No prototype: a key named __proto__ must stay a (wrong) key, not change the object.
  const overrides: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
  // A value written as a choice ([1, all], 1s..30s) is drawn from the seed (settingChoices.ts).
  // A choice with a problem (reported already) is left out rather than reported again.
  for (const [key, entry] of entries) {
    const value = readSetting(r, entry, scope, key);
    if (value !== undefined) overrides[key] = value;
  }
  const result = resolveConfig(scope, profile, overrides, parent);
  if (result.ok) return result.config;
  for (const error of result.errors) report(r, field, entries, error);
  return fallback();
}

function resolveOrDefault<S extends ConfigScope>(scope: S, profile: Profile, parent: ConfigParent<S>): KafkaConfig<S> {
  const result = resolveConfig(scope, profile, {}, parent);
  return result.ok ? result.config : defaultConfig(scope, profile);
}

function report(r: Reader, block: Field, entries: Map<string, Field>, error: ConfigError): void {
  const entry = entries.get(error.key);
  switch (error.problem) {
    case "unknown-key":
      r.failKey(entry!, error.detail, error.suggestion);
      return;
    case "wrong-scope": {
      const advice = error.suggestion === undefined ? `; set it under ${homes(error.otherScopes)}` : "";
      r.failKey(entry!, `${error.key} is ${error.detail}${advice}`, error.suggestion);
      return;
    }
    case "invalid-value":
      r.fail(entry!, error.detail, error.suggestion);
      return;
    case "conflict":
      if (entry !== undefined) r.fail(entry, error.detail);
      else r.fail(block, `${error.key} ${error.detail}`);
      return;
  }
}

function homes(scopes: readonly ConfigScope[]): string {
  return scopes.map((s) => CONFIG_HOME[s]).join(" or ");
}

function exampleKey(scope: ConfigScope): string {
  const examples: Record<ConfigScope, string> = {
    broker: "min.insync.replicas",
    topic: "retention.ms",
    producer: "acks",
    consumer: "fetch.max.wait.ms",
  };
  return examples[scope];
}

/**
 * Advice for an unknown scenario key that is a Kafka key: it belongs in a config block.
 * `here` is the scope whose block sits beside the key (cluster: broker, topics: topic).
 */
export function kafkaKeyAdvice(here?: ConfigScope): KeyAdvice {
  return (key) => {
    const scopes = scopesOf(key);
    if (scopes.length === 0) return undefined;
    const home = here !== undefined && scopes.includes(here) ? CONFIG_HOME[here] : homes(scopes);
    return { problem: `${key} is a Kafka ${scopes.join("/")} key; Kafka keys go in a config block: ${home}` };
  };
}

/** An unknown key that is close to a Kafka key of some scope (`acsk`), for the top level. */
export function nearKafkaKey(key: string): { scope: ConfigScope; key: string } | undefined {
  for (const scope of CONFIG_SCOPES) {
    const near = closestName(key, configKeys(scope));
    if (near !== undefined) return { scope, key: near };
  }
  return undefined;
}
