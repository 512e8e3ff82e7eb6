import { assert, MICROS_PER_MS, type Micros } from "../../../sim/index.ts";
import type { Profile } from "./profiles.ts";
import {
  definitionOf,
  type BooleanKey,
  type ConfigKey,
  type ConfigScope,
  type ConfigValue,
  type MillisKey,
  type NumberKey,
  type StringKey,
} from "./registry.ts";
import { LONG_MAX } from "./values.ts";

/**
 * Where a key's value came from: the profile's `default`, the user (`set`, here or in a
 * parent config of the same scope), the broker config a topic key falls back to
 * (`broker`), or a rule that `derived` it from other keys (idempotence turns acks to all).
 */
export type ValueSource = "default" | "set" | "broker" | "derived";

export type ConfigScalar = string | number | boolean | null;

interface Entry {
  readonly value: ConfigScalar;
  readonly source: ValueSource;
}

/**
 * A resolved configuration of one scope: every key of the scope has a value. Immutable
 * (frozen). Read it with `get` (typed by key) or the typed getters; `micros` turns a
 * `.ms` key into simulated time. Made by `resolveConfig` / `configFor` (resolve.ts).
 */
export class KafkaConfig<S extends ConfigScope = ConfigScope> {
  readonly #entries: ReadonlyMap<string, Entry>;

  /** @internal use resolveConfig or configFor. */
  constructor(
    readonly scope: S,
    readonly profile: Profile,
    entries: ReadonlyMap<string, Entry>,
    /** The keys set by the user, normalised, in the order given; what a child config of the same scope inherits. */
    readonly overrides: Readonly<Record<string, ConfigScalar>>,
    /** For a topic config: the broker config its keys fell back to (undefined: the profile's broker defaults). */
    readonly brokerConfig?: KafkaConfig<"broker">,
  ) {
    this.#entries = entries;
    Object.freeze(this.overrides);
    Object.freeze(this);
  }

  get<K extends ConfigKey<S>>(key: K): ConfigValue<S, K> {
    return this.entry(key).value as ConfigValue<S, K>;
  }

  number(key: NumberKey<S>): number {
    const value = this.entry(key).value;
    assert(typeof value === "number", () => `${this.scope} config ${key} is not a number`);
    return value;
  }

  boolean(key: BooleanKey<S>): boolean {
    const value = this.entry(key).value;
    assert(typeof value === "boolean", () => `${this.scope} config ${key} is not a boolean`);
    return value;
  }

  string(key: StringKey<S>): string {
    const value = this.entry(key).value;
    assert(typeof value === "string", () => `${this.scope} config ${key} is not a string`);
    return value;
  }

  /** A `.ms` key as simulated time; Kafka's "never" (Long.MAX_VALUE) stays the largest safe integer. */
  micros(key: MillisKey<S>): Micros {
    const millis = this.number(key);
    return millis >= LONG_MAX / MICROS_PER_MS ? LONG_MAX : millis * MICROS_PER_MS;
  }

  /** True when the user set the key (here or in a parent of the same scope). */
  isSet(key: ConfigKey<S>): boolean {
    return this.entry(key).source === "set";
  }

  source(key: ConfigKey<S>): ValueSource {
    return this.entry(key).source;
  }

  /** The value in Kafka's text form (`all` for acks -1), for reports and messages. */
  text(key: ConfigKey<S>): string {
    const value = this.entry(key).value;
    return definitionOf(this.scope, key)!.kind.format(value as never);
  }

  /** Every key and value, in registry order. */
  toJSON(): Record<string, ConfigScalar> {
    return Object.fromEntries([...this.#entries].map(([key, entry]) => [key, entry.value]));
  }

  private entry(key: string): Entry {
    const entry = this.#entries.get(key);
    assert(entry !== undefined, () => `no ${this.scope} config key ${key}`);
    return entry;
  }
}
