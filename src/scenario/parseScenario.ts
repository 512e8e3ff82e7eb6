import { LineCounter, parseDocument, type Document, type YAMLError } from "yaml";
import { seconds } from "../../sim/index.ts";
import {
  closestName,
  DEFAULT_PROFILE,
  describeProfiles,
  isProfile,
  PROFILE_BEHAVIOUR,
  PROFILES,
  type Profile,
} from "../protocol/config/index.ts";
import { readConsumers, readProducers } from "./clients.ts";
import { readCluster, readDisk, readNetwork } from "./cluster.ts";
import { kafkaKeyAdvice, nearKafkaKey, CONFIG_HOME } from "./configBlock.ts";
import { readExpectations } from "./expectations.ts";
import { readFaults } from "./faults.ts";
import { readHardware } from "./hardware.ts";
import { startDraws, type SeedDraws } from "./draws.ts";
import { describeFault, readSwarm } from "./swarm.ts";
import type { Variation } from "./variation.ts";
import { read, readDuration, text } from "./fields.ts";
import { Reader, type Field } from "./Reader.ts";
import { ScenarioError, sortErrors } from "./ScenarioError.ts";
import type { ClusterShape } from "./selectors.ts";
import { consumerNodeNames } from "./types.ts";
import { readTopics } from "./topics.ts";
import type { Scenario } from "./types.ts";

/**
 * Scenario text to a Scenario: YAML parsed with source positions, each section read and
 * checked (reporting every problem it can, each at its line and field), defaults filled,
 * Kafka config resolved for the profile. Never throws for bad input.
 */
export type ScenarioResult =
  | { readonly ok: true; readonly scenario: Scenario }
  | { readonly ok: false; readonly errors: readonly ScenarioError[] };

export const DEFAULT_DURATION_MICROS = seconds(30);
export const DEFAULT_SETTLE_MICROS = seconds(60);
export const MAX_DURATION_MICROS = seconds(24 * 3600);

export const SCENARIO_KEYS = [
  "name",
  "description",
  "profile",
  "duration",
  "settle",
  "cluster",
  "network",
  "disk",
  "hardware",
  "topics",
  "producers",
  "consumers",
  "faults",
  "swarm",
  "expect",
] as const;

/** Keys people reach for that live elsewhere. */
const MOVED: Readonly<Record<string, { problem: string; suggestion?: string }>> = {
  brokers: { problem: "the number of brokers is cluster.brokers" },
  ensemble: { problem: "the ensemble's size is cluster.ensemble" },
  seed: { problem: "the seed is not part of a scenario: give it on the command line (ksim run FILE --seed S)" },
  version: { problem: "the Kafka version is chosen by profile", suggestion: "profile" },
  kafka: { problem: "the Kafka version is chosen by profile", suggestion: "profile" },
};

/**
 * `seed`: draw the settings written as choices and the swarm's faults for that seed (see
 * draws.ts); without it each choice takes its first option and the swarm adds nothing.
 */
export function parseScenario(source: string, file: string, options: { readonly seed?: string } = {}): ScenarioResult {
  const { doc, lines } = parseYaml(source);
  if (doc.errors.length > 0) return { ok: false, errors: yamlErrors(file, source, doc.errors, lines) };
  const r = new Reader(file, source, doc, lines);
  const draws = startDraws(r, options.seed ?? null);
  const parsed = readScenario(r, file);
  const scenario = parsed === undefined || !draws.varies ? parsed : withVariation(parsed, source, draws);
  if (r.errors.length > 0 || scenario === undefined) return { ok: false, errors: sortErrors(r.errors) };
  return { ok: true, scenario };
}

interface ParsedYaml {
  readonly source: string;
  readonly doc: Document;
  readonly lines: LineCounter;
}

/**
 * The last text parsed, kept with its YAML tree: a fuzz or compare campaign resolves the
 * same text once per seed (only the draws differ), and parsing the YAML was about a
 * twentieth of a fuzz seed. Safe to share because reading a scenario never changes the tree.
 */
let lastYaml: ParsedYaml | null = null;

