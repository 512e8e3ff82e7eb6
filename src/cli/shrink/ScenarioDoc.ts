import { isScalar, isSeq, parseDocument, visit, type Document } from "yaml";

type Path = readonly (string | number)[];

/**
 * A scenario file as a YAML document, edited where it stands: shrinking removes list items
 * and rewrites scalars in the document rather than re-serializing a resolved Scenario, so
 * the minimal file keeps the author's comments, key order, flow style and spelling (a
 * missing key stays missing and keeps meaning its default).
 */
export class ScenarioDoc {
  private constructor(private readonly doc: Document) {}

  /** null when the text is not a single clean YAML document (the loader says why). */
  static parse(text: string): ScenarioDoc | null {
    const doc = parseDocument(text, { uniqueKeys: true });
    return doc.errors.length > 0 ? null : new ScenarioDoc(doc);
  }

  clone(): ScenarioDoc {
    return new ScenarioDoc(this.doc.clone());
  }

  /** The file's text; throws if an edit left the document unprintable (an alias to a removed anchor). */
  text(): string {
    return this.doc.toString({ flowCollectionPadding: false });
  }

  has(path: Path): boolean {
    return this.doc.hasIn(path);
  }

  /** A value as plain data (numbers, strings, arrays, objects), undefined when absent. */
  value(path: Path): unknown {
    const node = this.doc.getIn(path, true) as { toJSON?: () => unknown } | undefined;
    return node === undefined || node === null ? undefined : typeof node.toJSON === "function" ? node.toJSON() : node;
  }

  /** How many items the list at `path` holds; 0 when absent or not a list. */
  length(path: Path): number {
    const node = this.doc.getIn(path, true);
    return isSeq(node) ? node.items.length : 0;
  }

  /**
   * Rewrites a scalar in place (keeping its comment unless `dropComment`), or puts a scalar
   * where the key was absent or held a list.
   */
  set(path: Path, value: string | number | boolean | null, dropComment = false): void {
    const node = this.doc.getIn(path, true);
    if (isScalar(node)) node.value = value;
    else this.doc.setIn(path, value);
    const scalar = this.doc.getIn(path, true);
    if (dropComment && isScalar(scalar)) scalar.comment = null;
  }

  /** Adds `value` (plain data, written in flow style) at the end of the list at `path`, making the list if absent. */
  append(path: Path, value: unknown): void {
    const node = this.doc.createNode(value, { flow: true });
    if (isSeq(this.doc.getIn(path, true))) this.doc.addIn(path, node);
    else this.doc.setIn(path, this.doc.createNode([node]));
  }

  delete(path: Path): void {
    this.doc.deleteIn(path);
  }

  /**
   * Removes the items at `indices` from the list at `path`. An emptied list is removed with
   * its key unless `keepEmpty` (for `producers: []`, whose absence would mean a default producer).
   */
  removeItems(path: Path, indices: Iterable<number>, keepEmpty = false): void {
    for (const i of [...new Set(indices)].sort((a, b) => b - a)) this.doc.deleteIn([...path, i]);
    if (this.length(path) === 0 && !keepEmpty) this.doc.deleteIn(path);
  }

  /** Rewrites every string scalar under `path` that `rename` maps to something else. */
  renameScalars(path: Path, rename: (text: string) => string): void {
    const node = this.doc.getIn(path, true);
    if (node === undefined || node === null) return;
    visit(node as Parameters<typeof visit>[0], {
      Scalar(_, scalar) {
        if (typeof scalar.value === "string") scalar.value = rename(scalar.value);
      },
    });
  }

  /** Every string scalar under `path`, in document order. */
  strings(path: Path): string[] {
    const found: string[] = [];
    const node = this.doc.getIn(path, true);
    if (node === undefined || node === null) return found;
    visit(node as Parameters<typeof visit>[0], {
      Scalar(_, scalar) {
        if (typeof scalar.value === "string") found.push(scalar.value);
      },
    });
    return found;
  }

  /** Puts `lines` first in the file, above the author's own leading comment. */
  prependComment(lines: readonly string[]): void {
    const header = lines.map((line) => ` ${line}`).join("\n");
    const existing = this.doc.commentBefore;
    this.doc.commentBefore = existing ? `${header}\n\n${existing}` : header;
  }
}
