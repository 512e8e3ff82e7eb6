import { assert } from "../../../sim/index.ts";
import { ConfigError } from "./ConfigError.ts";
import type { KeyDefinition } from "./define.ts";
import { KafkaConfig, type ConfigScalar, type ValueSource } from "./KafkaConfig.ts";
import type { Profile } from "./profiles.ts";
import {
  CONFIG_RULES,
  CONFIG_SCOPES,
  configKeys,
  counterpartOf,
  definitionOf,
  scopesOf,
  type ConfigKey,
  type ConfigScope,
  type ConfigValue,
} from "./registry.ts";
import type { RuleContext } from "./rules.ts";
import { closestName } from "./suggest.ts";
import type { ParseResult } from "./values.ts";

/** Keys and raw values as a file or a flag gives them: `{ acks: "all", "linger.ms": 5 }`. */
export type ConfigOverrides = Readonly<Record<string, unknown>>;

export type ConfigResult<S extends ConfigScope> =
  | { readonly ok: true; readonly config: KafkaConfig<S> }
  | { readonly ok: false; readonly errors: readonly ConfigError[] };

/**
 * What a config may inherit from: a config of the same scope (its overrides are taken
 * first, then these), or, for a topic, the broker config its keys fall back to.
 */
export type ConfigParent<S extends ConfigScope> = KafkaConfig<S> | (S extends "topic" ? KafkaConfig<"broker"> : never);

interface Slot {
  value: unknown;
  source: ValueSource;
}

/**
 * Resolves the configuration of one scope for one profile: each key of `overrides` is
 * checked (unknown keys get a suggestion, keys of another scope say where they belong)
 * and parsed; every other key takes its default, or for a topic its broker key's value
 * (from `parent`, else the profile's broker defaults); then the scope's rules run
 * (idempotence, delivery timeout, heartbeat below session, ...). Reports every problem,
 * in the order of `overrides`, never throws for bad input.
 */
export function resolveConfig<S extends ConfigScope>(
  scope: S,
  profile: Profile,
  overrides: ConfigOverrides = {},
  parent?: NoInfer<ConfigParent<S>>,
): ConfigResult<S> {
  if (parent !== undefined) assert(parent.profile === profile, `a ${profile} config cannot inherit from a ${parent.profile} one`);
  if (parent !== undefined && parent.scope === scope) {
    const brokerConfig = (parent as KafkaConfig).brokerConfig as ConfigParent<S> | undefined;
    return resolveConfig(scope, profile, { ...parent.overrides, ...overrides }, brokerConfig);
  }
  const brokerConfig = parent as KafkaConfig<"broker"> | undefined;
  if (brokerConfig !== undefined) assert(scope === "topic" && brokerConfig.scope === "broker", `a ${scope} config cannot inherit from ${brokerConfig.scope}`);

  const errors: ConfigError[] = [];
  const slots = new Map<string, Slot>();
  const given: Record<string, ConfigScalar> = {};
  for (const [key, raw] of Object.entries(overrides)) {
    const parsed = parseConfigValue(scope, key, raw);
    if (!parsed.ok) {
      errors.push(parsed.error);
      continue;
    }
    slots.set(key, { value: parsed.value, source: "set" });
    given[key] = parsed.value as ConfigScalar;
  }
  for (const key of configKeys(scope)) {
    if (!slots.has(key)) slots.set(key, defaultSlot(scope, key, profile, brokerConfig));
  }
  if (errors.length === 0) errors.push(...applyRules(scope, profile, slots));
  if (errors.length > 0) return { ok: false, errors };

  const entries = new Map(configKeys(scope).map((key) => [key as string, slots.get(key) as { value: ConfigScalar; source: ValueSource }]));
  return { ok: true, config: new KafkaConfig(scope, profile, entries, given, brokerConfig) };
}

/** resolveConfig for code and tests: the config, or the first problem thrown as a ConfigError. */
export function configFor<S extends ConfigScope>(
  scope: S,
  profile: Profile,
  overrides: ConfigOverrides = {},
  parent?: NoInfer<ConfigParent<S>>,
): KafkaConfig<S> {
  const result = resolveConfig(scope, profile, overrides, parent);
  if (!result.ok) throw result.errors[0]!;
  return result.config;
}

const defaultsCache = new Map<string, KafkaConfig>();

