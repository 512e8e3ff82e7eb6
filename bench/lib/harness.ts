/**
 * What every benchmark shares: the plug-in contract that bench/main.ts loads, and the
 * round runner that times several sides of one comparison in alternating order.
 *
 * Speed is reported as ratios taken in one process (DESIGN.md, "Performance policy"):
 * absolute figures move with the machine, a ratio against a baseline run beside it
 * moves much less.
 */
import v8 from "node:v8";
import vm from "node:vm";

export interface BenchOptions {
  /** Measured rounds (after the warm-up); a benchmark's own default when undefined. */
  rounds: number | undefined;
  /** Work per round (for the kernel: events fired); a benchmark's own default when undefined. */
  events: number | undefined;
  /** `--quick`: shorter loads and a single run, for a first look (not the figures to publish). */
  quick: boolean;
  /** Progress lines (stderr on a terminal, nowhere otherwise); never the result. */
  log(line: string): void;
}

/** The result of one benchmark: one flat-ish JSON object, keyed by the benchmark's name in the output. */
export type BenchResult = Record<string, unknown>;

/**
 * A benchmark is one file in bench/ that exports `benchmark` (helpers live in bench/lib/).
 * bench/main.ts finds it by its file and runs it by `name`.
 */
export interface Benchmark<R extends BenchResult = BenchResult> {
  /** The CLI argument and the key in the JSON output; the file is bench/<name>.ts. */
  name: string;
  /** The key its result goes under in the output (`workloads`: {steady, light}); top level when undefined. */
  group?: string;
  /** One line for `npm run bench -- --help`. */
  description: string;
  run(options: BenchOptions): R | Promise<R>;
  /** The human-readable report of a result, a few lines. */
  format(result: R): string[];
}

/** One timed piece of work: `run` does its own setup, times only the work, returns milliseconds. */
export interface Side {
  name: string;
  run(): number;
}

export interface RoundsPlan {
  warmupRounds: number;
  rounds: number;
  log(line: string): void;
}

/**
 * Runs every side once per round, warm-up rounds first (discarded), and returns the
 * milliseconds of the measured rounds per side. The order of the sides rotates from one
 * round to the next, so neither side always runs first (right after a collection) or
 * last; a full collection runs before each timed piece when it can be had.
 */
export function runRounds(sides: readonly Side[], plan: RoundsPlan): Map<string, number[]> {
  const times = new Map<string, number[]>(sides.map((side) => [side.name, []]));
  const total = plan.warmupRounds + plan.rounds;
  for (let round = 0; round < total; round++) {
    const warmup = round < plan.warmupRounds;
    const parts: string[] = [];
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(round + k) % sides.length]!;
      collectGarbage();
      const ms = side.run();
      if (!warmup) times.get(side.name)!.push(ms);
      parts.push(`${side.name} ${ms.toFixed(1)}ms`);
    }
    plan.log(`${warmup ? "warm-up" : `round ${round - plan.warmupRounds + 1}/${plan.rounds}`}: ${parts.join(", ")}`);
  }
  return times;
}

export interface Spread {
  median: number;
  min: number;
  max: number;
}

export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new Error("spread of no values");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** 12345678.9 -> "12.35M". */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1e6) return `${(perSecond / 1e6).toFixed(2)}M`;
  if (perSecond >= 1e3) return `${(perSecond / 1e3).toFixed(1)}k`;
  return perSecond.toFixed(0);
}

let gc: (() => void) | null | undefined;

/**
 * A full collection between timed pieces, so one side does not pay for the garbage the
 * other left. `npm run bench` starts node without --expose-gc, so the flag is set at run
 * time; where that is refused the bench just runs without it.
 */
function collectGarbage(): void {
  if (gc === undefined) {
    gc = (globalThis as { gc?: () => void }).gc ?? null;
    if (gc === null) {
      try {
        v8.setFlagsFromString("--expose-gc");
        gc = vm.runInNewContext("gc") as () => void;
      } catch {
        gc = null;
      }
    }
  }
  gc?.();
}

/**
 * Whether another run fits: up to `runs` runs, and once one is done, only while the
 * time spent so far plus the longest run yet stays within `budgetMs` (so a full bench on
 * a slow machine still ends in reasonable time; the result says how many runs it took).
 */
export function anotherRun(done: readonly number[], runs: number, budgetMs: number): boolean {
  if (done.length >= runs) return false;
  if (done.length === 0) return true;
  const spent = done.reduce((a, b) => a + b, 0);
  return spent + Math.max(...done) <= budgetMs;
}
