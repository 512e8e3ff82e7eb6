/**
 * Kafka's configuration keys in one place: every key the model uses, by scope (broker,
 * topic, producer, consumer), with Kafka's names, types, documentation and defaults per
 * version profile; the profiles and the behaviour each one selects; and `resolveConfig`,
 * which turns a block of overrides into a typed, frozen KafkaConfig or ConfigErrors.
 *
 *   const broker = configFor("broker", "3.x", { "min.insync.replicas": 2 });
 *   const topic = configFor("topic", "3.x", { "retention.ms": 60_000 }, broker);
 *   topic.number("min.insync.replicas"); // 2, from the broker
 *   configFor("producer", "3.x").get("acks"); // -1 (all)
 */
export {
  PROFILES,
  DEFAULT_PROFILE,
  PROFILE_BEHAVIOUR,
  isProfile,
  profileBehaviour,
  profileAtLeast,
  describeProfiles,
  type Profile,
  type ProfileBehaviour,
  type TruncationRule,
} from "./profiles.ts";
export {
  CONFIG_SCOPES,
  CONFIG_KEYS,
  configKeys,
  keyInfo,
  scopesOf,
  counterpartOf,
  type ConfigScope,
  type ConfigKey,
  type ConfigValue,
  type NumberKey,
  type BooleanKey,
  type StringKey,
  type MillisKey,
  type KeyInfo,
} from "./registry.ts";
export { KafkaConfig, type ValueSource, type ConfigScalar } from "./KafkaConfig.ts";
export { ConfigError, type ConfigProblem } from "./ConfigError.ts";
export {
  resolveConfig,
  configFor,
  defaultConfig,
  parseConfigValue,
  type ConfigOverrides,
  type ConfigResult,
  type ConfigParent,
} from "./resolve.ts";
export { CLEANUP_POLICIES, type CleanupPolicy } from "./brokerKeys.ts";
export { PARTITIONERS, type PartitionerChoice } from "./producerKeys.ts";
export { AUTO_OFFSET_RESETS, ASSIGNORS, type AutoOffsetReset, type AssignorChoice } from "./consumerKeys.ts";
export { LONG_MAX, INT_MAX, type ValueType } from "./values.ts";
export { closestName, editDistance, normaliseName, didYouMean } from "./suggest.ts";
