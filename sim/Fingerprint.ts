/**
 * A 64-bit running hash of everything that happens in a run. Two 32-bit lanes mixed with
 * Math.imul (no BigInt on the hot path). The same scenario and seed fold the same words
 * in the same order, so the fingerprint is the run's identity: any divergence shows.
 */
export class Fingerprint {
  private hi = 0x6a09e667 | 0;
  private lo = 0xbb67ae85 | 0;
  private count = 0;
  private readonly nameHashes = new Map<string, number>();

  /** Folds one 32-bit word (or the low and high parts of a safe integer). */
  fold(word: number): void {
    let lo = this.lo ^ (word | 0);
    lo = Math.imul(lo, 0x9e3779b1);
    lo ^= lo >>> 15;
    let hi = this.hi ^ Math.imul(lo ^ (word >>> 16), 0x85ebca77);
    hi = Math.imul(hi ^ (hi >>> 13), 0xc2b2ae3d);
    this.lo = lo ^ (hi >>> 7);
    this.hi = hi ^ (lo << 5);
    this.count++;
  }

  /** Folds an integer up to 2^53 as two words. */
  foldInteger(n: number): void {
    this.fold(n >>> 0);
    this.fold(Math.floor(n / 4294967296) >>> 0);
  }

  foldString(s: string): void {
    this.fold(hashString(s));
  }

  /**
   * The same as foldString for a string from a small set (message types, event kinds):
   * its hash is computed once and looked up after, since every delivery folds one.
   */
  foldName(s: string): void {
    let h = this.nameHashes.get(s);
    if (h === undefined) this.nameHashes.set(s, (h = hashString(s)));
    this.fold(h);
  }

  get words(): number {
    return this.count;
  }

  /** 16 hex digits. */
  toString(): string {
    return hex8(this.hi) + hex8(this.lo);
  }
}

function hex8(n: number): string {
  return (n >>> 0).toString(16).padStart(8, "0");
}

/** FNV-1a over UTF-16 code units, 32 bits. Stable across machines (no locale, no Map order). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
