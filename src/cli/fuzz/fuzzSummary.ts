import { bySeed, type FuzzFailure, type FuzzResult } from "./FuzzResult.ts";

/**
 * The sentences a campaign's report.md and report.html share, so that both say the same:
 * which seeds ran, the verdict, what each failure was, the determinism re-check.
 */

/** Every seed the campaign ran, in seed order (the fingerprinted ones and those the model stopped). */
export function seedsRun(result: FuzzResult): string[] {
  const seeds = new Set([...Object.keys(result.fingerprints), ...result.failures.map((f) => f.seed)]);
  return [...seeds].sort(bySeed);
}

/** `1..200`, or `1..3, 5, 7..9` for a shard or gaps; long lists cut after `maxParts` parts. */
export function seedRanges(seeds: readonly string[], maxParts = 12): string {
  const parts: string[] = [];
  let i = 0;
  while (i < seeds.length) {
    let j = i;
    while (j + 1 < seeds.length && Number(seeds[j + 1]) === Number(seeds[j]) + 1) j++;
    parts.push(j === i ? seeds[i]! : `${seeds[i]}..${seeds[j]}`);
    i = j + 1;
  }
  if (parts.length <= maxParts) return parts.join(", ");
  return `${parts.slice(0, maxParts).join(", ")}, ... (${parts.length - maxParts} more runs of seeds)`;
}

/** `PASS: 200 seeds, 0 failed` or `FAIL: 6 seeds, 2 failed (lost-write 2)`. */
export function verdictText(result: FuzzResult): string {
  const byInvariant = Object.entries(result.byInvariant).map(([name, n]) => `${name} ${n}`).join(", ");
  return `${result.ok ? "PASS" : "FAIL"}: ${result.seeds} seeds, ${result.failed} failed${byInvariant === "" ? "" : ` (${byInvariant})`}`;
}

/** The scope: the file (as `fileShown` writes it), where the seeds start, the shard. */
export function scopeText(result: FuzzResult, fileShown = result.file): string {
  const seeds = seedsRun(result);
  const shard = result.shard === null ? "" : `; shard ${result.shard} of the campaign`;
  return `${fileShown}, ${result.seeds} seed${result.seeds === 1 ? "" : "s"} from seed ${result.fromSeed}${seeds.length > 0 ? ` (${seedRanges(seeds)})` : ""}${shard}`;
}

/** The unseed check, as formatResult says it. */
export function determinismText(result: FuzzResult): string {
  const { rechecked, mismatched } = result.determinism;
  if (rechecked === 0) return "Determinism: no seed was run twice.";
  const same = mismatched.length === 0 ? "every one ended with the same fingerprint" : `the fingerprints differ for seed${mismatched.length === 1 ? "" : "s"} ${mismatched.join(", ")}`;
  return `Determinism: ${rechecked} seed${rechecked === 1 ? "" : "s"} run twice; ${same}.`;
}

/** `lost-write 2, liveness 1`: what failed, with how often (a violation's count, an expectation's value). */
export function failedText(f: FuzzFailure): string {
  return f.invariants.map((name) => (name === "nondeterminism" || name === "internal-error" ? name : `${name} ${f.counts[name]}`)).join(", ");
}

/** `replica.lag.time.max.ms (cluster)`: a drawn setting's path as the run's output names it. */
export function settingName(path: string): string {
  const dot = path.indexOf(".config.");
  return dot < 0 ? path : `${path.slice(dot + ".config.".length)} (${path.slice(0, dot)})`;
}

/**
 * What the failing seeds drew, as a table: one column per setting the scenario leaves to the
 * seed (the same for every seed of a scenario), then the swarm faults. Null when nothing was drawn.
 */
export function drawnTable(failures: readonly FuzzFailure[]): { header: string[]; rows: string[][] } | null {
  const paths = [...new Set(failures.flatMap((f) => Object.keys(f.drawn?.settings ?? {})))];
  const faults = failures.some((f) => (f.drawn?.faults.length ?? 0) > 0);
  if (paths.length === 0 && !faults) return null;
  const rows = failures.map((f) => [
    f.seed,
    ...paths.map((p) => (f.drawn !== undefined && p in f.drawn.settings ? String(f.drawn.settings[p]) : "-")),
    ...(faults ? [f.drawn === undefined || f.drawn.faults.length === 0 ? "none" : f.drawn.faults.join("; ")] : []),
  ]);
  return { header: ["seed", ...paths.map(settingName), ...(faults ? ["swarm faults"] : [])], rows };
}

/** Failure details beyond the invariants: differing fingerprints, an internal error's first line. */
export function failureNote(f: FuzzFailure): string {
  const notes: string[] = [];
  if (f.fingerprints !== undefined) notes.push(`fingerprints ${f.fingerprints[0]} then ${f.fingerprints[1]}`);
  if (f.error !== undefined) notes.push(f.error.split("\n")[0]!);
  return notes.join("; ");
}

