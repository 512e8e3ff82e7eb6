import { Random } from "../../sim/index.ts";
import type { Reader } from "./Reader.ts";
import type { SwarmSpec } from "./swarm.ts";
import type { Fault } from "./types.ts";

/**
 * What one reading of a scenario file draws from its seed: the settings written as choices
 * and the swarm's faults (swarm testing). Every draw comes from a stream named after what
 * it decides (`swarm/setting/producers[0].config.acks`, `swarm/crash`), derived from the
 * run's seed and that name only, so the draws are a pure function of (file, seed): `ksim
 * run`, `fuzz` and `replay` of one seed see the same cluster, and adding a choice to a file
 * does not move any other. World's own streams (`net`, `broker-2`) have other names.
 *
 * Without a seed (`ksim validate`, a file loaded before any run) nothing is drawn: each
 * choice takes its first option or the low end of its range, and the swarm adds no fault.
 */
export class SeedDraws {
  /** The drawn value of each setting written as a choice, by field path, in file order. */
  readonly settings = new Map<string, string | number | boolean | null>();
  /** Whether the file has anything for a seed to draw (a choice or a swarm section). */
  varies = false;
  /** The file's swarm section, and the faults this seed drew from it. */
  swarm: SwarmSpec | null = null;
  swarmFaults: readonly Fault[] = [];
  private readonly root: Random | null;

  constructor(readonly seed: string | null) {
    this.root = seed === null ? null : new Random(seed).stream("swarm");
  }

  /** The stream for one decision, or null when nothing is drawn (no seed). */
  stream(name: string): Random | null {
    return this.root === null ? null : this.root.stream(name);
  }
}

// The readers of a file's sections receive only the Reader; the draws of that reading travel beside it.
const DRAWS = new WeakMap<Reader, SeedDraws>();

export function startDraws(r: Reader, seed: string | null): SeedDraws {
  const draws = new SeedDraws(seed);
  DRAWS.set(r, draws);
  return draws;
}

/** The draws of this reading (a Reader nobody started draws for draws nothing). */
export function drawsOf(r: Reader): SeedDraws {
  let draws = DRAWS.get(r);
  if (draws === undefined) {
    draws = new SeedDraws(null);
    DRAWS.set(r, draws);
  }
  return draws;
}
