import type { ConfigScope } from "./registry.ts";
import { didYouMean } from "./suggest.ts";

/**
 * What is wrong with one key of a configuration:
 * - `unknown-key`: no such key in this scope (nor, maybe, anywhere);
 * - `wrong-scope`: the key exists, but in another scope (a producer key in broker config);
 * - `invalid-value`: the value does not parse or is out of range;
 * - `conflict`: the value contradicts another key, as Kafka would refuse it at start.
 */
export type ConfigProblem = "unknown-key" | "wrong-scope" | "invalid-value" | "conflict";

export class ConfigError extends Error {
  override name = "ConfigError";

  constructor(
    readonly scope: ConfigScope,
    readonly key: string,
    readonly problem: ConfigProblem,
    /** What is wrong, in a Kafka user's words, without the key or the suggestion. */
    readonly detail: string,
    /** The key (or value) the user probably meant. */
    readonly suggestion?: string,
    /** For `wrong-scope`: where the key does exist. */
    readonly otherScopes: readonly ConfigScope[] = [],
  ) {
    super(`${scope} config ${key}: ${detail}${didYouMean(suggestion)}`);
  }
}
