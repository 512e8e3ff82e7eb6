import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { closestName } from "../protocol/config/index.ts";
import { ScenarioError } from "./ScenarioError.ts";
import type { SourceRef } from "./types.ts";

/**
 * A place in the scenario file: the field's path (`topics[0].config.retention.ms`), its
 * value's YAML node (null when the key is absent or has no value), and the offsets to
 * point at for a problem with the value or with the key.
 */
export interface Field {
  readonly path: string;
  readonly node: YamlNode | null;
  /** Where the value is, or (no value) where its key or its parent is. */
  readonly offset: number;
  /** Where the key is, for unknown and misplaced keys. */
  readonly keyOffset: number;
}

/** What to say about an unknown key beyond "did you mean": where it belongs. */
export type KeyAdvice = (key: string) => { problem: string; suggestion?: string } | undefined;

/**
 * Walks a parsed YAML document and collects ScenarioErrors with their positions. Every
 * accessor reports what is wrong and returns undefined (or null) instead of throwing, so
 * one pass finds every problem it can.
 */
export class Reader {
  readonly errors: ScenarioError[] = [];

  constructor(
    readonly file: string,
    private readonly text: string,
    private readonly doc: Document,
    private readonly lines: LineCounter,
  ) {}

  root(): Field {
    const node = this.resolve(this.doc.contents as YamlNode | null);
    return { path: "", node, offset: node?.range?.[0] ?? 0, keyOffset: 0 };
  }

  /** A problem with the field's value. */
  fail(field: Field, problem: string, suggestion?: string): undefined {
    this.errorAt(field.offset, field.path, problem, suggestion);
    return undefined;
  }

  /** A problem with the field's key (unknown, misplaced). */
  failKey(field: Field, problem: string, suggestion?: string): undefined {
    this.errorAt(field.keyOffset, field.path, problem, suggestion);
    return undefined;
  }

  errorAt(offset: number, path: string, problem: string, suggestion?: string): void {
    const { line, col } = this.lines.linePos(offset);
    this.errors.push(new ScenarioError(this.file, line, col, path, problem, suggestion));
  }

  sourceOf(field: Field): SourceRef {
    const { line, col } = this.lines.linePos(field.offset);
    return { line, column: col, field: field.path };
  }

  /** True when the field has no value (absent, `key:` alone, or `~`/null). */
  isEmpty(field: Field): boolean {
    return field.node === null || (isScalar(field.node) && field.node.value === null);
  }

  /** The plain JavaScript value of the field (scalars as YAML typed them). */
  value(field: Field): unknown {
    if (field.node === null) return undefined;
    if (isScalar(field.node)) return field.node.value;
    try {
      return field.node.toJS(this.doc);
    } catch (error) {
      // yaml refuses alias chains that expand beyond its limit (a "billion laughs" file).
      if (!(error instanceof ReferenceError)) throw error;
      return this.fail(field, `the value expands too far through aliases: ${error.message}`);
    }
  }

  /**
   * A scalar's text as written, so `profile: 0.10` stays "0.10" (YAML reads 0.1) and a
   * name `007` keeps its zeros; quoted strings give their value.
   */
  scalarText(field: Field): string | undefined {
    const node = field.node;
    if (node === null || !isScalar(node)) return undefined;
    if (typeof node.value === "string") return node.value;
    if (node.value === null || node.range === undefined || node.range === null) return undefined;
    return this.text.slice(node.range[0], node.range[1]).trim();
  }

  /**
   * The entries of a mapping by key, in file order. An empty value counts as an empty
   * mapping; anything else reports `expected` and gives undefined.
   */
  mapping(field: Field, expected: string): Map<string, Field> | undefined {
    const entries = new Map<string, Field>();
    if (this.isEmpty(field)) return entries;
    if (!isMap(field.node)) return this.fail(field, `expected ${expected}, got ${this.describe(field)}`);
    for (const pair of field.node.items) {
      const keyNode = pair.key as YamlNode | null;
      const keyOffset = keyNode?.range?.[0] ?? field.offset;
      const key = isScalar(keyNode) && keyNode.value !== null && typeof keyNode.value !== "object" ? String(keyNode.value) : undefined;
      if (key === undefined) {
        this.errorAt(keyOffset, field.path, "expected a plain key (a name), got a complex or empty key");
        continue;
      }
      const node = this.resolve(pair.value as YamlNode | null);
      const path = field.path === "" ? key : `${field.path}.${key}`;
      entries.set(key, { path, node, offset: node?.range?.[0] ?? keyOffset, keyOffset });
    }
    return entries;
  }

  /** The items of a list. An empty value counts as an empty list. */
  list(field: Field, expected: string): Field[] | undefined {
    if (this.isEmpty(field)) return [];
    if (!isSeq(field.node)) return this.fail(field, `expected ${expected}, got ${this.describe(field)}`);
    return field.node.items.map((item, index) => {
      const node = this.resolve(item as YamlNode | null);
      const offset = node?.range?.[0] ?? field.offset;
      return { path: `${field.path}[${index}]`, node, offset, keyOffset: offset };
    });
  }

  /** The field named `key` of a mapping, or an absent field pointing at the mapping itself. */
  entry(entries: Map<string, Field>, parent: Field, key: string): Field {
    return entries.get(key) ?? { path: parent.path === "" ? key : `${parent.path}.${key}`, node: null, offset: parent.offset, keyOffset: parent.offset };
  }

  /**
   * Reports each key not in `allowed`, with a suggestion among them, or with `advice`
   * where a key belongs elsewhere (a Kafka key outside a config block). True if all known.
   */
  knownKeys(entries: Map<string, Field>, allowed: readonly string[], where: string, advice?: KeyAdvice): boolean {
    let allKnown = true;
    for (const [key, field] of entries) {
      if (allowed.includes(key)) continue;
      allKnown = false;
      const said = advice?.(key);
      if (said !== undefined) this.failKey(field, said.problem, said.suggestion);
      else this.failKey(field, `unknown key in ${where}; expected one of: ${allowed.join(", ")}`, closestName(key, allowed));
    }
    return allKnown;
  }

  /** Validates the field's value with a zod schema; reports the first issue's message at the field. */
  check<T>(field: Field, schema: z.ZodType<T>): T | undefined {
    const result = schema.safeParse(this.value(field));
    if (result.success) return result.data;
    return this.fail(field, result.error.issues[0]?.message ?? "invalid value");
  }

  /** `a list`, `a mapping`, `"text"`, `5`, `nothing`: what a value is, for messages. */
  describe(field: Field): string {
    const node = field.node;
    if (node === null) return "nothing";
    if (isMap(node)) return "a mapping";
    if (isSeq(node)) return "a list";
    if (isScalar(node)) {
      if (node.value === null) return "nothing";
      return typeof node.value === "string" ? JSON.stringify(node.value) : (this.scalarText(field) ?? String(node.value));
    }
    return "a value";
  }

  /** The node an alias stands for (aliases may point at aliases); an unknown anchor is reported. */
  private resolve(node: YamlNode | null | undefined): YamlNode | null {
    let current = node ?? null;
    for (let hops = 0; current !== null && isAlias(current); hops++) {
      const target = hops < 64 ? (current.resolve(this.doc) as YamlNode | undefined) : undefined;
      if (target === undefined) {
        this.errorAt(current.range?.[0] ?? 0, "", `alias *${current.source} refers to no anchor (&${current.source}) before it`);
        return null;
      }
      current = target;
    }
    return current;
  }
}
