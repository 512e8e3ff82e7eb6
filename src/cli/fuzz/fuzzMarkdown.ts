import { markdownTable } from "../../report/index.ts";
import type { FuzzResult } from "./FuzzResult.ts";
import { determinismText, drawnTable, failedText, failureNote, scopeText, verdictText } from "./fuzzSummary.ts";

/** Failing seeds listed at most (a campaign gone badly wrong keeps a readable summary; the JSON has them all). */
export const MAX_FAILURES_SHOWN = 200;

/**
 * A campaign's summary in Markdown, to paste into a pull request or a CI job's summary:
 * the verdict, the seeds run, failed seeds by invariant, each failure with what it drew and
 * its replay command, and the determinism re-check. Depends on the result only (never on
 * --jobs or the wall clock), so shards merged give the summary of the campaign run whole.
 */
export function fuzzMarkdown(result: FuzzResult): string {
  const out: string[] = [`# ksim fuzz: ${result.scenario}${result.shard === null ? "" : ` (shard ${result.shard})`}`, ""];
  out.push(`**${verdictText(result)}**`, "", `${scopeText(result, `\`${result.file}\``)}.`, "", determinismText(result), "");
  out.push("## Failures by invariant", "");
  const byInvariant = Object.entries(result.byInvariant);
  if (byInvariant.length === 0) out.push("No seed failed.", "");
  else out.push(markdownTable(["invariant", "failed seeds", "share of seeds"], byInvariant.map(([name, n]) => [name, n, share(n, result.seeds)])), "");
  if (result.failures.length === 0) return out.join("\n");

  const shown = result.failures.slice(0, MAX_FAILURES_SHOWN);
  out.push("## Failing seeds", "");
  out.push(markdownTable(["seed", "failed", "replay"], shown.map((f) => [f.seed, [failedText(f), failureNote(f)].filter((s) => s !== "").join("; "), `\`${f.replay}\``])), "");
  if (result.failures.length > shown.length) out.push(`(and ${result.failures.length - shown.length} more failing seeds in the JSON result)`, "");
  const drawn = drawnTable(shown);
  if (drawn !== null) out.push("## What the failing seeds drew", "", "The settings the scenario gives as ranges, and the faults the swarm drew.", "", markdownTable(drawn.header, drawn.rows), "");
  out.push("To replay the failing seeds:", "", "```sh", ...shown.map((f) => f.replay), "```", "");
  return out.join("\n");
}

/** `33%` of the seeds (one decimal under 10%). */
export function share(n: number, of: number): string {
  if (of === 0) return "-";
  const pct = (n / of) * 100;
  return `${pct < 10 ? Math.round(pct * 10) / 10 : Math.round(pct)}%`;
}
