/**
 * Strings to small integer ids, ids given in order of first appearance so that the same
 * recorded operations always give the same ids (and the same exported history).
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  /** The last name interned and its id: a run records one process's and one topic's operations in runs. */
  private lastName: string | null = null;
  private lastId = -1;

  intern(name: string): number {
    if (name === this.lastName) return this.lastId;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    this.lastName = name;
    this.lastId = id;
    return id;
  }

  name(id: number): string {
    return this.names[id]!;
  }

  get size(): number {
    return this.names.length;
  }

  all(): readonly string[] {
    return this.names;
  }
}
