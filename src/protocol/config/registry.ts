import { BROKER_KEYS } from "./brokerKeys.ts";
import { CONSUMER_KEYS, CONSUMER_RULES } from "./consumerKeys.ts";
import type { KeyDefinition } from "./define.ts";
import { PRODUCER_KEYS, PRODUCER_RULES } from "./producerKeys.ts";
import type { Profile } from "./profiles.ts";
import type { ConfigRule } from "./rules.ts";
import { TOPIC_KEYS } from "./topicKeys.ts";
import type { ValueType } from "./values.ts";

/**
 * Every configuration key the model uses, in one place, by scope. Types follow from the
 * definitions: `ConfigKey<"producer">` is the union of producer key names and
 * `ConfigValue<"producer", "acks">` is `-1 | 0 | 1`.
 */
export const CONFIG_SCOPES = ["broker", "topic", "producer", "consumer"] as const;
export type ConfigScope = (typeof CONFIG_SCOPES)[number];

export const CONFIG_KEYS = {
  broker: BROKER_KEYS,
  topic: TOPIC_KEYS,
  producer: PRODUCER_KEYS,
  consumer: CONSUMER_KEYS,
} as const;

type Keys = typeof CONFIG_KEYS;
export type ConfigKey<S extends ConfigScope> = keyof Keys[S] & string;
export type ConfigValue<S extends ConfigScope, K extends ConfigKey<S>> = Keys[S][K] extends KeyDefinition<infer V> ? V : never;

type KeysWhere<S extends ConfigScope, T> = { [K in ConfigKey<S>]: ConfigValue<S, K> extends T ? K : never }[ConfigKey<S>];
export type NumberKey<S extends ConfigScope> = KeysWhere<S, number>;
export type BooleanKey<S extends ConfigScope> = KeysWhere<S, boolean>;
export type StringKey<S extends ConfigScope> = KeysWhere<S, string>;
/** Keys counted in milliseconds, which `KafkaConfig.micros` converts. */
export type MillisKey<S extends ConfigScope> = Extract<NumberKey<S>, `${string}.ms`>;

export const CONFIG_RULES: Readonly<Record<ConfigScope, readonly ConfigRule[]>> = {
  broker: [],
  topic: [],
  producer: PRODUCER_RULES,
  consumer: CONSUMER_RULES,
};

/** A key's definition, for code that does not know the key statically (files, flags). */
export function definitionOf(scope: ConfigScope, key: string): KeyDefinition<unknown> | undefined {
  const keys = CONFIG_KEYS[scope] as Readonly<Record<string, KeyDefinition<unknown>>>;
  return Object.hasOwn(keys, key) ? keys[key] : undefined;
}

/** The key names of a scope, in registry order. */
export function configKeys<S extends ConfigScope>(scope: S): readonly ConfigKey<S>[] {
  return Object.keys(CONFIG_KEYS[scope]) as ConfigKey<S>[];
}

/** The scopes in which `key` exists (`request.timeout.ms`: producer and consumer). */
export function scopesOf(key: string): ConfigScope[] {
  return CONFIG_SCOPES.filter((scope) => definitionOf(scope, key) !== undefined);
}

/** The topic key that falls back to a broker key, or the reverse: `retention.ms` ↔ `log.retention.ms`. */
export function counterpartOf(scope: ConfigScope, key: string): { scope: ConfigScope; key: string } | undefined {
  if (scope === "topic") {
    const fallback = definitionOf("topic", key)?.fallback;
    return fallback === undefined ? undefined : { scope: "broker", key: fallback };
  }
  if (scope === "broker") {
    const topicKey = configKeys("topic").find((k) => definitionOf("topic", k)?.fallback === key);
    return topicKey === undefined ? undefined : { scope: "topic", key: topicKey };
  }
  return undefined;
}

/** A key described for documentation and `ksim` help: its type, default per profile, line of doc. */
export interface KeyInfo {
  readonly scope: ConfigScope;
  readonly key: string;
  readonly type: ValueType;
  readonly accepts: string;
  readonly doc: string;
  /** Kafka's text of the default in each profile; a topic key shows its broker key's. */
  readonly defaults: Readonly<Record<Profile, string>>;
  readonly fallback?: string;
  readonly since?: string;
  readonly note?: string;
}

export function keyInfo(scope: ConfigScope, key: string): KeyInfo | undefined {
  const definition = definitionOf(scope, key);
  if (definition === undefined) return undefined;
  const source = definition.fallback === undefined ? definition : definitionOf("broker", definition.fallback)!;
  const defaults = Object.fromEntries(
    Object.entries(source.defaults!).map(([profile, value]) => [profile, definition.kind.format(value)]),
  ) as Record<Profile, string>;
  return {
    scope,
    key,
    type: definition.kind.type,
    accepts: definition.kind.accepts,
    doc: definition.doc,
    defaults,
    fallback: definition.fallback,
    since: definition.since,
    note: definition.note ?? source.note,
  };
}
