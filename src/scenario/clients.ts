import { z } from "zod";
import { closestName, defaultConfig, type Profile } from "../protocol/config/index.ts";
import { kafkaKeyAdvice, readConfigBlock } from "./configBlock.ts";
import { flag, positiveNumber, read, readDuration, text, wholeNumber } from "./fields.ts";
import { readProducerKeys } from "./producerKeys.ts";
import { UNIFORM_KEYS } from "../workload/KeyDistribution.ts";
import type { Field, Reader } from "./Reader.ts";
import { COMMIT_MODES, type CommitMode, type ConsumerSpec, type ProducerSpec, type TopicSpec } from "./types.ts";

/**
 * `producers:` and `consumers:`. Without `producers:`, one producer at 1000 records/s of
 * 100 bytes, keyless, on the first topic; `producers: []` means none. Without
 * `consumers:`, none (the loss count reads the final logs, not a consumer).
 */
export const DEFAULT_RATE_PER_SEC = 1_000;
export const DEFAULT_MESSAGE_BYTES = 100;
const MAX_RATE_PER_SEC = 10_000_000;
const MAX_CLIENTS = 1_000;
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;
const PRODUCER_KEYS = ["name", "topic", "count", "rate", "poisson", "message.size", "keys", "config"] as const;
const CONSUMER_KEYS = ["name", "topic", "count", "partitions", "processing", "commit", "start", "stop", "config"] as const;

/** What producers and consumers are checked against: the valid topics, and every topic named (null: unreadable list). */
export interface TopicsView {
  readonly topics: readonly TopicSpec[];
  readonly known: ReadonlyMap<string, unknown> | null;
}

export function readProducers(r: Reader, field: Field, view: TopicsView, profile: Profile): ProducerSpec[] {
  if (field.node === null) {
    const first = view.topics[0];
    return first === undefined ? [] : [defaultProducer(first.name, profile)];
  }
  const items = r.list(field, "a list of producers, like [{topic: orders, rate: 1000}]") ?? [];
  const producers: ProducerSpec[] = [];
  items.forEach((item, index) => {
    const producer = readProducer(r, item, index, view, profile);
    if (producer === undefined) return;
    if (producers.some((p) => p.name === producer.name)) r.fail(item, `two producers are named ${producer.name}`);
    else producers.push(producer);
  });
  return producers;
}

function defaultProducer(topic: string, profile: Profile): ProducerSpec {
  const config = defaultConfig("producer", profile);
  return { name: "producer-1", topic, count: 1, ratePerSec: DEFAULT_RATE_PER_SEC, poisson: false, messageSizeBytes: DEFAULT_MESSAGE_BYTES, keys: null, keyDistribution: UNIFORM_KEYS, config, source: null };
}

function readProducer(r: Reader, item: Field, index: number, view: TopicsView, profile: Profile): ProducerSpec | undefined {
  const entries = r.mapping(item, "a producer: a mapping {topic, count, rate, message.size, keys, config}");
  if (entries === undefined) return undefined;
  r.knownKeys(entries, PRODUCER_KEYS, "a producer", kafkaKeyAdvice("producer"));
  const at = (key: string): Field => r.entry(entries, item, key);
  const name = read(r, at("name"), text, `producer-${index + 1}`);
  const topic = readTopicRef(r, at("topic"), view);
  const count = read(r, at("count"), wholeNumber("producers", 1, MAX_CLIENTS), 1);
  // `rate: max`: as fast as the producer accepts (a closed loop held back by buffer.memory), as Infinity.
  const ratePerSec = r.scalarText(at("rate")) === "max" ? Infinity : read(r, at("rate"), positiveNumber("records per second (or max)", 0, MAX_RATE_PER_SEC), DEFAULT_RATE_PER_SEC);
  const poisson = read(r, at("poisson"), flag, false);
  const messageSizeBytes = read(r, at("message.size"), wholeNumber("bytes", 1, MAX_MESSAGE_BYTES), DEFAULT_MESSAGE_BYTES);
  const keys = readProducerKeys(r, at("keys"));
  const config = readConfigBlock(r, at("config"), "producer", profile);
  if (name === undefined || topic === undefined || count === undefined || ratePerSec === undefined) return undefined;
  if (poisson === undefined || messageSizeBytes === undefined || keys === undefined) return undefined;
  return { name, topic: topic.name, count, ratePerSec, poisson, messageSizeBytes, keys: keys.count, keyDistribution: keys.distribution, config, source: r.sourceOf(item) };
}

export function readConsumers(r: Reader, field: Field, view: TopicsView, profile: Profile): ConsumerSpec[] {
  const items = r.list(field, "a list of consumers, like [{topic: orders}]") ?? [];
  const consumers: ConsumerSpec[] = [];
  items.forEach((item, index) => {
    const consumer = readConsumer(r, item, index, view, profile);
    if (consumer === undefined) return;
    if (consumers.some((c) => c.name === consumer.name)) r.fail(item, `two consumers are named ${consumer.name}`);
    else consumers.push(consumer);
  });
  return consumers;
}

