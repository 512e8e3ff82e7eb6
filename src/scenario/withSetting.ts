import { isAlias, isScalar, isSeq, parseDocument, type Document } from "yaml";
import {
  closestName,
  CONFIG_SCOPES,
  configKeys,
  counterpartOf,
  describeProfiles,
  didYouMean,
  isProfile,
  parseConfigValue,
  scopesOf,
  type ConfigScope,
} from "../protocol/config/index.ts";
import { parseScenario } from "./parseScenario.ts";
import { DEFAULT_TOPIC } from "./topics.ts";
import type { Scenario } from "./types.ts";

/** One setting as `ksim compare --vary KEY=V1,V2` gives it: a key and one value, as text. */
export interface Setting {
  readonly key: string;
  readonly value: string;
}

/** The keys that are not Kafka config keys: the topics' shape and the version profile. */
export const SHAPE_KEYS = ["partitions", "replication.factor"] as const;
export const SETTING_KEYS = [...SHAPE_KEYS, "profile"] as const;

/**
 * What a key changes in a scenario file, where Kafka applies it:
 * - a broker key: `cluster.config` (every broker's server.properties);
 * - a topic key that is also a broker key (`min.insync.replicas`): `cluster.config`, and each
 *   topic that overrides it (else that topic's override would hide the change);
 * - a topic-only key (`retention.ms`, `cleanup.policy`): every topic's config;
 * - a producer key: every producer's config; a consumer key: every consumer's;
 * - `partitions`, `replication.factor`: every topic; `profile`: the file's profile.
 */
export type SettingPlace =
  | { readonly kind: "profile" }
  | { readonly kind: "shape"; readonly field: (typeof SHAPE_KEYS)[number] }
  | { readonly kind: "config"; readonly scopes: readonly ConfigScope[] };

/** Where a key applies, or why it is not a key (with the nearest one). */
export function settingPlace(key: string): { ok: true; place: SettingPlace } | { ok: false; problem: string; suggestion?: string } {
  if (key === "profile") return { ok: true, place: { kind: "profile" } };
  if ((SHAPE_KEYS as readonly string[]).includes(key)) return { ok: true, place: { kind: "shape", field: key as (typeof SHAPE_KEYS)[number] } };
  const scopes = scopesOf(key);
  if (scopes.length > 0) return { ok: true, place: { kind: "config", scopes } };
  const everyKey = [...SETTING_KEYS, ...CONFIG_SCOPES.flatMap((s) => configKeys(s))];
  return { ok: false, problem: `unknown key ${key}: not a Kafka broker, topic, producer or consumer key, nor one of ${SETTING_KEYS.join(", ")}`, suggestion: closestName(key, everyKey) };
}

/** Checks one value of a key as the loader would parse it; the problem, or null. */
export function settingValueProblem(key: string, value: string): string | null {
  const where = settingPlace(key);
  if (!where.ok) return `${where.problem}${didYouMean(where.suggestion)}`;
  const { place } = where;
  if (place.kind === "profile") return isProfile(value) ? null : `unknown profile ${JSON.stringify(value)}; expected one of ${describeProfiles()}`;
  if (place.kind === "shape") return /^[1-9]\d*$/.test(value) ? null : `${key} must be a whole number of at least 1, got ${JSON.stringify(value)}`;
  for (const scope of place.scopes) {
    const parsed = parseConfigValue(scope, key, value);
    if (!parsed.ok) return parsed.error.detail;
  }
  return null;
}

export type WithSettingsResult = { readonly ok: true; readonly scenario: Scenario } | { readonly ok: false; readonly problems: readonly string[] };

/**
 * The scenario file's text with settings applied, loaded again by the loader: each value
 * is parsed and checked exactly as if the file said it (a value the registry refuses, a
 * replication factor above the broker count, idempotence that conflicts with acks=1 set in
 * the file). The edit is made in the YAML document, so everything else in the file stays
 * as written, and a range the file gives for the key is replaced by the value.
 */
