import { PROFILES, type Profile } from "./profiles.ts";
import type { ValueKind } from "./values.ts";

/**
 * One configuration key of one scope: its value type, its documentation line and its
 * default in each version profile, or (topic keys) the broker key it falls back to.
 * The key's name is where the definition is filed (see the *Keys.ts files).
 */
export interface KeyDefinition<V> {
  readonly kind: ValueKind<V>;
  /** One line, in the words of Kafka's documentation where they serve. */
  readonly doc: string;
  /** The default of each profile; absent for a key that falls back to a broker key. */
  readonly defaults?: Readonly<Record<Profile, V>>;
  /** The broker key whose value a topic key takes when the topic does not set it. */
  readonly fallback?: string;
  /** The Kafka release that introduced the key, when later than 0.10; older profiles still accept it. */
  readonly since?: string;
  /** Why the default is what it is, where Kafka's own default is not a plain value. */
  readonly note?: string;
}

/**
 * Defaults that changed across Kafka's releases: each listed profile's value holds until
 * the next listed one. `era({ "0.10": 10000, "3.x": 45000 })` is 10000 up to 2.1.
 */
export class Era<V> {
  constructor(readonly from: { readonly "0.10": V } & Partial<Record<Profile, V>>) {}

  valueIn(profile: Profile): V {
    let value = this.from["0.10"];
    for (const p of PROFILES) {
      const here = this.from[p];
      if (here !== undefined) value = here;
      if (p === profile) break;
    }
    return value;
  }
}

export function era<V>(from: { readonly "0.10": V } & Partial<Record<Profile, V>>): Era<V> {
  return new Era(from);
}

export interface KeySpec<V> {
  readonly doc: string;
  readonly default: V | Era<V>;
  readonly since?: string;
  readonly note?: string;
}

export function define<V>(kind: ValueKind<V>, spec: KeySpec<V>): KeyDefinition<V> {
  const { default: given } = spec;
  const defaults = Object.freeze(
    Object.fromEntries(PROFILES.map((p) => [p, given instanceof Era ? given.valueIn(p) : given])) as Record<Profile, V>,
  );
  return Object.freeze({ kind, doc: spec.doc, defaults, since: spec.since, note: spec.note });
}

/** A topic key that takes the broker's value of `brokerKey` unless the topic sets it (Kafka's LogConfig). */
export function inherit<V>(broker: KeyDefinition<V>, brokerKey: string, doc: string): KeyDefinition<V> {
  return Object.freeze({ kind: broker.kind, doc, fallback: brokerKey, since: broker.since });
}
