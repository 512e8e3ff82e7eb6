import { barChart, esc, htmlPage, htmlTable } from "../../report/index.ts";
import type { FuzzFailure, FuzzResult } from "./FuzzResult.ts";
import { MAX_FAILURES_SHOWN, share } from "./fuzzMarkdown.ts";
import { determinismText, drawnTable, failedText, failureNote, scopeText, seedsRun, verdictText } from "./fuzzSummary.ts";
import { SEED_MAP_MAX, seedMap } from "./seedMap.ts";

/**
 * A campaign's summary as one self-contained page (inline CSS and SVG, no script, nothing
 * fetched), in the look of a run's report.html: the verdict, every seed as a square, failed
 * seeds by invariant, each failure with what it drew and its replay command, and the
 * determinism re-check. Depends on the result only, like the JSON.
 */
export function fuzzHtml(result: FuzzResult): string {
  const body = [header(result), kpis(result), seedsSection(result), invariantsSection(result), failuresSection(result)].join("\n");
  const shard = result.shard === null ? "" : ` (shard ${result.shard})`;
  return htmlPage(`${result.ok ? "PASS" : "FAIL"} ksim fuzz ${result.scenario}${shard}`, body, "ksim fuzz · the same summary for any --jobs, and for shards merged · times are simulated");
}

function header(r: FuzzResult): string {
  return `<header>
<h1>Fuzz: ${esc(r.scenario)}${r.shard === null ? "" : ` <span class="seed">shard ${esc(r.shard)}</span>`}</h1>
<p class="verdict ${r.ok ? "pass" : "fail"}">${esc(verdictText(r))}</p>
<p class="meta">${esc(scopeText(r))}</p>
<p>${esc(determinismText(r))}</p>
</header>`;
}

function kpis(r: FuzzResult): string {
  const { rechecked, mismatched } = r.determinism;
  const items: [string, string, boolean][] = [
    ["seeds run", String(r.seeds), false],
    ["seeds failed", `${r.failed} (${share(r.failed, r.seeds)})`, r.failed > 0],
    ["invariants broken", String(Object.keys(r.byInvariant).length), Object.keys(r.byInvariant).length > 0],
    ["seeds run twice", rechecked === 0 ? "none" : `${rechecked}, ${mismatched.length === 0 ? "same" : `${mismatched.length} differ`}`, mismatched.length > 0],
  ];
  return `<section class="kpis">${items.map(([k, v, bad]) => `<div class="kpi${bad ? " bad" : ""}"><div class="v">${esc(v)}</div><div class="k">${esc(k)}</div></div>`).join("")}</section>`;
}

function seedsSection(r: FuzzResult): string {
  const seeds = seedsRun(r);
  const map = seedMap(r, seeds);
  if (seeds.length === 0) return `<section><h2>Seeds</h2><p>No seed ran.</p></section>`;
  const note = map === null ? `<p class="note">${seeds.length} seeds: too many to draw one by one (more than ${SEED_MAP_MAX}); the tables below list the failures.</p>` : `<p class="note">Each square is a seed, in seed order: green held, red failed, purple ran twice with different fingerprints. Hover a square for its seed.</p>`;
  return `<section><h2>Seeds</h2>${map ?? ""}${note}</section>`;
}

function invariantsSection(r: FuzzResult): string {
  const entries = Object.entries(r.byInvariant);
  if (entries.length === 0) return `<section><h2>Failures by invariant</h2><p>No seed failed.</p></section>`;
  const chart = barChart({ title: "Failed seeds by invariant", unit: "seeds", whole: true, bars: entries.map(([name, n]) => ({ label: name, value: n, bad: true, title: `${name}: ${n} of ${r.seeds} seeds` })) });
  return `<section><h2>Failures by invariant</h2>${chart}${htmlTable(["invariant", "failed seeds", "share of seeds"], entries.map(([name, n]) => [name, n, share(n, r.seeds)]))}<p class="note">A seed that broke several invariants counts under each.</p></section>`;
}

function failuresSection(r: FuzzResult): string {
  if (r.failures.length === 0) return "";
  const shown = r.failures.slice(0, MAX_FAILURES_SHOWN);
  const table = htmlTable(["seed", "failed", "replay"], shown.map((f) => [f.seed, failedCell(f), f.replay]));
  const more = r.failures.length > shown.length ? `<p class="note">(and ${r.failures.length - shown.length} more failing seeds in the JSON result)</p>` : "";
  const drawn = drawnTable(shown);
  const drew =
    drawn === null
      ? ""
      : `<h3>What they drew</h3><p class="note">The settings the scenario gives as ranges, and the faults the swarm drew.</p>${htmlTable(drawn.header, drawn.rows)}`;
  const replays = `<h3>Replay commands</h3><pre class="perf">${esc(shown.map((f) => f.replay).join("\n"))}</pre>`;
  return `<section class="tables"><h2>Failing seeds</h2>${table}${more}${drew}${replays}</section>`;
}

function failedCell(f: FuzzFailure): string {
  return [failedText(f), failureNote(f)].filter((s) => s !== "").join("; ");
}