export function withSettings(source: string, file: string, settings: readonly Setting[]): WithSettingsResult {
  const doc = parseDocument(source, { uniqueKeys: true });
  if (doc.errors.length > 0) {
    const original = parseScenario(source, file);
    return { ok: false, problems: original.ok ? ["the file is not valid YAML"] : original.errors.map((e) => e.message) };
  }
  const problems: string[] = [];
  for (const s of settings) {
    const problem = settingValueProblem(s.key, s.value) ?? apply(doc, s);
    if (problem !== null) problems.push(`${s.key}=${s.value}: ${problem}`);
  }
  if (problems.length > 0) return { ok: false, problems };
  const result = parseScenario(doc.toString({ lineWidth: 0 }), file);
  // Line numbers would point into the edited text, not the user's file: name the field instead.
  if (!result.ok) return { ok: false, problems: result.errors.map((e) => `${e.field === "" ? "" : `${e.field}: `}${e.problem}`) };
  return result;
}

/** Applies one checked setting to the document; a problem when the file gives it nowhere to go. */
function apply(doc: Document, s: Setting): string | null {
  const where = settingPlace(s.key);
  if (!where.ok) return where.problem;
  const { place } = where;
  if (place.kind === "profile") {
    doc.set("profile", s.value);
    return null;
  }
  if (place.kind === "shape") {
    for (const i of topicIndices(doc)) setIn(doc, ["topics", i, place.field], Number(s.value));
    return null;
  }
  let applied = false;
  for (const scope of place.scopes) {
    const paths = configPaths(doc, scope, s.key, place.scopes);
    for (const path of paths) setIn(doc, [...path, s.key], s.value);
    applied ||= paths.length > 0;
  }
  if (!applied) return `the scenario has no ${place.scopes.filter((p) => p === "producer" || p === "consumer").join(" or ")}s for it to apply to`;
  return null;
}

/** The config blocks a key of `scope` goes into (see SettingPlace). */
function configPaths(doc: Document, scope: ConfigScope, key: string, scopes: readonly ConfigScope[]): (string | number)[][] {
  switch (scope) {
    case "broker":
      return [["cluster", "config"]];
    case "topic": {
      const indices = topicIndices(doc);
      // With a broker key of the same name the cluster carries it; a topic's own override must follow.
      if (scopes.includes("broker") && counterpartOf("topic", key)?.key === key) {
        return indices.filter((i) => doc.hasIn(["topics", i, "config", key])).map((i) => ["topics", i, "config"]);
      }
      return indices.map((i) => ["topics", i, "config"]);
    }
    case "producer":
      return itemsOf(doc, "producers").map((i) => ["producers", i, "config"]);
    case "consumer":
      return itemsOf(doc, "consumers").map((i) => ["consumers", i, "config"]);
  }
}

/** The topics' indices; a file without `topics:` gets its implicit topic written out, so it can change. */
function topicIndices(doc: Document): number[] {
  if (!doc.has("topics")) doc.set("topics", doc.createNode([{ name: DEFAULT_TOPIC }], { flow: true }));
  return itemsOf(doc, "topics");
}

function itemsOf(doc: Document, key: string): number[] {
  const list = doc.get(key, true);
  return isSeq(list) ? list.items.map((_, i) => i) : [];
}

/**
 * Sets a value at a path, replacing a scalar in place (keeping its comment) and creating
 * the mappings on the way. An alias on the way is replaced by a copy of what it points to,
 * so the change stays in this item and does not leak to the others sharing the anchor.
 */
function setIn(doc: Document, path: readonly (string | number)[], value: string | number): void {
  for (let depth = 1; depth < path.length; depth++) {
    const node = doc.getIn(path.slice(0, depth), true);
    if (isAlias(node)) doc.setIn(path.slice(0, depth), node.resolve(doc)?.clone());
  }
  const existing = doc.getIn(path, true);
  if (isScalar(existing)) existing.value = value;
  else doc.setIn(path, value);
}
