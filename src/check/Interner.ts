/** How many of the names interned last are kept at hand (consumer group members, producers, partitions' topics alternate). */
const RECENT = 4;

/**
 * Strings to small integer ids, ids given in order of first appearance so that the same
 * recorded operations always give the same ids (and the same exported history).
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly names: string[] = [];

  /**
   * The last few names interned and their ids, looked at before the Map: a run records a
   * few members' or producers' operations in turn (one name in a row missed as often as not).
   */
  private readonly recentNames: (string | null)[] = new Array<string | null>(RECENT).fill(null);
  private readonly recentIds: number[] = new Array<number>(RECENT).fill(-1);
  private nextRecent = 0;

  intern(name: string): number {
    const recentNames = this.recentNames;
    for (let i = 0; i < RECENT; i++) if (recentNames[i] === name) return this.recentIds[i]!;
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.names.length;
      this.ids.set(name, id);
      this.names.push(name);
    }
    const slot = this.nextRecent;
    recentNames[slot] = name;
    this.recentIds[slot] = id;
    this.nextRecent = (slot + 1) % RECENT;
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
