import { availableParallelism } from "node:os";
import { parseDuration } from "../../../sim/index.ts";
import { UsageError } from "../UsageError.ts";

/**
 * Which seeds a campaign runs, from its flags. Seed k of a campaign (k = 0, 1, 2, ...) is
 * `--from-seed` + k. `--shard i/n` keeps the seeds whose k % n == i - 1, so n machines
 * given shards 1/n .. n/n run every seed once (a CI matrix index, or a Kubernetes Indexed
 * Job's JOB_COMPLETION_INDEX + 1). The determinism re-check runs seed k again when
 * k % round(1 / share) == 0: the first seed always, then one in every 20 by default,
 * a choice that depends on k alone, so shards re-check what the whole campaign would.
 */
export interface FuzzPlan {
  readonly fromSeed: number;
  /** Seeds of the whole campaign (k < count), or null when bounded by wall time. */
  readonly count: number | null;
  readonly timeMs: number | null;
  readonly shard: { readonly index: number; readonly of: number } | null;
  /** Re-run every n-th seed of the campaign; 0 for none. */
  readonly recheckEvery: number;
  readonly jobs: number;
}

export const DEFAULT_SEEDS = 100;
export const DEFAULT_RECHECK_SHARE = 0.05;
const MAX_SEEDS = 100_000_000;
const MAX_JOBS = 1_024;

export interface PlanFlags {
  readonly seeds?: string;
  readonly time?: string;
  readonly fromSeed?: string;
  readonly jobs?: string;
  readonly shard?: string;
  readonly recheck?: string;
}

export function planFrom(flags: PlanFlags): FuzzPlan {
  if (flags.seeds !== undefined && flags.time !== undefined) throw new UsageError("give --seeds N or --time DURATION, not both");
  const count = flags.time !== undefined ? null : whole("--seeds", flags.seeds ?? String(DEFAULT_SEEDS), 1, MAX_SEEDS);
  const timeMs = flags.time === undefined ? null : wallTime(flags.time);
  const fromSeed = whole("--from-seed", flags.fromSeed ?? "1", 0, Number.MAX_SAFE_INTEGER - MAX_SEEDS);
  const jobs = whole("--jobs", flags.jobs ?? String(availableParallelism()), 1, MAX_JOBS);
  const shard = flags.shard === undefined ? null : parseShard(flags.shard);
  const recheckEvery = recheckFrom(flags.recheck ?? String(DEFAULT_RECHECK_SHARE));
  return { fromSeed, count, timeMs, shard, recheckEvery, jobs };
}

/** Seeds this run takes, in order, as a generator: k = 0, 1, ... within the shard. */
export function* campaignSeeds(plan: FuzzPlan): Generator<{ seed: string; index: number }> {
  const of = plan.shard?.of ?? 1;
  const first = plan.shard === null ? 0 : plan.shard.index - 1;
  for (let k = first; plan.count === null || k < plan.count; k += of) yield { seed: String(plan.fromSeed + k), index: k };
}

/** How many seeds this run takes (null when bounded by time). */
export function seedsInRun(plan: FuzzPlan): number | null {
  if (plan.count === null) return null;
  const of = plan.shard?.of ?? 1;
  const first = plan.shard === null ? 0 : plan.shard.index - 1;
  return first >= plan.count ? 0 : Math.ceil((plan.count - first) / of);
}

export function isRechecked(plan: FuzzPlan, index: number): boolean {
  return plan.recheckEvery > 0 && index % plan.recheckEvery === 0;
}

export function shardLabel(plan: FuzzPlan): string | null {
  return plan.shard === null ? null : `${plan.shard.index}/${plan.shard.of}`;
}

function whole(flag: string, text: string, min: number, max: number): number {
  const value = /^\d+$/.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new UsageError(`${flag} ${text}: expected a whole number from ${min} to ${max}`);
  return value;
}

function wallTime(text: string): number {
  try {
    const ms = parseDuration(text) / 1_000;
    if (ms >= 1_000) return ms;
  } catch {
    // reported below
  }
  throw new UsageError(`--time ${text}: expected a wall-clock duration of at least 1s with a unit, like 90s, 5m or 1h`);
}

function parseShard(text: string): { index: number; of: number } {
  const match = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = Number(match?.[1]);
  const of = Number(match?.[2]);
  if (match === null || of < 1 || index < 1 || index > of) {
    throw new UsageError(`--shard ${text}: expected i/n with 1 <= i <= n, like 2/4 (the second of four shards)`);
  }
  return { index, of };
}

/** `5%` or `0.05`: the share of seeds run twice; 0 turns the re-check off. */
function recheckFrom(text: string): number {
  const trimmed = text.trim();
  const share = trimmed.endsWith("%") ? Number(trimmed.slice(0, -1)) / 100 : Number(trimmed);
  if (trimmed === "" || !Number.isFinite(share) || share < 0 || share > 1) {
    throw new UsageError(`--recheck ${text}: expected the share of seeds to run twice, like 5% or 0.05 (0 for none)`);
  }
  return share === 0 ? 0 : Math.max(1, Math.round(1 / share));
}