function parseYaml(source: string): ParsedYaml {
  if (lastYaml !== null && lastYaml.source === source) return lastYaml;
  const lines = new LineCounter();
  const doc = parseDocument(source, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  lastYaml = { source, doc, lines };
  return lastYaml;
}

function readScenario(r: Reader, file: string): Scenario | undefined {
  const root = r.root();
  const top = r.mapping(root, "a scenario: a mapping of keys such as name, duration, cluster, topics, producers, faults");
  if (top === undefined) return undefined;
  // Keys starting with x- are the author's own (a place for YAML anchors), as in docker-compose.
  for (const key of [...top.keys()]) if (key.startsWith("x-")) top.delete(key);
  r.knownKeys(top, SCENARIO_KEYS, "the scenario", topLevelAdvice);
  const at = (key: string): Field => r.entry(top, root, key);

  const profile = readProfile(r, at("profile"));
  const name = r.isEmpty(at("name")) ? nameFromFile(file) : (r.scalarText(at("name")) ?? r.fail(at("name"), `expected a name, got ${r.describe(at("name"))}`));
  const description = read(r, at("description"), text, "");
  const durationMicros = readDuration(r, at("duration"), DEFAULT_DURATION_MICROS, 1);
  const settleMicros = readDuration(r, at("settle"), DEFAULT_SETTLE_MICROS, 0);
  for (const [key, micros] of [["duration", durationMicros], ["settle", settleMicros]] as const) {
    if (micros !== undefined && micros > MAX_DURATION_MICROS) r.fail(at(key), "must be at most 24h of simulated time");
  }

  const cluster = readCluster(r, at("cluster"), profile);
  const hardware = readHardware(r, at("hardware"));
  const network = readNetwork(r, at("network"), hardware.network);
  const disk = readDisk(r, at("disk"), hardware.disk);
  const topicsPart = readTopics(r, at("topics"), cluster.brokers, cluster.config, profile);
  const producers = readProducers(r, at("producers"), topicsPart, profile);
  const consumers = readConsumers(r, at("consumers"), topicsPart, profile);
  const clients = new Set<string>([
    ...consumers.flatMap((c) => consumerNodeNames(c)),
    ...producers.flatMap((p) => (p.count === 1 ? [p.name] : Array.from({ length: p.count }, (_, i) => `${p.name}-${i + 1}`))),
  ]);
  const shape: ClusterShape = {
    brokers: cluster.brokers,
    ensemble: cluster.ensemble,
    topics: topicsPart.known,
    clients,
  };
  const fixedFaults = readFaults(r, at("faults"), shape, durationMicros ?? null);
  const swarm = readSwarm(r, at("swarm"), shape, durationMicros ?? null);
  // The seed's swarm faults after the fixed ones; the run schedules all of them by time.
  const faults = [...fixedFaults, ...swarm.faults];
  const expect = readExpectations(r, at("expect"));

  if (name === undefined || description === undefined || durationMicros === undefined || settleMicros === undefined) return undefined;
  if (cluster.brokers === null || cluster.ensemble === null) return undefined;
  return {
    file,
    name,
    description,
    profile,
    behaviour: PROFILE_BEHAVIOUR[profile],
    durationMicros,
    settleMicros,
    cluster: {
      brokers: cluster.brokers,
      ensemble: cluster.ensemble,
      brokerNodes: Array.from({ length: cluster.brokers }, (_, i) => `broker-${i + 1}`),
      ensembleNodes: Array.from({ length: cluster.ensemble }, (_, i) => `zk-${i + 1}`),
      config: cluster.config,
    },
    network,
    disk,
    ...(hardware.spec.profile === null ? {} : { hardware: hardware.spec }),
    topics: topicsPart.topics,
    producers,
    consumers,
    faults,
    expect,
  };
}

/** The scenario with what its seed drew, for resolving it again with another seed and for reports. */
function withVariation(scenario: Scenario, source: string, draws: SeedDraws): Scenario {
  const variation: Variation = {
    source,
    seed: draws.seed,
    settings: Object.fromEntries(draws.settings),
    swarm: draws.swarm,
    swarmFaults: draws.swarmFaults.map(describeFault),
  };
  return { ...scenario, variation };
}

function topLevelAdvice(key: string): { problem: string; suggestion?: string } | undefined {
  if (Object.hasOwn(MOVED, key)) return MOVED[key];
  const kafka = kafkaKeyAdvice()(key);
  if (kafka !== undefined) return kafka;
  if (closestName(key, SCENARIO_KEYS) !== undefined) return undefined;
  const near = nearKafkaKey(key);
  if (near === undefined) return undefined;
  return {
    problem: `unknown key; if you meant the ${near.scope} key ${near.key}, Kafka keys go in a config block: ${CONFIG_HOME[near.scope]}`,
    suggestion: near.key,
  };
}

/** `profile:` as written, so that `0.10` (which YAML reads as the number 0.1) is the profile "0.10". */
function readProfile(r: Reader, field: Field): Profile {
  if (r.isEmpty(field)) return DEFAULT_PROFILE;
  const given = r.scalarText(field);
  if (given !== undefined && isProfile(given)) return given;
  const shown = given === undefined ? r.describe(field) : JSON.stringify(given);
  const near = given === undefined ? undefined : nearestProfile(given);
  r.fail(field, `unknown profile ${shown}; expected one of ${describeProfiles()}`, near);
  return DEFAULT_PROFILE;
}

/** "3.5" → "3.x", "2.0" → "2.1", "0.9" → "0.10": the profile covering a Kafka version, else a typo's nearest. */
function nearestProfile(given: string): Profile | undefined {
  const version = /^(\d+)\.(\d+)/.exec(given);
  if (version !== null) {
    const [major, minor] = [Number(version[1]), Number(version[2])];
    if (major >= 3) return "3.x";
    if (major === 2) return "2.1";
    if (major === 1 || (major === 0 && minor >= 11)) return "0.11";
    if (major === 0 && minor >= 8) return "0.10";
  }
  return closestName(given, PROFILES) as Profile | undefined;
}

function nameFromFile(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? file;
  return base.replace(/\.ya?ml$/i, "") || "scenario";
}

/** YAML syntax errors, each at its line, with advice for the usual slips. */
function yamlErrors(file: string, source: string, errors: readonly YAMLError[], lines: LineCounter): ScenarioError[] {
  return errors.map((error) => {
    const { line, col } = lines.linePos(error.pos[0]);
    const text = source.split("\n")[line - 1] ?? "";
    return new ScenarioError(file, line, col, "", `not valid YAML: ${yamlProblem(error, text)}`);
  });
}

function yamlProblem(error: YAMLError, lineText: string): string {
  if (error.code === "DUPLICATE_KEY") return "a key appears twice in the same mapping";
  if (/:\s*>=?\s*\d/.test(lineText)) return `${error.message}; a condition starting with > must be quoted, like ">0"`;
  if (/\t/.test(lineText) && error.code === "TAB_AS_INDENT") return `${error.message}; indent with spaces, not tabs`;
  return error.message;
}