/** Every key at its default for the profile (a topic's keys at the profile's broker defaults). */
export function defaultConfig<S extends ConfigScope>(scope: S, profile: Profile): KafkaConfig<S> {
  const cacheKey = `${scope}@${profile}`;
  let config = defaultsCache.get(cacheKey);
  if (config === undefined) {
    config = configFor(scope, profile);
    defaultsCache.set(cacheKey, config);
  }
  return config as KafkaConfig<S>;
}

/**
 * Parses one raw value of one key (a file's value, a `--vary key=value` flag's text),
 * or says why not: unknown key with a suggestion, key of another scope, bad value.
 */
export function parseConfigValue<S extends ConfigScope>(
  scope: S,
  key: string,
  raw: unknown,
): { ok: true; key: ConfigKey<S>; value: ConfigValue<S, ConfigKey<S>> } | { ok: false; error: ConfigError } {
  const definition = definitionOf(scope, key);
  if (definition === undefined) return { ok: false, error: unknownKeyError(scope, key) };
  const parsed: ParseResult<unknown> = definition.kind.parse(raw, unitOf(key));
  if (!parsed.ok) return { ok: false, error: new ConfigError(scope, key, "invalid-value", parsed.problem) };
  return { ok: true, key: key as ConfigKey<S>, value: parsed.value as ConfigValue<S, ConfigKey<S>> };
}

function defaultSlot(scope: ConfigScope, key: string, profile: Profile, brokerConfig: KafkaConfig<"broker"> | undefined): Slot {
  const definition: KeyDefinition<unknown> = definitionOf(scope, key)!;
  if (definition.fallback === undefined) return { value: definition.defaults![profile], source: "default" };
  const broker = brokerConfig ?? defaultConfig("broker", profile);
  return { value: broker.get(definition.fallback as ConfigKey<"broker">), source: "broker" };
}

function applyRules(scope: ConfigScope, profile: Profile, slots: Map<string, Slot>): ConfigError[] {
  const errors: ConfigError[] = [];
  const slot = (key: string): Slot => {
    const found = slots.get(key);
    assert(found !== undefined, `a ${scope} rule reads ${key}, which is not a ${scope} key`);
    return found;
  };
  const ctx: RuleContext = {
    profile,
    get: (key) => slot(key).value,
    isSet: (key) => slot(key).source === "set",
    derive: (key, value) => {
      assert(slot(key).source !== "set", `a rule may not override ${key}, which the user set`);
      slots.set(key, { value, source: "derived" });
    },
    conflict: (key, message) => {
      errors.push(new ConfigError(scope, key, "conflict", message));
    },
  };
  for (const rule of CONFIG_RULES[scope]) rule(ctx);
  return errors;
}

function unitOf(key: string): string | undefined {
  if (key.endsWith(".ms")) return "milliseconds";
  if (key.endsWith(".seconds")) return "seconds";
  if (key.endsWith(".bytes") || key === "batch.size" || key === "buffer.memory") return "bytes";
  if (key.endsWith(".messages")) return "messages";
  return undefined;
}

/**
 * An unknown key: in another scope (say where, and the counterpart key of this scope if
 * there is one: `retention.ms` in broker config is `log.retention.ms`), or a typo of a key
 * of this scope, or of another scope's key, or nothing like any key.
 */
function unknownKeyError(scope: ConfigScope, key: string): ConfigError {
  const elsewhere = scopesOf(key);
  if (elsewhere.length > 0) {
    const counterpart = elsewhere.map((other) => counterpartOf(other, key)).find((c) => c?.scope === scope);
    const where = elsewhere.length === 1 ? `a ${elsewhere[0]} key` : `a ${elsewhere.join(" and ")} key`;
    return new ConfigError(scope, key, "wrong-scope", `${where}, not a ${scope} key`, counterpart?.key, elsewhere);
  }
  const suggestion = closestName(key, configKeys(scope));
  if (suggestion !== undefined) return new ConfigError(scope, key, "unknown-key", `unknown ${scope} key`, suggestion);
  for (const other of CONFIG_SCOPES) {
    const near = other === scope ? undefined : closestName(key, configKeys(other));
    if (near !== undefined) {
      return new ConfigError(scope, key, "unknown-key", `unknown ${scope} key; the closest is the ${other} key "${near}"`, undefined, [other]);
    }
  }
  return new ConfigError(scope, key, "unknown-key", `unknown ${scope} key`);
}
