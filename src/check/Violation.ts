/** One instance of a violated invariant, with what a user needs to find it in the trace. */
export interface ViolationExample {
  readonly atMicros: number;
  readonly topic?: string;
  readonly partition?: number;
  readonly offset?: number;
  readonly valueId?: number;
  readonly producerSequence?: number;
  readonly detail: string;
}

/** An invariant the run broke: its name (lost-write, duplicate, one-leader-per-epoch, ...), how often, the first examples. */
export interface Violation {
  readonly invariant: string;
  readonly count: number;
  readonly examples: readonly ViolationExample[];
}

const EXAMPLES_KEPT = 5;

/** Collects violations as checkers find them: counts every one, keeps the first few examples of each. */
export class ViolationSink {
  private readonly byInvariant = new Map<string, { count: number; examples: ViolationExample[] }>();

  report(invariant: string, example: ViolationExample): void {
    let v = this.byInvariant.get(invariant);
    if (!v) this.byInvariant.set(invariant, (v = { count: 0, examples: [] }));
    v.count++;
    if (v.examples.length < EXAMPLES_KEPT) v.examples.push(example);
  }

  /** `count` instances of one invariant at once, with the examples known for the first of them. */
  reportMany(invariant: string, count: number, examples: readonly ViolationExample[]): void {
    if (count <= 0) return;
    let v = this.byInvariant.get(invariant);
    if (!v) this.byInvariant.set(invariant, (v = { count: 0, examples: [] }));
    v.count += count;
    for (const e of examples) if (v.examples.length < EXAMPLES_KEPT) v.examples.push(e);
  }

  count(invariant: string): number {
    return this.byInvariant.get(invariant)?.count ?? 0;
  }

  /** Every violation found, by invariant name. */
  list(): Violation[] {
    return [...this.byInvariant]
      .sort((a, b) => (a[0] < b[0] ? -1 : 1))
      .map(([invariant, v]) => ({ invariant, count: v.count, examples: v.examples }));
  }
}