function readConsumer(r: Reader, item: Field, index: number, view: TopicsView, profile: Profile): ConsumerSpec | undefined {
  const entries = r.mapping(item, "a consumer: a mapping {topic, count, processing, commit, config}");
  if (entries === undefined) return undefined;
  r.knownKeys(entries, CONSUMER_KEYS, "a consumer", kafkaKeyAdvice("consumer"));
  const at = (key: string): Field => r.entry(entries, item, key);
  const name = read(r, at("name"), text, `consumer-${index + 1}`);
  const topic = readTopicRef(r, at("topic"), view);
  const count = read(r, at("count"), wholeNumber("consumers", 1, MAX_CLIENTS), 1);
  const config = readConfigBlock(r, at("config"), "consumer", profile);
  const group = config === undefined ? null : ((config.get("group.id") as string | null) ?? null);
  const partitions = topic === undefined ? undefined : readPartitionList(r, at("partitions"), topic);
  if (group !== null && !r.isEmpty(at("partitions"))) r.fail(at("partitions"), "a group member gets its partitions from the group; partitions: is for a consumer without group.id");
  const processingMicros = r.isEmpty(at("processing")) ? 0 : readDuration(r, at("processing"), 0);
  const commitDefault: CommitMode = config !== undefined && config.boolean("enable.auto.commit") ? "auto" : "after-processing";
  const commit = readCommitMode(r, at("commit"), commitDefault, group);
  const startMicros = r.isEmpty(at("start")) ? 0 : readDuration(r, at("start"), 0);
  const stopMicros = r.isEmpty(at("stop")) ? null : readDuration(r, at("stop"), 0);
  if (name === undefined || topic === undefined || partitions === undefined || config === undefined) return undefined;
  if (count === undefined || processingMicros === undefined || commit === undefined || startMicros === undefined || stopMicros === undefined) return undefined;
  if (stopMicros !== null && stopMicros <= startMicros) return r.fail(at("stop"), "stop must come after start");
  return { name, topic: topic.name, count, group, partitions, processingMicros, commit, startMicros, stopMicros, config, source: r.sourceOf(item) };
}

function readCommitMode(r: Reader, field: Field, fallback: CommitMode, group: string | null): CommitMode | undefined {
  if (r.isEmpty(field)) return fallback;
  const value = r.scalarText(field);
  if (value === undefined || !(COMMIT_MODES as readonly string[]).includes(value)) {
    return r.fail(field, `expected one of ${COMMIT_MODES.join(", ")}, got ${r.describe(field)}`, value === undefined ? undefined : closestName(value, COMMIT_MODES));
  }
  if (group === null) return r.fail(field, "only a group member (config group.id) commits offsets");
  return value as CommitMode;
}

/**
 * A topic a client names: one of the scenario's, with a suggestion if misspelt; the
 * first topic when absent. A stand-in when the topics list was unreadable.
 */
function readTopicRef(r: Reader, field: Field, view: TopicsView): TopicSpec | undefined {
  const first = view.topics[0];
  if (r.isEmpty(field)) return first ?? (view.known?.size === 0 ? r.fail(field, "no topic to use: declare one under topics") : undefined);
  const name = r.scalarText(field);
  if (name === undefined) return r.fail(field, `expected a topic name, got ${r.describe(field)}`);
  const topic = view.topics.find((t) => t.name === name);
  if (topic !== undefined) return topic;
  // An invalid topic has its own error already; an unreadable list cannot be checked against.
  if (view.known === null || view.known.has(name)) return undefined;
  const names = [...view.known.keys()];
  return r.fail(field, `no topic ${JSON.stringify(name)} in this scenario (topics: ${names.join(", ") || "none"})`, closestName(name, names));
}

/** The partitions a consumer is assigned: all of the topic's unless listed. */
function readPartitionList(r: Reader, field: Field, topic: TopicSpec): number[] | undefined {
  const all = Array.from({ length: topic.partitions }, (_, p) => p);
  if (r.isEmpty(field)) return all;
  const items = r.list(field, "a list of partition numbers, like [0, 1]");
  if (items === undefined) return undefined;
  const range = topic.partitions === 1 ? "only partition 0" : `partitions 0 to ${topic.partitions - 1}`;
  const partition = z.int({ error: () => `expected a partition number of topic ${topic.name} (${range})` }).min(0, { error: (issue) => `partition numbers start at 0, got ${String(issue.input)}` }).max(topic.partitions - 1, {
    error: (issue) => `topic ${topic.name} has ${range}; there is no partition ${String(issue.input)}`,
  });
  const partitions: number[] = [];
  for (const item of items) {
    const p = r.check(item, partition);
    if (p === undefined) continue;
    if (partitions.includes(p)) r.fail(item, `partition ${p} is listed twice`);
    else partitions.push(p);
  }
  return partitions.length === items.length ? partitions : undefined;
}
