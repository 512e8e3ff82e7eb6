import seedrandom from "seedrandom";
import { assert } from "./assert.ts";

/** The saved state of one stream, as seedrandom's alea reports it. */
export type RandomState = seedrandom.State.Alea;

type Alea = seedrandom.StatefulPRNG<RandomState>;

/**
 * A seeded random stream (seedrandom's alea). One root per run; every subsystem and
 * node draws from its own named stream, derived from the root's seed and the name
 * (never from the root's position), so adding a stream or a draw in one place does not
 * shift the numbers anyone else sees.
 */
export class Random {
  private readonly prng: Alea;
  private readonly streams = new Map<string, Random>();

  constructor(
    /** The seed this stream was made from; children derive theirs from it. */
    readonly seed: string,
    state?: RandomState,
  ) {
    this.prng = state ? seedrandom.alea("", { state }) : seedrandom.alea(seed, { state: true });
  }

  /** The named child stream; the same name always gives the same stream object. */
  stream(name: string): Random {
    let child = this.streams.get(name);
    if (!child) {
      child = new Random(`${this.seed}/${name}`);
      this.streams.set(name, child);
    }
    return child;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.prng();
  }

  /** True with probability `p` (0 never draws true, 1 always does; both still consume a draw). */
  chance(p: number): boolean {
    assert(p >= 0 && p <= 1, () => `chance(${p}): probability outside [0, 1]`);
    return this.prng() < p;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    assert(Number.isInteger(min) && Number.isInteger(max) && min <= max, () => `int(${min}, ${max}): bad range`);
    return min + Math.floor(this.prng() * (max - min + 1));
  }

  pick<T>(items: readonly T[]): T {
    assert(items.length > 0, "pick from an empty list");
    return items[Math.floor(this.prng() * items.length)]!;
  }

  /** A new array with the items in random order (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(this.prng() * (i + 1));
      const tmp = out[i]!;
      out[i] = out[j]!;
      out[j] = tmp;
    }
    return out;
  }

  /** An exponential draw with the given mean (inter-arrival times of a Poisson process). */
  exponential(mean: number): number {
    assert(mean >= 0, () => `exponential(${mean}): negative mean`);
    if (mean === 0) return 0;
    return -mean * Math.log(1 - this.prng());
  }

  /** A standard normal draw (Box–Muller; one of the pair is discarded to keep draws per call fixed). */
  normal(mean = 0, stddev = 1): number {
    const u = 1 - this.prng();
    const v = this.prng();
    return mean + stddev * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * A log-normal draw given its median and the ratio of its 99th percentile to the
   * median, the way latencies are usually described ("1ms median, p99 ten times that").
   */
  logNormal(median: number, p99OverMedian: number): number {
    assert(median > 0 && p99OverMedian >= 1, () => `logNormal(${median}, ${p99OverMedian}): bad shape`);
    const sigma = Math.log(p99OverMedian) / 2.3263478740408408; // z of the 99th percentile
    return median * Math.exp(this.normal(0, sigma));
  }

  /** The stream's position, to restore later; named children are not included. */
  save(): RandomState {
    return this.prng.state();
  }

  /** A stream that continues exactly where `state` was saved. */
  static restore(seed: string, state: RandomState): Random {
    return new Random(seed, state);
  }
}
