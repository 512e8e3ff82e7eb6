import { Chalk } from "chalk";
import chalk from "chalk";
import { describeSettings } from "../../scenario/index.ts";
import type { FuzzFailure, FuzzResult } from "./FuzzResult.ts";

/** Colour where the output is a terminal, never with NO_COLOR set (https://no-color.org). */
export function colours(env: NodeJS.ProcessEnv): InstanceType<typeof Chalk> {
  const noColour = env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "";
  return new Chalk({ level: noColour ? 0 : chalk.level });
}

/**
 * A campaign's result for people: each failure with what failed, what the seed drew and
 * the command that replays it; then the totals and the determinism re-check. The same
 * for any --jobs and for shards merged (timings go to stderr, not here).
 */
export function formatResult(result: FuzzResult, c: InstanceType<typeof Chalk>): string {
  const lines: string[] = [];
  const scope = result.shard === null ? "" : `, shard ${result.shard}`;
  lines.push(`fuzz ${result.file} (${result.scenario})${scope}: ${result.seeds} seeds from seed ${result.fromSeed}`);
  for (const failure of result.failures) lines.push(...formatFailure(failure, c));
  const byInvariant = Object.entries(result.byInvariant).map(([name, n]) => `${name} ${n}`).join(", ");
  const verdict = result.ok ? c.green("PASS") : c.red("FAIL");
  lines.push(`${verdict}  ${result.seeds} seeds, ${result.failed} failed${byInvariant === "" ? "" : ` (${byInvariant})`}`);
  const { rechecked, mismatched } = result.determinism;
  const same = mismatched.length === 0 ? "same fingerprints" : c.red(`fingerprints differ for seeds ${mismatched.join(", ")}`);
  lines.push(rechecked === 0 ? "determinism: no seed run twice" : `determinism: ${rechecked} seed${rechecked === 1 ? "" : "s"} run twice, ${same}`);
  return lines.join("\n");
}

function formatFailure(f: FuzzFailure, c: InstanceType<typeof Chalk>): string[] {
  const what = f.invariants.map((name) => (name === "nondeterminism" || name === "internal-error" ? name : `${name} ${f.counts[name]}`)).join(", ");
  const lines = [`${c.red("FAIL")}  seed ${f.seed}  ${what}`];
  if (f.fingerprints !== undefined) lines.push(`      fingerprints ${f.fingerprints[0]} then ${f.fingerprints[1]}`);
  if (f.error !== undefined) lines.push(`      ${f.error.split("\n")[0]}`);
  if (f.drawn !== undefined) {
    const settings = describeSettings(f.drawn.settings);
    if (settings !== "") lines.push(`      settings ${settings}`);
    if (f.drawn.faults.length > 0) lines.push(`      swarm    ${f.drawn.faults.join("; ")}`);
  }
  lines.push(`      replay   ${f.replay}`);
  return lines;
}
