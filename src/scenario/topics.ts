import { configFor, type KafkaConfig, type Profile } from "../protocol/config/index.ts";
import { kafkaKeyAdvice, readConfigBlock } from "./configBlock.ts";
import { read, wholeNumber } from "./fields.ts";
import type { Field, Reader } from "./Reader.ts";
import type { TopicSpec } from "./types.ts";

/**
 * `topics:` — each {name, partitions, replication.factor, config}. Without `topics:`, one
 * topic `test` with the broker's num.partitions (1) partitions. A topic's partitions
 * default to num.partitions; its replication factor to default.replication.factor when
 * cluster.config sets it, else to min(3, brokers): a simulated cluster exists to
 * replicate, so Kafka's default of 1 would make most stories silent.
 */
export const DEFAULT_TOPIC = "test";
export const MAX_PARTITIONS = 10_000;
const TOPIC_KEYS = ["name", "partitions", "replication.factor", "config"] as const;
const LEGAL_NAME = /^[a-zA-Z0-9._-]+$/;
const MAX_NAME_LENGTH = 249;

/** A topic as far as it could be read: partitions or replication factor null where invalid. */
export interface TopicShape {
  readonly partitions: number | null;
  readonly replicationFactor: number | null;
}

export interface TopicsPart {
  /** The valid topics, in file order. */
  readonly topics: TopicSpec[];
  /**
   * Every topic whose name could be read, valid or not, so that references to an invalid
   * topic are not reported again as unknown; null when the list itself was unreadable
   * (then references are not checked at all).
   */
  readonly known: ReadonlyMap<string, TopicShape> | null;
}

export function readTopics(r: Reader, field: Field, brokers: number | null, broker: KafkaConfig<"broker">, profile: Profile): TopicsPart {
  if (field.node === null) {
    const topic = defaultTopic(broker, brokers, profile);
    return { topics: [topic], known: new Map([[topic.name, topic]]) };
  }
  const items = r.list(field, "a list of topics, like [{name: orders, partitions: 3}]");
  if (items === undefined) return { topics: [], known: null };
  if (items.length === 0) r.fail(field, "a scenario needs at least one topic; leave topics out for one topic named test");
  const topics: TopicSpec[] = [];
  const known = new Map<string, TopicShape>();
  for (const item of items) {
    const topic = readTopic(r, item, brokers, broker, profile, known);
    if (topic !== undefined) topics.push(topic);
  }
  return { topics, known };
}

function defaultTopic(broker: KafkaConfig<"broker">, brokers: number | null, profile: Profile): TopicSpec {
  const replicationFactor = defaultReplicationFactor(broker, brokers);
  return {
    name: DEFAULT_TOPIC,
    partitions: broker.number("num.partitions"),
    // The implicit topic never asks for more replicas than there are brokers.
    replicationFactor: brokers === null ? replicationFactor : Math.min(replicationFactor, brokers),
    // With no overrides a topic config cannot fail: every key falls back to the broker's.
    config: configFor("topic", profile, {}, broker),
    source: null,
  };
}

function defaultReplicationFactor(broker: KafkaConfig<"broker">, brokers: number | null): number {
  if (broker.isSet("default.replication.factor")) return broker.number("default.replication.factor");
  return Math.min(3, brokers ?? 3);
}

function readTopic(
  r: Reader,
  item: Field,
  brokers: number | null,
  broker: KafkaConfig<"broker">,
  profile: Profile,
  known: Map<string, TopicShape>,
): TopicSpec | undefined {
  const entries = r.mapping(item, "a topic: a mapping {name, partitions, replication.factor, config}");
  if (entries === undefined) return undefined;
  r.knownKeys(entries, TOPIC_KEYS, "a topic", kafkaKeyAdvice("topic"));
  const name = readTopicName(r, entries, item, known);
  const partitions = read(r, r.entry(entries, item, "partitions"), wholeNumber("partitions", 1, MAX_PARTITIONS), broker.number("num.partitions"));
  const replicationFactor = readReplicationFactor(r, entries, item, brokers, broker);
  const config = readConfigBlock(r, r.entry(entries, item, "config"), "topic", profile, broker);
  if (name !== undefined) known.set(name, { partitions: partitions ?? null, replicationFactor: replicationFactor ?? null });
  if (name === undefined || partitions === undefined || replicationFactor === undefined) return undefined;
  return { name, partitions, replicationFactor, config, source: r.sourceOf(item) };
}

/** Kafka's rules for topic names (Topic.validate), plus: unique in the file, not internal. */
function readTopicName(r: Reader, entries: Map<string, Field>, item: Field, known: ReadonlyMap<string, TopicShape>): string | undefined {
  const field = r.entry(entries, item, "name");
  if (r.isEmpty(field)) return r.fail(item, "a topic needs a name");
  const name = r.scalarText(field);
  if (name === undefined) return r.fail(field, `expected a topic name, got ${r.describe(field)}`);
  if (name === "." || name === "..") return r.fail(field, `topic name ${JSON.stringify(name)} is illegal`);
  if (name.length > MAX_NAME_LENGTH) return r.fail(field, `a topic name has at most ${MAX_NAME_LENGTH} characters`);
  if (!LEGAL_NAME.test(name)) return r.fail(field, `topic name ${JSON.stringify(name)} is illegal: use letters, digits, '.', '_' and '-' only`);
  if (name.startsWith("__")) return r.fail(field, `topic names starting with __ are Kafka's internal topics (__consumer_offsets)`);
  if (known.has(name)) return r.fail(field, `topic ${name} is declared twice`);
  return name;
}

function readReplicationFactor(r: Reader, entries: Map<string, Field>, item: Field, brokers: number | null, broker: KafkaConfig<"broker">): number | undefined {
  const field = r.entry(entries, item, "replication.factor");
  const fallback = defaultReplicationFactor(broker, brokers);
  const rf = read(r, field, wholeNumber("replicas", 1, 1_000), fallback);
  if (rf === undefined || brokers === null || rf <= brokers) return rf;
  // Kafka's words: "Replication factor: 4 larger than available brokers: 3."
  const why = r.isEmpty(field) ? " (from cluster.config default.replication.factor)" : "";
  return r.fail(field.node === null ? item : field, `replication factor ${rf}${why} is larger than the number of brokers (${brokers})`);
}
