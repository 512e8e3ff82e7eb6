import type { Drawn } from "../../scenario/index.ts";
import { sortedRecord, type SeedOutcome } from "./runSeed.ts";

/** A seed that failed, with the command that reproduces it. */
export interface FuzzFailure {
  readonly seed: string;
  /** What failed, by name: invariants, unmet expectations, `nondeterminism`, `internal-error`. */
  readonly invariants: readonly string[];
  /** How often each failed (violations counted, or an expectation's actual value). */
  readonly counts: Readonly<Record<string, number>>;
  readonly replay: string;
  /** The settings and swarm faults the seed drew, when the scenario leaves any to the seed. */
  readonly drawn?: Drawn;
  /** The two fingerprints of a seed run twice that differed. */
  readonly fingerprints?: readonly [string, string];
  /** An internal error's message. */
  readonly error?: string;
}

/**
 * A fuzz campaign's result: what `ksim fuzz --json` prints and `--merge` joins. It depends
 * only on the scenario and the seeds run (never on --jobs, the machine or the wall clock),
 * so shards merged equal the campaign run whole.
 */
export interface FuzzResult {
  readonly scenario: string;
  readonly file: string;
  readonly fromSeed: number;
  /** How many seeds ran. */
  readonly seeds: number;
  /** `i/n` for one shard of a campaign; null for a whole (or merged) campaign. */
  readonly shard: string | null;
  readonly ok: boolean;
  readonly failed: number;
  /** In seed order. */
  readonly failures: readonly FuzzFailure[];
  /** Failed seeds per invariant. */
  readonly byInvariant: Readonly<Record<string, number>>;
  /** Seeds run a second time (FoundationDB's unseed check), and those whose fingerprints differed. */
  readonly determinism: { readonly rechecked: number; readonly mismatched: readonly string[] };
  /** Each seed's fingerprint, in seed order (absent for a run the model stopped). */
  readonly fingerprints: Readonly<Record<string, string>>;
}

export function replayCommand(file: string, seed: string): string {
  const shown = /^[\w./-]+$/.test(file) ? file : `'${file.replaceAll("'", "'\\''")}'`;
  return `ksim replay ${shown} --seed ${seed}`;
}

/** Gathers outcomes as they arrive, in any order, into a FuzzResult in seed order. */
export class FuzzCollector {
  private readonly first = new Map<string, SeedOutcome>();
  private readonly second = new Map<string, SeedOutcome>();

  constructor(
    private readonly scenario: string,
    private readonly file: string,
    private readonly fromSeed: number,
    private readonly shard: string | null,
  ) {}

  private readonly failedSeeds = new Set<string>();

  add(outcome: SeedOutcome): void {
    const seed = outcome.task.seed;
    (outcome.task.recheck ? this.second : this.first).set(seed, outcome);
    const first = this.first.get(seed);
    if (first !== undefined && (first.kind !== "ran" || !first.ok || this.mismatch(seed) !== null)) this.failedSeeds.add(seed);
  }

  /** Seeds failed so far (for progress), each counted once. */
  get failures(): number {
    return this.failedSeeds.size;
  }

  get done(): number {
    return this.first.size;
  }

  result(): FuzzResult {
    const seeds = [...this.first.keys()].sort(bySeed);
    const failures: FuzzFailure[] = [];
    const fingerprints: Record<string, string> = {};
    const mismatched: string[] = [];
    for (const seed of seeds) {
      const outcome = this.first.get(seed)!;
      if (outcome.kind === "ran") fingerprints[seed] = outcome.fingerprint;
      const mismatch = this.mismatch(seed);
      if (mismatch !== null) mismatched.push(seed);
      const failure = failureOf(outcome, mismatch, this.file);
      if (failure !== null) failures.push(failure);
    }
    return assemble({ scenario: this.scenario, file: this.file, fromSeed: this.fromSeed, shard: this.shard, seeds: seeds.length, failures, fingerprints, rechecked: this.second.size, mismatched });
  }

  /** The two fingerprints when a re-run of the seed differed from its first run. */
  private mismatch(seed: string): [string, string] | null {
    const a = this.first.get(seed);
    const b = this.second.get(seed);
    if (a === undefined || b === undefined) return null;
    const fa = a.kind === "ran" ? a.fingerprint : a.kind;
    const fb = b.kind === "ran" ? b.fingerprint : b.kind;
    return fa === fb ? null : [fa, fb];
  }
}

function failureOf(outcome: SeedOutcome, mismatch: [string, string] | null, file: string): FuzzFailure | null {
  const seed = outcome.task.seed;
  const replay = replayCommand(file, seed);
  const counts: Record<string, number> = {};
  let error: string | undefined;
  if (outcome.kind === "ran") Object.assign(counts, outcome.invariants);
  else if (outcome.kind === "internal-error") {
    counts["internal-error"] = 1;
    error = outcome.message;
  }
  if (mismatch !== null) counts["nondeterminism"] = 1;
  if (Object.keys(counts).length === 0 && (outcome.kind !== "ran" || outcome.ok)) return null;
  if (Object.keys(counts).length === 0) counts["verdict"] = 1;
  const sorted = sortedRecord(counts);
  const drawn = outcome.kind === "bad-input" ? null : outcome.drawn;
  return {
    seed,
    invariants: Object.keys(sorted),
    counts: sorted,
    replay,
    ...(drawn === null ? {} : { drawn }),
    ...(mismatch === null ? {} : { fingerprints: mismatch }),
    ...(error === undefined ? {} : { error }),
  };
}

interface Parts {
  readonly scenario: string;
  readonly file: string;
  readonly fromSeed: number;
  readonly shard: string | null;
  readonly seeds: number;
  readonly failures: readonly FuzzFailure[];
  readonly fingerprints: Readonly<Record<string, string>>;
  readonly rechecked: number;
  readonly mismatched: readonly string[];
}

/** The result in one canonical form (key order, seed order), whichever way it was gathered. */
export function assemble(p: Parts): FuzzResult {
  const failures = [...p.failures].sort((a, b) => bySeed(a.seed, b.seed));
  const byInvariant: Record<string, number> = {};
  for (const f of failures) for (const name of f.invariants) byInvariant[name] = (byInvariant[name] ?? 0) + 1;
  const fingerprints: Record<string, string> = {};
  for (const seed of Object.keys(p.fingerprints).sort(bySeed)) fingerprints[seed] = p.fingerprints[seed]!;
  return {
    scenario: p.scenario,
    file: p.file,
    fromSeed: p.fromSeed,
    seeds: p.seeds,
    shard: p.shard,
    ok: failures.length === 0,
    failed: failures.length,
    failures,
    byInvariant: sortedRecord(byInvariant),
    determinism: { rechecked: p.rechecked, mismatched: [...p.mismatched].sort(bySeed) },
    fingerprints,
  };
}

export function bySeed(a: string, b: string): number {
  return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
}
