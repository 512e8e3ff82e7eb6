import type { Profile } from "./profiles.ts";

/**
 * Rules that tie keys of one scope together, checked after each key is parsed, as a
 * Kafka client checks its configuration when it starts. A rule may derive a value Kafka
 * derives (idempotence turns acks to all when acks is unset) or report a conflict that
 * Kafka refuses with a ConfigException.
 */
export interface RuleContext {
  readonly profile: Profile;
  get(key: string): unknown;
  /** Set by the user (here or in a parent config of the same scope), not a default. */
  isSet(key: string): boolean;
  /** Replaces a default with a value derived from other keys. */
  derive(key: string, value: unknown): void;
  /** The configuration is refused: `key` names the key to point at. */
  conflict(key: string, message: string): void;
}

export type ConfigRule = (ctx: RuleContext) => void;
